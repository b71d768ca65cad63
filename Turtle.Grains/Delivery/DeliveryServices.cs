using Microsoft.Extensions.Logging;
using Turtle.Grains.Messaging;

namespace Turtle.Grains.Delivery;

/// <summary>What every <see cref="MessageDispatcher"/> shares; a grain builds its dispatcher from it and its target.</summary>
public sealed class DeliveryServices(
    IGrainFactory grains,
    IWhatsAppSender sender,
    SendRules rules,
    WakePolicy policy,
    TemplateGate templates,
    TurtleClock time,
    Records.RecordBacklog records,
    ILogger<MessageDispatcher> logger)
{
    public IGrainFactory Grains => grains;
    public IWhatsAppSender Sender => sender;
    public SendRules Rules => rules;
    public WakePolicy Policy => policy;
    public TemplateGate Templates => templates;
    public TurtleClock Time => time;
    /// <summary>The silo's holders owing the client's record their entries.</summary>
    public Records.RecordBacklog Records => records;
    public ILogger<MessageDispatcher> Logger => logger;
}
