using Scalar.AspNetCore;
using Turtle.Api;
using Turtle.Api.Access;
using Turtle.Api.Audit;
using Turtle.Api.Clients;
using Turtle.Api.Commands;
using Turtle.Api.Endpoints;
using Turtle.Api.Insights;
using Turtle.Api.OperationsConsole;
using Turtle.Api.Webhooks;

// ./turtle <group> <verb>: the operator's commands, with this host's configuration but no web server.
if (TurtleCommandLine.IsCommand(args))
{
    return await TurtleCommandLine.RunAsync(args);
}

// Content root beside the binaries: appsettings.json and advisors.csv are found wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddTurtleApi();
builder.AddApiTelemetry();
builder.AddTurtleConsole();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRequestLimits();
app.MapOpenApi();
app.MapScalarApiReference("/docs");
app.MapHealthEndpoints();
app.MapPrometheusScrapingEndpoint();
app.MapCalendlyWebhooks();
app.MapWhatsAppWebhooks();
app.MapAppointmentEndpoints();
app.MapAttentionEndpoints();
app.MapAdvisorEndpoints();
app.MapTemplateEndpoints();
app.MapReconcileEndpoints();
app.MapRecordEndpoints();
app.MapAuditEndpoints();
app.MapClientEndpoints();
app.MapInsightEndpoints();
app.MapTurtleConsole();
app.MapInsightCsv();
app.Run();
return 0;
