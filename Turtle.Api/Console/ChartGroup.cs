namespace Turtle.Api.OperationsConsole;

/// <summary>One row of a <c>BarChart</c>: its label and a value per series (null: none to show).</summary>
public sealed record ChartGroup(string Label, IReadOnlyList<double?> Values);
