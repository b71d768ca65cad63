using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;
using Turtle.Grains.Appointments;
using Turtle.Grains.Hosting;
using Turtle.Testing;

namespace Turtle.Grains.Tests.Cluster;

/// <summary>
/// SPEC §14's mutual TLS on a real two-silo cluster built as Turtle.Silo builds its own, with <c>Orleans:Tls:*</c> set:
/// the silos talk to each other and to a client holding the cluster certificate, and refuse a client without it or with
/// a certificate of its own making, though it finds the gateways in the same membership table.
/// </summary>
public sealed class ClusterTlsTests(ClusterTlsTests.TlsCluster cluster) : IClassFixture<ClusterTlsTests.TlsCluster>
{
    public sealed class TlsCluster : TurtleClusterFixture
    {
        private const string Password = "cluster-certificate-password";
        private readonly string _path = Certificates.WritePkcs12("turtle-cluster", Password);

        protected override IReadOnlyDictionary<string, string?> Settings => CertificateSettings;

        /// <summary>Real sockets: TLS is spoken on them, and a client from outside the fixture must reach the gateways.</summary>
        protected override ConnectionTransportType Transport => ConnectionTransportType.TcpSocket;

        public IReadOnlyDictionary<string, string?> CertificateSettings => new Dictionary<string, string?>
        {
            [ClusterTls.CertificatePathKey] = _path,
            [ClusterTls.CertificatePasswordKey] = Password,
        };
    }

    [Fact]
    public async Task AClientWithTheClusterCertificateBooksThroughBothSilos()
    {
        var booking = Bookings.New(TimeSpan.FromDays(3));

        var result = await cluster.Grains.GetGrain<IAppointmentGrain>(booking.InviteeId).BookAsync(booking);
        var hosts = await cluster.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

        Assert.Equal(AppointmentStatus.Booked, result.Status);
        Assert.Equal(2, hosts.Count);
    }

    [Fact]
    public async Task AClientWithoutTheCertificateIsRefused()
    {
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(client => { }));

        Assert.False(refused is OperationCanceledException, refused.ToString());
    }

    [Fact]
    public async Task TheSameClientWithTheClusterCertificateConnects()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(cluster.CertificateSettings).Build();

        await ConnectAsync(client => client.UseClusterTls(configuration));
    }

    [Fact]
    public async Task AClientWithACertificateOfItsOwnIsRefused()
    {
        using var own = X509CertificateLoader.LoadPkcs12FromFile(Certificates.WritePkcs12("intruder", "pw"), "pw");

        // It would accept any silo: the refusal is the silos'.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => ConnectAsync(client => client.UseTls(own, o => o.AllowAnyRemoteCertificate())));

        Assert.False(refused is OperationCanceledException, refused.ToString());
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("wrong password")]
    public void ACertificateThatCannotBeReadStopsStartNamingTheKey(string fault)
    {
        var path = fault == "missing" ? Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.pfx") : Certificates.WritePkcs12("turtle-cluster", "right");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [ClusterTls.CertificatePathKey] = path,
            [ClusterTls.CertificatePasswordKey] = "wrong",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => ClusterTls.Load(configuration));

        Assert.Contains("Orleans:Tls:CertificatePath", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A client finding the gateways as the API does (the membership table), set up by <paramref name="tls"/>.</summary>
    private async Task ConnectAsync(Action<IClientBuilder> tls)
    {
        using var host = new HostBuilder().UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ServiceId, cluster.ServiceId));
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(TestStorage.ConnectionString));
            // Fail on the first refusal rather than keep trying: the refusal itself is what is tested.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            tls(client);
        }).Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(timeout.Token);
        // Should it connect after all, a call proves whether the cluster answers it.
        await host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts();
    }
}

/// <summary>Self-signed certificates written as PKCS #12 files, as a Kubernetes Secret would hold one.</summary>
internal static class Certificates
{
    public static string WritePkcs12(string name, string password)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var path = Path.Combine(Path.GetTempPath(), $"{name}-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, password));
        return path;
    }
}
