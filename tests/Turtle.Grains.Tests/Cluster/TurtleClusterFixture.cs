using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using Turtle.Grains.Appointments;
using Turtle.Testing.Cluster;
using Turtle.Testing.WhatsApp;

namespace Turtle.Grains.Tests.Cluster;

/// <summary>
/// A real Orleans cluster in this process (<see cref="ClusterFixture"/>): two silos built as Turtle.Silo builds its own
/// (Azure Table clustering, grain storage and reminders on Azurite), the fake Graph API standing in for Meta, and an
/// advisor sheet in a CSV file. Reminder periods are shortened so schedules play out in seconds.
/// </summary>
public class TurtleClusterFixture() : ClusterFixture("grains"), IAsyncLifetime
{
    public const string AdvisorEmail = "priya.sharma@turtle.example";

    public FakeWhatsAppApi WhatsApp { get; } = new();

    /// <summary>The advisor sheet the silos read; a test may rewrite it and refresh the directory.</summary>
    public string CsvPath { get; } = Path.Combine(Path.GetTempPath(), $"turtle-advisors-{Guid.NewGuid():N}.csv");

    public const string AdvisorRows =
        "Email,Name,Title,Bio\n" +
        $"{AdvisorEmail},Priya Sharma,Senior Wealth Advisor,Priya plans retirements and education funds.\n";

    protected virtual string InitialAdvisorRows => AdvisorRows;

    protected override int Silos => 2;

    /// <summary>Settings a derived fixture adds or overrides.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected sealed override IReadOnlyDictionary<string, string?> Configuration
    {
        get
        {
            var configuration = new Dictionary<string, string?>
            {
                ["WhatsApp:ApiBaseUrl"] = WhatsApp.BaseUrl.ToString().TrimEnd('/'),
                ["WhatsApp:AccessToken"] = WhatsApp.AccessToken,
                ["WhatsApp:PhoneNumberId"] = WhatsApp.PhoneNumberId,
                ["Advisors:Source"] = "Csv",
                ["Advisors:CsvPath"] = CsvPath,
                ["Notifications:ReminderPeriod"] = "00:00:05",
                ["Notifications:RetryBaseDelay"] = "00:00:01",
                ["Notifications:RetryMaxDelay"] = "00:00:16",
            };
            foreach (var (key, value) in Settings)
            {
                configuration[key] = value;
            }
            return configuration;
        }
    }

    protected sealed override async Task StartServicesAsync()
    {
        await WhatsApp.StartAsync();
        await StartFakesAsync();
        await File.WriteAllTextAsync(CsvPath, InitialAdvisorRows);
    }

    protected sealed override async Task StopServicesAsync()
    {
        await WhatsApp.DisposeAsync();
        await StopFakesAsync();
    }

    /// <summary>Starts the other outside services a derived fixture's <see cref="Settings"/> point at, before the silos.</summary>
    protected virtual Task StartFakesAsync() => Task.CompletedTask;

    /// <summary>Stops them, after the silos.</summary>
    protected virtual Task StopFakesAsync() => Task.CompletedTask;

    /// <summary>Whether the booking's reminder row is in the reminder table.</summary>
    public Task<bool> HasReminderAsync(string appointmentId) => HasReminderAsync(Grains.GetGrain<IAppointmentGrain>(appointmentId));

    /// <summary>Whether the grain's (a booking's, an agenda's) reminder row is in the reminder table.</summary>
    public async Task<bool> HasReminderAsync(IAddressable grain) => await ReminderAtAsync(grain) is not null;

    /// <summary>When the grain's reminder next ticks as stored (its first tick, UTC); null when it has none.</summary>
    public async Task<DateTime?> ReminderAtAsync(IAddressable grain)
    {
        var silo = (InProcessSiloHandle)Cluster.Silos[0];
        var table = silo.SiloHost.Services.GetRequiredService<IReminderTable>();
        return (await table.ReadRow(grain.GetGrainId(), WakeAlarm.ReminderName))?.StartAt;
    }

    /// <summary>
    /// Stores the grain's reminder row as an attempt to store a new booking leaves it when its silo dies after arming the
    /// wake-up and before its first write (the sign that its first messages may have gone); nothing else is stored.
    /// </summary>
    public Task ArmAsAnInterruptedCreateAsync(IAddressable grain)
    {
        var silo = (InProcessSiloHandle)Cluster.Silos[0];
        return silo.SiloHost.Services.GetRequiredService<IReminderTable>().UpsertRow(new ReminderEntry
        {
            GrainId = grain.GetGrainId(),
            ReminderName = WakeAlarm.ReminderName,
            StartAt = DateTime.UtcNow,
            Period = TimeSpan.FromMinutes(1),
        });
    }

    /// <summary>A grain storage as the silos have it (Orleans' Azure Table provider, configured by Turtle.Silo).</summary>
    public IGrainStorage Storage(string name) =>
        ((InProcessSiloHandle)Cluster.Silos[0]).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(name);

    /// <summary>The silo the booking is active on now.</summary>
    public Task<SiloHandle> HostOfAsync(string appointmentId) => HostOfAsync(Grains.GetGrain<IAppointmentGrain>(appointmentId));

    /// <summary>The silo a grain is active on now.</summary>
    public async Task<SiloHandle> HostOfAsync(IAddressable grain)
    {
        var address = await Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        return Cluster.Silos.Single(s => s.SiloAddress.Equals(address));
    }
}

[CollectionDefinition(Name)]
public sealed class TurtleClusterGroup : ICollectionFixture<TurtleClusterFixture>
{
    public const string Name = "turtle cluster";
}
