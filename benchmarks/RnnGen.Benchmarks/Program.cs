using System;
using System.Globalization;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Running;

namespace RnnGen.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/RnnGen.Benchmarks -- --filter '*Gemm*'</c>.
/// Measures the core's FMA peak first (for the "% peak" column), then hands the arguments to BenchmarkDotNet.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--quick-steps")
        {
            QuickCheck.RunSteps(args.Length > 1 ? args[1] : string.Empty);
            return;
        }

        var peak = FmaPeak.Measure();

        // The peak is what the core does while it runs this process; on a shared machine the wall-clock rate can only
        // be lower, so the larger of the two estimates is the reference for "% peak".
        double reference = Math.Max(peak.BestGflops, peak.MedianCpuTimeGflops);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Vector512 accelerated: {Vector512.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Single-core FMA peak: best {peak.BestGflops:F1} GFLOP/s, median {peak.MedianGflops:F1} GFLOP/s over {peak.Repetitions} runs " +
            $"of {FmaPeak.Chains} independent Vector512 FMA chains (median {peak.MedianCpuTimeGflops:F1} per second of process CPU time); " +
            $"reference {reference:F1} GFLOP/s, which at 2 FMA/cycle × 16 lanes × 2 flops means a clock of {reference / 64:F2} GHz"));
        if (args.Length > 0 && args[0] == "--quick")
        {
            QuickCheck.Run(reference, args.Length > 1 ? args[1] : string.Empty);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, new KernelBenchmarkConfig(reference));
    }
}
