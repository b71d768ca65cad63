using Orleans.Dashboard;
using Turtle.Silo;

// Content root beside the binaries: appsettings.json and advisors.csv are found wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddTurtleSilo();

var app = builder.Build();
app.MapGet("/health/live", () => TypedResults.Ok("live"));
app.MapOrleansDashboard();
app.Run();
