using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Options;

namespace Turtle.Grains.Advisors;

/// <summary>
/// The service account the sheet is read as. The key file is loaded once; the credential caches its access
/// token and renews it before expiry, so one is requested from the key's <c>token_uri</c> about once an hour.
/// </summary>
public sealed class GoogleSheetsCredential(IOptions<AdvisorOptions> options)
{
    public const string Scope = "https://www.googleapis.com/auth/spreadsheets.readonly";

    private ServiceAccountCredential? credential;

    /// <summary>The address the sheet must be shared with.</summary>
    public string ServiceAccountEmail => Credential.Id;

    public Task<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        Credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);

    // Not a Lazy: a key file fixed after a failed read is picked up at the next refresh.
    private ServiceAccountCredential Credential => credential ??= Load();

    private ServiceAccountCredential Load()
    {
        var path = options.Value.ResolvedCredentialsFile
            ?? throw new AdvisorSourceException("Advisors:CredentialsFile is not set.");
        // CredentialFactory keeps the key's token_uri as the token server, and refuses key files of other types.
        var account = CredentialFactory.FromFile<ServiceAccountCredential>(path);
        return (ServiceAccountCredential)GoogleCredential.FromServiceAccountCredential(account).CreateScoped(Scope).UnderlyingCredential;
    }
}
