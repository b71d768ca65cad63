using Microsoft.AspNetCore.Http.HttpResults;
using Turtle.Api.Access;
using Turtle.Api.Audit;
using Turtle.Api.Records;
using Turtle.Grains.Records;

namespace Turtle.Api.Endpoints;

/// <summary><c>GET /api/records?phone=&amp;from=&amp;to=[&amp;format=csv]</c>: a client's record (SPEC §13), in time order.</summary>
public static class RecordEndpoints
{
    public static RouteGroupBuilder MapRecordEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/api/records", "Records");
        // Reading a client's whole conversation is exporting it (SPEC §14: admin).
        group.MapGet("/", GetRecord)
            .RequireRole(StaffRole.Admin)
            .WithSummary("A client's record: every message out and in, each status, consent change and staff action, in time order; format=csv answers text/csv.");
        return group;
    }

    public static async Task<Results<Ok<RecordResponse>, ContentHttpResult, ValidationProblem>> GetRecord(
        string? phone, string? from, string? to, string? format, IClusterClient cluster, StaffAudit audit, HttpContext context)
    {
        var (request, errors) = RecordRequest.Parse(phone, from, to);
        if (format is not (null or "json" or RecordFormats.Csv))
        {
            errors["format"] = ["json or csv"];
        }
        if (request is null || errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        // Audited before it is read, so an export the record could not note is not answered. A number with no record (never
        // a client, or erased with its record) is named by its hash in the firm's chain: an entry would begin its record.
        var record = cluster.GetGrain<IClientRecordGrain>(request.Phone);
        var held = await record.CountAsync() > 0;
        await audit.RecordAsync(context.User, StaffActions.ExportRecord, clientPhone: held ? request.Phone : null,
            detail: held ? format ?? "json" : $"{format ?? "json"}, {Clients.ErasureResponse.AuditDetail(request.Phone)}", cancellation: context.RequestAborted);
        var entries = await record.ReadAsync(request.From, request.To);
        var items = entries.Select(RecordItem.From).ToList();
        return format == RecordFormats.Csv
            ? TypedResults.Text(RecordFormats.ToCsv(items), "text/csv")
            : TypedResults.Ok(new RecordResponse(items));
    }
}
