using System.Diagnostics;
using System.Threading;

namespace RnnGen.Kernels;

/// <summary>
/// The worker threads behind <see cref="Parallelism"/>: one product at a time is split into parts, which the
/// calling thread and the workers claim one by one from a shared counter until none is left.
/// </summary>
/// <remarks>
/// The product's operands are pinned by the caller for as long as it runs (<see cref="GemmTask"/> holds pointers,
/// since a span cannot be handed to another thread), and the caller returns only when every part has finished.
/// A worker waits for the next product by spinning for <see cref="SpinMicroseconds"/>, then sleeping on a monitor
/// that the caller pulses only when some worker sleeps. Nothing here allocates after the workers have started.
/// </remarks>
internal static class KernelWorkers
{
    /// <summary>How long an idle worker keeps checking for the next product before it sleeps.</summary>
    public const int SpinMicroseconds = 100;

    // s_nextPart between products: far above any part count, so a late claim from a worker never names a part.
    private const int NoProduct = int.MaxValue / 2;

    private static readonly long s_spinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private static readonly object s_startLock = new();
    private static readonly object s_sleepGate = new();

    private static int s_workerCount;
    private static int s_owner;
    private static long s_generation;
    private static int s_sleepers;
    private static int s_nextPart = NoProduct;
    private static int s_finishedParts;
    private static GemmTask s_task;
    private static long s_partsRunByWorkers;

    /// <summary>Parts run by worker threads since the process started (not by the threads that called a product).</summary>
    public static long PartsRunByWorkers => Interlocked.Read(ref s_partsRunByWorkers);

    /// <summary>Starts workers until there are at least <paramref name="count"/>; workers are never stopped.</summary>
    public static void EnsureWorkers(int count)
    {
        lock (s_startLock)
        {
            while (s_workerCount < count)
            {
                var worker = new Thread(WorkerLoop) { IsBackground = true, Name = $"RnnGen kernel worker {s_workerCount + 1}" };
                worker.Start();
                s_workerCount++;
            }
        }
    }

    /// <summary>
    /// Runs every part of <paramref name="task"/> with the workers' help and returns true once all have finished, or
    /// returns false at once, doing nothing, if another thread's product holds the workers.
    /// </summary>
    public static bool TryRun(in GemmTask task)
    {
        if (Interlocked.CompareExchange(ref s_owner, 1, 0) != 0)
        {
            return false;
        }

        // Publish: the task first, then open the parts (a claim sees the task written before it), then wake.
        s_task = task;
        Volatile.Write(ref s_finishedParts, 0);
        Volatile.Write(ref s_nextPart, 0);
        Interlocked.Increment(ref s_generation);
        if (Volatile.Read(ref s_sleepers) > 0)
        {
            lock (s_sleepGate)
            {
                Monitor.PulseAll(s_sleepGate);
            }
        }

        RunParts(onWorker: false);
        var spinner = default(SpinWait);
        while (Volatile.Read(ref s_finishedParts) < task.Parts)
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }

        Volatile.Write(ref s_nextPart, NoProduct);
        Volatile.Write(ref s_owner, 0);
        return true;
    }

    /// <summary>Claims and runs parts of the current product until none is left.</summary>
    private static void RunParts(bool onWorker)
    {
        while (true)
        {
            int part = Interlocked.Increment(ref s_nextPart) - 1;
            if (part >= s_task.Parts)
            {
                return;
            }

            s_task.RunPart(part);
            if (onWorker)
            {
                // Counted before the part is reported finished, so the count is final when the product returns.
                Interlocked.Increment(ref s_partsRunByWorkers);
            }

            Interlocked.Increment(ref s_finishedParts);
        }
    }

    private static void WorkerLoop()
    {
        long seen = Volatile.Read(ref s_generation);
        while (true)
        {
            seen = WaitForProduct(seen);
            RunParts(onWorker: true);
        }
    }

    /// <summary>Returns the generation of the next product after <paramref name="seen"/>: spins first, then sleeps.</summary>
    private static long WaitForProduct(long seen)
    {
        long deadline = Stopwatch.GetTimestamp() + s_spinTicks;
        long generation;
        while ((generation = Volatile.Read(ref s_generation)) == seen)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                // Announce the sleep before the last check; the caller checks s_sleepers after publishing, so one
                // of the two sees the other (both are full fences).
                Interlocked.Increment(ref s_sleepers);
                lock (s_sleepGate)
                {
                    while ((generation = Volatile.Read(ref s_generation)) == seen)
                    {
                        Monitor.Wait(s_sleepGate);
                    }
                }

                Interlocked.Decrement(ref s_sleepers);
                return generation;
            }

            Thread.SpinWait(20);
        }

        return generation;
    }
}
