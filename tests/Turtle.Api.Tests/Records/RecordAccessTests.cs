using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Turtle.Api.Access;
using Turtle.Api.Tests.Access;

namespace Turtle.Api.Tests.Records;

/// <summary>A client's whole conversation is an export (SPEC §14): only an admin key reads it, refused before any cluster call.</summary>
public sealed class RecordAccessTests(ApiKeyAccessTests.KeyedApp app) : IClassFixture<ApiKeyAccessTests.KeyedApp>
{
    [Theory]
    [InlineData(ApiKeyAccessTests.ViewerKey)]
    [InlineData(ApiKeyAccessTests.OperatorKey)]
    public async Task OnlyAnAdminReadsAClientsRecord(string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/records?phone=%2B919812345678", UriKind.Relative));
        request.Headers.Add(ApiAccessFilter.Header, key);
        using var response = await app.Factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("admin", problem.GetProperty("requiredRole").GetString());
    }
}
