using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Access;
using Turtle.Grains.Templates;

namespace Turtle.Api.Endpoints;

/// <summary><c>GET /api/templates</c>: <c>{ items: [{ kind, name, language, status, category, intendedCategory, quality, reason, since }] }</c>.</summary>
public sealed record TemplatesResponse(IReadOnlyList<TemplateListing> Items);

public static class TemplateEndpoints
{
    public static RouteGroupBuilder MapTemplateEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/api/templates", "Templates");
        group.MapGet("/", ListTemplates)
            .WithSummary("Every kind's WhatsApp template as Meta last reported it: status, category and the intended one (UTILITY), quality, reason, since.");
        return group;
    }

    /// <summary>The silos map kinds to templates (their WhatsApp configuration); each template keeps what Meta reported.</summary>
    public static async Task<Ok<TemplatesResponse>> ListTemplates(IClusterClient cluster) =>
        TypedResults.Ok(new TemplatesResponse(await cluster.GetGrain<ITemplateCatalogGrain>(0).ListAsync()));
}
