using Orleans.Dashboard;
using Turtle.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddTurtleSilo();

var app = builder.Build();
app.MapGet("/health/live", () => TypedResults.Ok("live"));
app.MapOrleansDashboard();
app.Run();
