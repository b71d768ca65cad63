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
    ILogger<MessageDispatcher> logger)
{
    public IGrainFactory Grains => grains;
    public IWhatsAppSender Sender => sender;
    public SendRules Rules => rules;
    public WakePolicy Policy => policy;
    public TemplateGate Templates => templates;
    public TurtleClock Time => time;
    public ILogger<MessageDispatcher> Logger => logger;
}
