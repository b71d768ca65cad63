namespace Turtle.Grains.Templates;

/// <summary>What Meta last reported of one template in one language; each aspect with the time of its report.</summary>
[GenerateSerializer, Alias("Turtle.TemplateState")]
public sealed class TemplateState
{
    [Id(0)] public string? TemplateId { get; set; }
    [Id(1)] public string? Status { get; set; }
    [Id(2)] public DateTimeOffset? StatusAt { get; set; }
    [Id(3)] public string? Reason { get; set; }
    [Id(4)] public string? Category { get; set; }
    [Id(5)] public string? PreviousCategory { get; set; }
    [Id(6)] public DateTimeOffset? CategoryAt { get; set; }
    [Id(7)] public string? AnnouncedCategory { get; set; }
    [Id(8)] public DateTimeOffset? AnnouncedFor { get; set; }
    [Id(9)] public DateTimeOffset? AnnouncedAt { get; set; }
    [Id(10)] public string? Quality { get; set; }
    [Id(11)] public DateTimeOffset? QualityAt { get; set; }

    /// <summary>When Meta last reported a change Turtle applied.</summary>
    [Id(12)] public DateTimeOffset? Since { get; set; }

    /// <summary>What the current problem is (status, category, announced category), and since when it holds.</summary>
    [Id(13)] public string? ProblemSignature { get; set; }
    [Id(14)] public DateTimeOffset? ProblemSince { get; set; }
}
