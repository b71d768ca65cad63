namespace Turtle.Grains.Advisors;

/// <summary>Where the advisor rows come from: the CSV file or the Google Sheet.</summary>
public interface IAdvisorSource
{
    /// <summary>Reads every row, header included, as text.</summary>
    /// <exception cref="AdvisorSourceException">The source could not be read; the message is for an operator.</exception>
    Task<AdvisorSourceData> LoadAsync(CancellationToken cancellationToken);
}

/// <param name="Rows">Rows as read; a row may be shorter than the header or empty.</param>
/// <param name="Description">What was read, e.g. <c>GoogleSheets spreadsheet 1AbC range Advisors!A1:Z</c>.</param>
/// <param name="FirstRowNumber">Row number of <paramref name="Rows"/>[0] as the operator sees it in the sheet or file.</param>
public sealed record AdvisorSourceData(IReadOnlyList<IReadOnlyList<string>> Rows, string Description, int FirstRowNumber = 1);

/// <summary>A load that failed as a whole, with a message an operator can act on.</summary>
public sealed class AdvisorSourceException : Exception
{
    public AdvisorSourceException()
    {
    }

    public AdvisorSourceException(string message) : base(message)
    {
    }

    public AdvisorSourceException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
