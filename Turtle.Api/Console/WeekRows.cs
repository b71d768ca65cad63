using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;

namespace Turtle.Api.OperationsConsole;

/// <summary>
/// The rows of a day's table on the week page, each booking with its messages as a timeline (planned, sent, delivered,
/// read, failed, skipped, with times), written straight as HTML. A week holds a thousand bookings and some 20,000
/// elements: as Razor markup each element, attribute and text is a render-tree frame built and then written, which
/// cost more than the grains' answer; written here once, the page is one frame per day. What the rows say and how they
/// read to a screen reader is the same as markup would be: the phone layout labels the cells from the stylesheet.
/// </summary>
public static class WeekRows
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Default;

    /// <param name="meetings">The day's bookings, by start time; each has a start.</param>
    /// <param name="showAttendance">Whether the table has the attendance column.</param>
    /// <param name="clock">Writes the times in the firm's zone.</param>
    public static MarkupString Render(IReadOnlyList<BookingModel> meetings, bool showAttendance, FirmClock clock)
    {
        ArgumentNullException.ThrowIfNull(meetings);
        ArgumentNullException.ThrowIfNull(clock);
        var html = new StringBuilder(meetings.Count * 720);
        using var writer = new StringWriter(html, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var booking in meetings)
        {
            var start = booking.Start!.Value;
            writer.Write("<tr><td><time datetime=\"");
            writer.Write(FirmClock.Iso(start));
            writer.Write("\">");
            writer.Write(clock.Time(start));
            writer.Write("</time></td><th scope=\"row\"><a href=\"/appointments/");
            Encoder.Encode(writer, booking.Id);
            writer.Write("\">");
            Encoder.Encode(writer, booking.ClientName ?? booking.Id);
            writer.Write("</a>");
            if (!string.IsNullOrEmpty(booking.PhoneMasked))
            {
                writer.Write("<span class=\"phone\">");
                Encoder.Encode(writer, booking.PhoneMasked);
                writer.Write("</span>");
            }
            writer.Write("</th><td>");
            Encoder.Encode(writer, booking.AdvisorName ?? "—");
            writer.Write("</td><td><span class=\"status status-");
            writer.Write(booking.StatusText);
            writer.Write("\">");
            writer.Write(booking.StatusText);
            writer.Write("</span></td>");
            if (showAttendance)
            {
                writer.Write("<td>");
                Encoder.Encode(writer, booking.Attendance ?? "—");
                writer.Write("</td>");
            }
            writer.Write("<td>");
            Timeline(writer, booking, clock);
            writer.Write("</td></tr>");
        }
        return new MarkupString(html.ToString());
    }

    private static void Timeline(StringWriter writer, BookingModel booking, FirmClock clock)
    {
        if (booking.Messages.Count == 0)
        {
            writer.Write("<p class=\"quiet\">No messages.</p>");
            return;
        }
        writer.Write("<ol class=\"timeline\" aria-label=\"Messages to ");
        Encoder.Encode(writer, booking.ClientName ?? booking.Id);
        writer.Write("\">");
        foreach (var message in booking.Messages)
        {
            var (what, at) = message.Latest;
            writer.Write("<li class=\"");
            writer.Write(message.StageClass);
            writer.Write("\"><b>");
            writer.Write(message.Label);
            writer.Write("</b> <span class=\"stage\">");
            writer.Write(message.Stage);
            writer.Write("</span> ");
            writer.Write(what);
            writer.Write(' ');
            writer.Write(clock.DayAndTime(at));
            if (message.IsFailed && message.LastError is { } error)
            {
                // Meta's error in a line; the booking page has it in full.
                writer.Write("<span class=\"error\">");
                Encoder.Encode(writer, error.Length <= 80 ? error : error[..79] + "…");
                writer.Write("</span>");
            }
            writer.Write("</li>");
        }
        writer.Write("</ol>");
    }
}
