using System;
using System.Threading;

namespace RnnGen.Kernels;

/// <summary>
/// How many threads one matrix product (<see cref="Gemm"/>) may use. Process-wide; the default, 1, runs every
/// product on the calling thread.
/// </summary>
/// <remarks>
/// With <see cref="Threads"/> = p &gt; 1, a product of at least about a million multiply-adds (such as the batched
/// products of training; not the per-step products of a streaming model) is split into p blocks of rows or columns of
/// C, and p − 1 background worker threads, started when the setting is first raised, compute blocks while the calling
/// thread computes one. Every element of C is still computed by one thread, by the same kernel in the same order, so
/// the results are bit-identical to the one-thread results. The calling thread takes over any block no worker has
/// started, so a busy machine costs little more than one thread would. One product at a time uses the workers: a
/// product started on another thread meanwhile runs on its own thread. Workers spin for about 100 µs after a product
/// (so the next one starts without waking them) and then sleep; they never keep the process alive. Nothing is
/// allocated per product. Set this at start-up, before training; more threads than the machine has cores only
/// slows the products down.
/// </remarks>
public static class Parallelism
{
    /// <summary>The largest value <see cref="Threads"/> accepts.</summary>
    public const int MaxThreads = 64;

    private static int s_threads = 1;

    /// <summary>Threads per matrix product, from 1 (the default: the calling thread only) to <see cref="MaxThreads"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="MaxThreads"/>.</exception>
    public static int Threads
    {
        get => Volatile.Read(ref s_threads);
        set
        {
            if (value < 1 || value > MaxThreads)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Parallelism.Threads must be between 1 and {MaxThreads} (the calling thread plus up to {MaxThreads - 1} workers); got {value}.");
            }

            KernelWorkers.EnsureWorkers(value - 1);
            Volatile.Write(ref s_threads, value);
        }
    }
}
