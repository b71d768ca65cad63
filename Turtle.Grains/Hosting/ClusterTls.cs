using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace Turtle.Grains.Hosting;

/// <summary>
/// Optional mutual TLS between silos and from the API to the gateways (SPEC §14, <c>Orleans:Tls:*</c>). Every silo and
/// the API present the same cluster certificate (a PKCS #12 file, e.g. mounted from a Kubernetes Secret) and accept a
/// peer only when it presents that certificate too: a process without it cannot join the cluster or call a grain, what
/// else it can reach on the network. Both sides call this, so the rule is defined once.
/// </summary>
public static class ClusterTls
{
    public const string CertificatePathKey = "Orleans:Tls:CertificatePath";
    public const string CertificatePasswordKey = "Orleans:Tls:CertificatePassword";

    /// <summary>The cluster certificate, or null when <c>Orleans:Tls:CertificatePath</c> is unset (plain TCP).</summary>
    public static X509Certificate2? Load(IConfiguration configuration)
    {
        var path = configuration[CertificatePathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[CertificatePasswordKey]);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"{CertificatePathKey} ({path}) could not be read as a PKCS #12 certificate with {CertificatePasswordKey}: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{CertificatePathKey} ({path}) holds no private key: the cluster certificate must carry its key.");
        }
        return certificate;
    }

    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, IConfiguration configuration) =>
        Load(configuration) is { } certificate ? silo.UseTls(certificate, o => Require(o, certificate)) : silo;

    public static IClientBuilder UseClusterTls(this IClientBuilder client, IConfiguration configuration) =>
        Load(configuration) is { } certificate ? client.UseTls(certificate, o => Require(o, certificate)) : client;

    /// <summary>Both ends must present a certificate, and it must be the cluster's own.</summary>
    private static void Require(TlsOptions options, X509Certificate2 cluster)
    {
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // The cluster certificate is usually self-signed, so the platform's chain check fails by design; what is checked
        // instead is that the peer holds the very certificate this process was given.
        options.RemoteCertificateValidation = (remote, _, _) =>
            remote is not null && CryptographicOperations.FixedTimeEquals(remote.RawData, cluster.RawData);
    }
}
