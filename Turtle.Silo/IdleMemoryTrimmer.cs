using System.Runtime;

namespace Turtle.Silo;

/// <summary>
/// Gives memory back to the OS while the silo is quiet. Idle bookings leave memory when Orleans collects their
/// activations, but the heap they free is only reclaimed by a later collection, which a quiet silo does not trigger:
/// after a burst of bookings its resident size would stay at the peak for hours. Each minute with little allocated
/// (under <see cref="QuietAllocation"/>), or once no full collection has run for <see cref="MinimumSpacing"/>, at most
/// every <see cref="MinimumSpacing"/>, one compacting full collection returns the freed memory. A busy silo collects
/// on its own and is left alone.
/// </summary>
public sealed partial class IdleMemoryTrimmer(ILogger<IdleMemoryTrimmer> logger, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MinimumSpacing = TimeSpan.FromMinutes(2);
    public const long QuietAllocation = 64L << 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, time);
        var allocated = GC.GetTotalAllocatedBytes();
        var fullCollections = GC.CollectionCount(GC.MaxGeneration);
        var fullCollectionSeenAt = time.GetUtcNow();
        var trimmedAt = DateTimeOffset.MinValue;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = GC.GetTotalAllocatedBytes();
            var quiet = now - allocated < QuietAllocation;
            allocated = now;
            if (GC.CollectionCount(GC.MaxGeneration) != fullCollections)
            {
                fullCollections = GC.CollectionCount(GC.MaxGeneration);
                fullCollectionSeenAt = time.GetUtcNow();
            }
            // Housekeeping after a burst (activations leaving, their last writes) allocates too much to count as quiet,
            // yet too little to start a full collection on its own: the heap they left would stay until the next burst.
            var settled = time.GetUtcNow() - fullCollectionSeenAt >= MinimumSpacing;
            if (!(quiet || settled) || time.GetUtcNow() - trimmedAt < MinimumSpacing)
            {
                continue;
            }
            var before = Environment.WorkingSet;
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            trimmedAt = time.GetUtcNow();
            allocated = GC.GetTotalAllocatedBytes();
            fullCollections = GC.CollectionCount(GC.MaxGeneration);
            fullCollectionSeenAt = trimmedAt;
            var after = Environment.WorkingSet;
            var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
            LogTrimmed(logger, before >> 20, after >> 20, heap >> 20);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Quiet silo: resident memory {Before} MiB -> {After} MiB (live heap {Heap} MiB)")]
    private static partial void LogTrimmed(ILogger logger, long before, long after, long heap);
}
