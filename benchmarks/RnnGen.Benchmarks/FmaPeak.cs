using System;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks;

/// <summary>
/// The single-core floating-point peak, measured rather than taken from a data sheet: independent chains of
/// <c>Vector512</c> FMAs, more chains than latency × throughput (4 cycles × 2 per cycle on Zen 4/5), so the
/// loop is bound by FMA throughput alone. Each iteration is <see cref="Chains"/> × 16 lanes × 2 flops.
/// </summary>
public static class FmaPeak
{
    public const int Chains = 12;

    public const int FlopsPerIteration = Chains * 16 * 2;

    public readonly record struct Result(double BestGflops, double MedianGflops, double MedianCpuTimeGflops, int Repetitions);

    /// <summary>Runs the chains for about 0.2 s, 9 times; the best run is the peak, the median shows the noise.</summary>
    public static Result Measure()
    {
        const int Repetitions = 9;
        Run(100_000); // JIT and clock ramp-up
        int iterations = 1_000_000;
        var watch = Stopwatch.StartNew();
        Run(iterations);
        iterations = (int)Math.Clamp(iterations * (0.2 / watch.Elapsed.TotalSeconds), 1_000_000, 200_000_000);
        var gflops = new double[Repetitions];
        var cpuGflops = new double[Repetitions];
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < Repetitions; r++)
        {
            process.Refresh();
            var cpuStart = process.TotalProcessorTime;
            watch.Restart();
            Run(iterations);
            double seconds = watch.Elapsed.TotalSeconds;
            process.Refresh();
            double cpuSeconds = (process.TotalProcessorTime - cpuStart).TotalSeconds;
            gflops[r] = (double)iterations * FlopsPerIteration / seconds / 1e9;
            cpuGflops[r] = (double)iterations * FlopsPerIteration / cpuSeconds / 1e9;
        }

        Array.Sort(gflops);
        Array.Sort(cpuGflops);
        return new Result(gflops[^1], gflops[Repetitions / 2], cpuGflops[Repetitions / 2], Repetitions);
    }

    /// <summary>The chains; returns their sum so the JIT cannot drop them.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static float Run(int iterations)
    {
        var scale = Vector512.Create(0.99999994f);
        var add = Vector512.Create(1e-7f);
        Vector512<float> x0 = Vector512.Create(1.00f), x1 = Vector512.Create(1.01f), x2 = Vector512.Create(1.02f), x3 = Vector512.Create(1.03f);
        Vector512<float> x4 = Vector512.Create(1.04f), x5 = Vector512.Create(1.05f), x6 = Vector512.Create(1.06f), x7 = Vector512.Create(1.07f);
        Vector512<float> x8 = Vector512.Create(1.08f), x9 = Vector512.Create(1.09f), x10 = Vector512.Create(1.10f), x11 = Vector512.Create(1.11f);
        for (int i = 0; i < iterations; i++)
        {
            x0 = Vector512.FusedMultiplyAdd(x0, scale, add);
            x1 = Vector512.FusedMultiplyAdd(x1, scale, add);
            x2 = Vector512.FusedMultiplyAdd(x2, scale, add);
            x3 = Vector512.FusedMultiplyAdd(x3, scale, add);
            x4 = Vector512.FusedMultiplyAdd(x4, scale, add);
            x5 = Vector512.FusedMultiplyAdd(x5, scale, add);
            x6 = Vector512.FusedMultiplyAdd(x6, scale, add);
            x7 = Vector512.FusedMultiplyAdd(x7, scale, add);
            x8 = Vector512.FusedMultiplyAdd(x8, scale, add);
            x9 = Vector512.FusedMultiplyAdd(x9, scale, add);
            x10 = Vector512.FusedMultiplyAdd(x10, scale, add);
            x11 = Vector512.FusedMultiplyAdd(x11, scale, add);
        }

        return Vector512.Sum(x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11);
    }
}

/// <summary>The same chains under BenchmarkDotNet, so the peak appears in the report with its statistics.</summary>
[MemoryDiagnoser]
public class FmaPeakBenchmarks
{
    private const int Iterations = 1_000_000;

    [Benchmark]
    [Flops((double)Iterations * FmaPeak.FlopsPerIteration)]
    public float FmaChains() => FmaPeak.Run(Iterations);
}
