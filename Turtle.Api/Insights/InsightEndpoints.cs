using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Access;
using Turtle.Api.OperationsConsole;
using Turtle.Grains.Insights;

namespace Turtle.Api.Insights;

/// <summary><c>GET /api/insights?from=&amp;to=[&amp;advisor=][&amp;format=csv]</c>: SPEC §16's counts and rates (any role may read them).</summary>
public static class InsightEndpoints
{
    public const string Csv = "csv";

    public static RouteGroupBuilder MapInsightEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/api/insights", "Insights");
        group.MapGet("/", GetInsights)
            .WithSummary("Counts and rates of the meetings on the firm's days [from, to] (yyyy-MM-dd; default: the last 13 weeks), per week and per advisor; format=csv answers text/csv.");
        return group;
    }

    public static async Task<Results<Ok<InsightResponse>, ContentHttpResult, ValidationProblem>> GetInsights(
        string? from, string? to, string? advisor, string? format, IClusterClient cluster, FirmClock clock)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(clock);
        var (request, errors) = InsightRequest.Parse(from, to, advisor, clock.Today);
        if (format is not (null or "json" or Csv))
        {
            errors["format"] = ["json or csv"];
        }
        if (request is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var response = await ReadAsync(cluster, request);
        return format == Csv ? TypedResults.Text(response.ToCsv(), "text/csv") : TypedResults.Ok(response);
    }

    /// <summary>
    /// <c>GET /insights.csv</c>: the console's download of the same CSV, for a signed-in person (the console's cookie, not
    /// an API key; any role may read it).
    /// </summary>
    public static IEndpointConventionBuilder MapInsightCsv(this IEndpointRouteBuilder app) =>
        app.MapGet("/insights.csv", async (string? from, string? to, string? advisor, IClusterClient cluster, FirmClock clock) =>
            await GetInsights(from, to, advisor, Csv, cluster, clock)).RequireAuthorization().ExcludeFromDescription();

    /// <summary>The insight as the API answers it, for the console page too.</summary>
    public static async Task<InsightResponse> ReadAsync(IClusterClient cluster, InsightRequest request)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(request);
        return InsightResponse.Of(await cluster.GetGrain<IInsightQueryGrain>(0).ReportAsync(request.From, request.To, request.Advisor));
    }
}
