using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Turtle.Api.Access;
using Turtle.Api.Tests.Webhooks;

namespace Turtle.Api.Tests.Access;

/// <summary>
/// SPEC §14's named keys on the real API in-process: refusals are decided before any route asks the cluster, so no silo
/// is needed here (<see cref="Cluster.ApiOnClusterTests"/> shows the roles' allowed calls answered by a cluster).
/// </summary>
public sealed class ApiKeyAccessTests(ApiKeyAccessTests.KeyedApp app) : IClassFixture<ApiKeyAccessTests.KeyedApp>
{
    public const string ViewerKey = "viewer-key-for-dashboards";
    public const string OperatorKey = "operator-key-for-scripts";

    public sealed class KeyedApp : IDisposable
    {
        public CalendlyApiFactory Factory { get; } = new("Production", CalendlyApiFactory.SigningKey,
            ("Admin:ApiKey", "the-old-single-key"),
            ("Admin:ApiKeys:grafana:Hash", ApiKeyRing.HashOf(ViewerKey).ToUpperInvariant()),
            ("Admin:ApiKeys:grafana:Role", "viewer"),
            ("Admin:ApiKeys:nightly-script:Hash", ApiKeyRing.HashOf(OperatorKey)),
            ("Admin:ApiKeys:nightly-script:Role", "Operator"));

        public void Dispose() => Factory.Dispose();
    }

    private const string Booking = "0b4a5c9e-6f0e-4a8e-9a51-3f3f0c1d2e4b";

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-configured-key")]
    [InlineData("viewer-key-for-dashboards ")]
    public async Task AMissingOrUnknownKeyIsRefused401(string? key)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/attention", key);

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/reconcile")]
    [InlineData("/api/advisors/refresh")]
    [InlineData($"/api/appointments/{Booking}/notifications/Confirmation/retry")]
    public async Task AViewerKeyMayNotActAndIsToldTheRoleNeeded(string route)
    {
        using var response = await SendAsync(HttpMethod.Post, route, ViewerKey);

        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("operator", problem.GetProperty("requiredRole").GetString());
        Assert.Equal("The operator role is needed.", problem.GetProperty("title").GetString());
        Assert.Contains("\"grafana\" has the viewer role", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ViewerKey)]
    [InlineData(OperatorKey)]
    public async Task OnlyAnAdminReadsTheAudit(string key)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/audit", key);

        var problem = await ProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal("admin", problem.GetProperty("requiredRole").GetString());
    }

    [Theory]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?from=2026-12-07T00:00:00Z&to=2026-12-01T00:00:00Z", "to")]
    [InlineData("?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z", "to")]
    public async Task ABadAuditWindowIsRefusedNamingTheField(string query, string field)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/audit" + query, "the-old-single-key");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public void KeysAreRecognisedByTheirHashAndTheOldSingleKeyIsAnAdmin()
    {
        var ring = app.Factory.Services.GetRequiredService<ApiKeyRing>();

        Assert.Equal(new ApiCaller("grafana", StaffRole.Viewer), ring.Identify(ViewerKey));
        Assert.Equal(new ApiCaller("nightly-script", StaffRole.Operator), ring.Identify(OperatorKey));
        Assert.Equal(new ApiCaller(ApiKeyRing.AdminKeyName, StaffRole.Admin), ring.Identify("the-old-single-key"));
        Assert.Null(ring.Identify(ApiKeyRing.HashOf(ViewerKey)));
    }

    [Fact]
    public void RolesIncludeTheOnesBelowThem()
    {
        Assert.True(StaffRole.Admin.Includes(StaffRole.Operator));
        Assert.True(StaffRole.Operator.Includes(StaffRole.Viewer));
        Assert.False(StaffRole.Operator.Includes(StaffRole.Admin));
        Assert.False(StaffRole.Viewer.Includes(StaffRole.Operator));
    }

    [Theory]
    [InlineData("Admin:ApiKeys:ci:Hash", "not-hex", "Admin:ApiKeys:ci:Role", "viewer", "Admin:ApiKeys:ci:Hash")]
    [InlineData("Admin:ApiKeys:ci:Hash", "the key itself, not its hash", "Admin:ApiKeys:ci:Role", "viewer", "Admin:ApiKeys:ci:Hash")]
    [InlineData("Admin:ApiKeys:ci:Hash", "0000000000000000000000000000000000000000000000000000000000000000", "Admin:ApiKeys:ci:Role", "superuser", "Admin:ApiKeys:ci:Role")]
    public void AKeyThatCouldNeverWorkStopsStartNamingIt(string hashKey, string hash, string roleKey, string role, string named)
    {
        var error = StartupValidation.Failure(s => s.AddApiAccess(), (hashKey, hash), (roleKey, role));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string route, string? key)
    {
        using var request = new HttpRequestMessage(method, new Uri(route, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Add(ApiAccessFilter.Header, key);
        }
        return await app.Factory.CreateClient().SendAsync(request);
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
