using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Google.Apis.Auth.OAuth2.Responses;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Advisors;

/// <summary>
/// Reads the advisor range with the Sheets API v4 (<c>spreadsheets.values.get</c>), as the service account.
/// Failures become one sentence an operator can act on; retrying is the next refresh's job.
/// </summary>
public sealed partial class GoogleSheetsAdvisorSource(HttpClient http, GoogleSheetsCredential credential, IOptions<AdvisorOptions> options)
    : IAdvisorSource
{
    public async Task<AdvisorSourceData> LoadAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var spreadsheetId = o.SpreadsheetId!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.SheetsTimeout);
        try
        {
            var token = await GetAccessTokenAsync(timeout.Token);
            using var request = new HttpRequestMessage(
                HttpMethod.Get,
                $"v4/spreadsheets/{Uri.EscapeDataString(spreadsheetId)}/values/{Uri.EscapeDataString(o.Range)}?majorDimension=ROWS");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw await DescribeFailureAsync(response, spreadsheetId, o.Range, timeout.Token);
            }
            var body = await response.Content.ReadFromJsonAsync<ValueRange>(timeout.Token)
                ?? throw new AdvisorSourceException("Sheets API answered with an empty body.");
            var rows = (body.Values ?? []).Select(row => (IReadOnlyList<string>)[.. row.Select(CellText)]).ToList();
            return new AdvisorSourceData(rows, $"GoogleSheets spreadsheet {spreadsheetId} range {o.Range}", FirstRow(body.Range));
        }
        catch (HttpRequestException e)
        {
            throw new AdvisorSourceException($"Sheets API unreachable: {e.Message}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdvisorSourceException($"Sheets API unreachable: no answer within {o.SheetsTimeout.TotalSeconds:0} s.", e);
        }
        catch (JsonException e)
        {
            throw new AdvisorSourceException($"Sheets API answered with JSON that is not a value range: {e.Message}", e);
        }
    }

    private async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await credential.GetAccessTokenAsync(cancellationToken);
        }
        catch (TokenResponseException e)
        {
            throw new AdvisorSourceException(
                $"Google refused a token for {credential.ServiceAccountEmail}: {e.Error?.Error} {e.Error?.ErrorDescription} " +
                "(is the key in Advisors:CredentialsFile revoked?)", e);
        }
        catch (HttpRequestException e)
        {
            throw new AdvisorSourceException($"Google token endpoint unreachable: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new AdvisorSourceException($"Advisors:CredentialsFile cannot be used as a service-account key: {e.Message}", e);
        }
    }

    private async Task<AdvisorSourceException> DescribeFailureAsync(
        HttpResponseMessage response, string spreadsheetId, string range, CancellationToken cancellationToken)
    {
        var error = await ReadErrorAsync(response, cancellationToken);
        var message = error?.Message ?? response.ReasonPhrase ?? "";
        var status = error?.Status ?? response.StatusCode.ToString();
        return new AdvisorSourceException(response.StatusCode switch
        {
            HttpStatusCode.Forbidden when ApiDisabled().IsMatch(message) =>
                $"the Google Sheets API is not enabled for the service account's project: {message}",
            HttpStatusCode.Forbidden =>
                $"the sheet is not shared with {credential.ServiceAccountEmail}: share spreadsheet {spreadsheetId} with it as Viewer (Google: {message})",
            HttpStatusCode.NotFound => $"spreadsheet {spreadsheetId} not found (Advisors:SpreadsheetId; Google: {message})",
            HttpStatusCode.BadRequest => $"range '{range}' is invalid: {message}",
            HttpStatusCode.TooManyRequests => "Sheets API quota exceeded, will retry at next refresh",
            HttpStatusCode.Unauthorized => $"Sheets API refused the access token of {credential.ServiceAccountEmail}: {message}",
            _ => $"Sheets API answered {(int)response.StatusCode} {status}: {message}",
        });
    }

    private static async Task<GoogleError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return (await response.Content.ReadFromJsonAsync<GoogleErrorEnvelope>(cancellationToken))?.Error;
        }
        catch (JsonException)
        {
            // Not Google's error shape (a proxy's HTML page): the status code alone still says enough.
            return null;
        }
    }

    /// <summary>Cells are text by default (FORMATTED_VALUE); numbers and booleans are kept as written.</summary>
    private static string CellText(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.String => cell.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => cell.GetRawText(),
    };

    /// <summary>The sheet row of the first value, from the answered range, e.g. <c>Advisors!A3:Z40</c> → 3.</summary>
    private static int FirstRow(string? range)
    {
        var match = range is null ? null : FirstCell().Match(range);
        return match is { Success: true } && int.TryParse(match.Groups[1].ValueSpan, out var row) ? row : 1;
    }

    [GeneratedRegex(@"(?:^|!)\$?[A-Za-z]*\$?(\d+)(?::|$)")]
    private static partial Regex FirstCell();

    [GeneratedRegex("has not been used|is disabled|SERVICE_DISABLED", RegexOptions.IgnoreCase)]
    private static partial Regex ApiDisabled();

    private sealed record ValueRange(
        [property: JsonPropertyName("range")] string? Range,
        [property: JsonPropertyName("values")] List<List<JsonElement>>? Values);

    private sealed record GoogleErrorEnvelope([property: JsonPropertyName("error")] GoogleError? Error);

    private sealed record GoogleError(
        [property: JsonPropertyName("code")] int Code,
        [property: JsonPropertyName("message")] string? Message,
        [property: JsonPropertyName("status")] string? Status);
}
