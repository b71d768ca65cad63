using System.Security.Cryptography;
using System.Text.Json;

namespace Turtle.Testing.Google;

/// <summary>
/// A Google service account made up for a test: an RSA key generated on the spot and the JSON key file
/// Google would hand out for it, with <c>token_uri</c> pointing wherever the test says (the fake).
/// </summary>
public sealed class ServiceAccountKey : IDisposable
{
    private ServiceAccountKey(string clientEmail)
    {
        ClientEmail = clientEmail;
        Rsa = RSA.Create(2048);
    }

    public RSA Rsa { get; }
    public string ClientEmail { get; }
    public string ProjectId { get; } = "turtle-test";
    public string PrivateKeyId { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
    public string ClientId { get; } = string.Concat(Enumerable.Range(0, 21).Select(_ => RandomNumberGenerator.GetInt32(10)));

    public static ServiceAccountKey Create(string clientEmail = "turtle-advisors@turtle-test.iam.gserviceaccount.com") => new(clientEmail);

    /// <summary>The key file as the Google Cloud console writes it.</summary>
    public string ToJson(string tokenUri) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = ProjectId,
        ["private_key_id"] = PrivateKeyId,
        ["private_key"] = Rsa.ExportPkcs8PrivateKeyPem() + "\n",
        ["client_email"] = ClientEmail,
        ["client_id"] = ClientId,
        ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
        ["token_uri"] = tokenUri,
        ["auth_provider_x509_cert_url"] = "https://www.googleapis.com/oauth2/v1/certs",
        ["universe_domain"] = "googleapis.com",
    });

    /// <summary>Writes the key file and answers its path.</summary>
    public string WriteKeyFile(string path, string tokenUri)
    {
        File.WriteAllText(path, ToJson(tokenUri));
        return path;
    }

    public void Dispose() => Rsa.Dispose();
}
