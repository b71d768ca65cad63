using Turtle.Grains.Appointments;

namespace Turtle.Api.OperationsConsole.Attention;

/// <summary>What a person can do about each reason a booking needs attention.</summary>
public enum AttentionAction
{
    /// <summary>Open the booking and act outside Turtle (call the client, read the reply).</summary>
    OpenBooking,
    /// <summary>Send the failed message again.</summary>
    Retry,
    /// <summary>Fix the advisor sheet, then refresh the directory.</summary>
    FixAdvisorSheet,
    /// <summary>No booking to open: the detail says it all.</summary>
    ReadDetail,
    /// <summary>See the template on the templates page and fix it at Meta; the entry goes when Meta approves it as intended.</summary>
    FixTemplate,
}

/// <summary>A reason of SPEC §4's attention list, as the console explains it.</summary>
public sealed record AttentionReason(string Code, string Label, string WhatToDo, AttentionAction Action);

public static class AttentionReasons
{
    public static IReadOnlyList<AttentionReason> All { get; } =
    [
        new(AttentionReasonCodes.NoPhone, "No phone number", "The booking carried no usable number, so nothing is sent: reach the client another way.", AttentionAction.OpenBooking),
        new(AttentionReasonCodes.NoAdvisor, "No advisor", "No active advisor could be assigned: check the advisor sheet, then refresh the directory.", AttentionAction.FixAdvisorSheet),
        new(AttentionReasonCodes.MessageFailed, "Message failed", "Meta refused a message permanently: check the error, then send it again.", AttentionAction.Retry),
        new(AttentionReasonCodes.OptedOut, "Opted out", "The client sent STOP: Turtle sends nothing more to this number.", AttentionAction.OpenBooking),
        new(AttentionReasonCodes.Declined, "Declined", "The client said they will not attend; a reschedule offer was sent.", AttentionAction.OpenBooking),
        new(AttentionReasonCodes.NoShow, "No-show", "The client missed the meeting; a re-booking invitation was sent.", AttentionAction.OpenBooking),
        new(AttentionReasonCodes.ClientReplied, "Client replied", "The client wrote in: read the reply and answer them yourself.", AttentionAction.OpenBooking),
        new(AttentionReasonCodes.AdvisorNoPhone, "Advisor has no phone", "The advisor gets no WhatsApp messages: add their phone to the sheet, then refresh.", AttentionAction.FixAdvisorSheet),
        new(AttentionReasonCodes.CancelRequested, "Cancel requested", "The client tapped cancel on the attendance check and Turtle could not cancel the meeting at Calendly: cancel it in Calendly (the detail says why).", AttentionAction.OpenBooking),
        new(AttentionReasonCodes.UnmatchedReply, "Unmatched reply", "Someone Meta names only by their WhatsApp user id wrote in, and no booking's number is linked to it yet: read the message and answer them yourself.", AttentionAction.ReadDetail),
        new("template", "Template", "Meta does not let Turtle send this template as intended (not approved, or not UTILITY): follow the detail; the entry goes once Meta approves it as UTILITY.", AttentionAction.FixTemplate),
    ];

    /// <summary>The reason, or a plain one for a code this console does not know yet.</summary>
    public static AttentionReason Find(string code) =>
        All.FirstOrDefault(r => r.Code == code) ?? new AttentionReason(code, code, "Open the booking to see what happened.", AttentionAction.OpenBooking);
}
