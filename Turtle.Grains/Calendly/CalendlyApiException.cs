using System.Net;

namespace Turtle.Grains.Calendly;

/// <summary>
/// Calendly refused a request (after the retries 429s and 5xx get), or could not be reached; the message says what
/// Calendly said and, where the operator can fix it, which key to change. It never carries the token.
/// </summary>
public sealed class CalendlyApiException : Exception
{
    public CalendlyApiException()
    {
    }

    public CalendlyApiException(string message) : base(message)
    {
    }

    public CalendlyApiException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public CalendlyApiException(string message, HttpStatusCode? statusCode, CalendlyError? error, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Error = error;
    }

    /// <summary>Calendly's answer; null when it never answered (network failure, timeout).</summary>
    public HttpStatusCode? StatusCode { get; }

    public CalendlyError? Error { get; }

    /// <summary>401: the token is wrong, revoked or expired; nothing works until <c>Calendly:ApiToken</c> is replaced.</summary>
    public bool IsTokenRejected => StatusCode == HttpStatusCode.Unauthorized;
}
