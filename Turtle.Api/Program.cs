using Scalar.AspNetCore;
using Turtle.Api;
using Turtle.Api.Endpoints;
using Turtle.Api.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.AddTurtleApi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference("/docs");
app.MapHealthEndpoints();
app.MapCalendlyWebhooks();
app.MapAppointmentEndpoints();
app.MapAdvisorEndpoints();
app.Run();
