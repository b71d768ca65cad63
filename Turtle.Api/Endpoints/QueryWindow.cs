namespace Turtle.Api.Endpoints;

/// <summary>The <c>from</c>/<c>to</c> window of a listing route, checked the same way everywhere it is asked for.</summary>
public static class QueryWindow
{
    /// <summary>Adds to <paramref name="errors"/> (under <c>to</c>) when the window is empty, backwards or longer than <paramref name="max"/>.</summary>
    public static void Check(DateTimeOffset start, DateTimeOffset end, TimeSpan max, Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            return;
        }
        if (end <= start)
        {
            errors["to"] = ["must be after from"];
        }
        else if (end - start > max)
        {
            errors["to"] = [$"the window may span at most {max.TotalDays:0} days"];
        }
    }
}
