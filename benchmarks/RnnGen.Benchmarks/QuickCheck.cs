using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;

namespace RnnGen.Benchmarks;

/// <summary>
/// <c>-- --quick [text]</c>: a rough pass over the GEMM shapes whose name contains the text (median and best of 7 timed batches each), for tuning block sizes
/// without a full BenchmarkDotNet run. Rates are per second of process CPU time, so time the process spends
/// descheduled on a busy machine does not count (cache interference from other processes still does).
/// </summary>
public static class QuickCheck
{
    public static void Run(double peakGflops, string filter)
    {
        var benchmarks = new GemmBenchmarks();
        foreach (var shape in GemmBenchmarks.Shapes())
        {
            if (!shape.ToString().Contains(filter, StringComparison.Ordinal))
            {
                continue;
            }

            benchmarks.Shape = shape;
            benchmarks.Setup();
            var (naive, naiveBest) = Gflops(shape, () => benchmarks.Naive());
            var (blocked, blockedBest) = Gflops(shape, () => benchmarks.Blocked());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{shape,-34} naive {naive,6:F1} (best {naiveBest,6:F1})  blocked {blocked,6:F1} (best {blockedBest,6:F1}) GFLOP/s, " +
                $"median {100 * blocked / peakGflops,5:F1}% of peak, ×{blocked / naive:F1}"));
        }
    }

    /// <summary>Median and best rate over the timed batches.</summary>
    private static (double Median, double Best) Gflops(GemmShape shape, Func<float> call)
    {
        call();
        var process = Process.GetCurrentProcess();
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.ElapsedMilliseconds < 50)
        {
            call();
            calls++;
        }

        int batch = Math.Max(1, calls / 2);
        var samples = new double[7];
        for (int s = 0; s < samples.Length; s++)
        {
            process.Refresh();
            var start = process.TotalProcessorTime;
            for (int i = 0; i < batch; i++)
            {
                call();
            }

            process.Refresh();
            samples[s] = shape.Flops * batch / (process.TotalProcessorTime - start).TotalSeconds / 1e9;
        }

        return (samples.Order().ElementAt(samples.Length / 2), samples.Max());
    }

    /// <summary>
    /// <c>-- --quick-steps [text]</c>: nanoseconds per streaming step for the <see cref="StepBenchmarks"/> cases whose name
    /// (<c>Lstm1x8</c>, …) contains the text: the fastest and the median of 31 wall-clock batches of about 10 ms. On a busy
    /// machine the fastest batch is the one least disturbed, so it is the figure to compare while tuning.
    /// </summary>
    public static void RunSteps(string filter)
    {
        var benchmarks = new StepBenchmarks();
        foreach (string kind in new[] { "Lstm", "Gru" })
        {
            foreach (string size in new[] { "1x8", "1x16", "1x32", "1x64", "32x32", "64x64", "128x128" })
            {
                if (!(kind + size).Contains(filter, StringComparison.Ordinal))
                {
                    continue;
                }

                benchmarks.Kind = kind;
                benchmarks.Size = size;
                benchmarks.Setup();
                var (best, median) = Nanoseconds(() => benchmarks.Step());
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{kind + size,-12} best {best,9:F1} ns, median {median,9:F1} ns"));
            }
        }
    }

    /// <summary>Fastest and median wall-clock time per call over the timed batches.</summary>
    private static (double Best, double Median) Nanoseconds(Func<float> call)
    {
        float sink = call();
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.ElapsedMilliseconds < 50)
        {
            sink += call();
            calls++;
        }

        int batch = Math.Max(1, calls / 5);
        var samples = new double[31];
        for (int s = 0; s < samples.Length; s++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
            {
                sink += call();
            }

            samples[s] = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1e6 / batch;
        }

        GC.KeepAlive(sink);
        return (samples.Min(), samples.Order().ElementAt(samples.Length / 2));
    }
}
