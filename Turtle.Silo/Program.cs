using Orleans.Dashboard;
using Turtle.Silo;

// Content root beside the binaries: appsettings.json and advisors.csv are found wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddTurtleSilo();
builder.AddSiloTelemetry();
builder.AddKubernetesHosting();

var app = builder.Build();
app.MapSiloHealth();
app.MapPrometheusScrapingEndpoint();
app.MapOrleansDashboard();
app.Run();

/// <summary>The silo process. Internal: test projects that load the API beside the silo mean the API's Program.</summary>
internal sealed partial class Program;
