using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using RnnGen.Kernels;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Runtime;

/// <summary>Tests that change the process-wide <see cref="Parallelism.Threads"/> run alone.</summary>
[CollectionDefinition(nameof(ParallelismCollection), DisableParallelization = true)]
public sealed class ParallelismCollection
{
}

/// <summary>
/// Products split over several threads (<see cref="Parallelism.Threads"/>) against the same products on one thread,
/// bit for bit: every shape edge the split could get wrong (tails of tiles, panels and registers), the language
/// model's shapes, callers on several threads at once, the setting's validation and allocation after warm-up.
/// </summary>
[Collection(nameof(ParallelismCollection))]
public sealed class ParallelGemmTests : IDisposable
{
    public ParallelGemmTests()
    {
        Parallelism.Threads = 1;
        Gemm.MinParallelFlops = Gemm.DefaultMinParallelFlops;
    }

    public enum Form
    {
        NT,
        NN,
        TN,
    }

    public void Dispose()
    {
        Parallelism.Threads = 1;
        Gemm.MinParallelFlops = Gemm.DefaultMinParallelFlops;
    }

    /// <summary>Sizes around every tile (4), register (4, 8, 16), outer-kernel panel (64) and packed panel (128) edge.</summary>
    public static TheoryData<Form, int, int, int> EdgeShapes()
    {
        var data = new TheoryData<Form, int, int, int>();
        int[] rows = { 1, 3, 4, 5, 9, 20, 63, 64, 67, 130 };
        int[] columns = { 1, 7, 16, 17, 33, 64, 79, 129, 144, 200, 270 };
        int[] depths = { 1, 5, 16, 37 };
        foreach (Form form in Enum.GetValues<Form>())
        {
            foreach (int m in rows)
            {
                foreach (int n in columns)
                {
                    data.Add(form, m, n, depths[(m + n) % depths.Length]);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EdgeShapes))]
    public void SplitProduct_IsBitIdenticalToOneThread_AtEveryEdge(Form form, int m, int n, int k)
    {
        Gemm.MinParallelFlops = 0;
        foreach (int threads in new[] { 2, 3, 4 })
        {
            foreach (bool accumulate in new[] { false, true })
            {
                AssertSameAsOneThread(form, m, n, k, accumulate, threads);
            }
        }
    }

    public static TheoryData<Form, int, int, int, bool> TrainingShapes() => new()
    {
        { Form.NT, 400, 800, 200, false },
        { Form.NT, 20, 800, 200, true },
        { Form.NT, 400, 10_000, 200, false },
        { Form.NN, 400, 200, 800, false },
        { Form.NN, 20, 200, 800, false },
        { Form.TN, 800, 200, 400, true },
        { Form.TN, 10_000, 200, 400, true },
        { Form.NN, 400, 200, 10_000, false },
    };

    [Theory]
    [MemberData(nameof(TrainingShapes))]
    public void SplitProduct_IsBitIdenticalToOneThread_OnTheLanguageModelsShapes(Form form, int m, int n, int k, bool accumulate)
    {
        AssertSameAsOneThread(form, m, n, k, accumulate, threads: 2);
    }

    [Fact]
    public void LargeProducts_AreSharedWithAWorker()
    {
        const int M = 400, N = 800, K = 200;
        var random = new SeededRandom(3);
        float[] a = Filled(M * K, random), b = Filled(N * K, random), c = new float[M * N];
        Parallelism.Threads = 2;
        long before = KernelWorkers.PartsRunByWorkers;

        // The caller takes over a part no worker has started, so on a busy machine a few products may pass without
        // help; a hundred in a row never do.
        for (int i = 0; i < 100 && KernelWorkers.PartsRunByWorkers == before; i++)
        {
            Gemm.MatMulNT(a, b, c, M, N, K, accumulate: false);
        }

        Assert.True(KernelWorkers.PartsRunByWorkers > before, "No part of 100 products of 64 MFLOP ran on the worker thread.");
    }

    [Fact]
    public void SmallProducts_StayOnTheCallingThread()
    {
        // The per-step product of a streaming model, far below the threshold.
        const int M = 1, N = 800, K = 200;
        var random = new SeededRandom(4);
        float[] a = Filled(M * K, random), b = Filled(N * K, random), c = new float[M * N];
        Parallelism.Threads = 2;
        long before = KernelWorkers.PartsRunByWorkers;
        for (int i = 0; i < 100; i++)
        {
            Gemm.MatMulNT(a, b, c, M, N, K, accumulate: true);
        }

        Assert.Equal(before, KernelWorkers.PartsRunByWorkers);
    }

    [Fact]
    public async Task ConcurrentCallers_EachGetTheOneThreadResult()
    {
        // Four threads call products at once with Threads = 2: one at a time holds the worker, the others run alone,
        // and every result must still be the one-thread result.
        const int Callers = 4, Rounds = 30;
        var shapes = new (Form Form, int M, int N, int K)[] { (Form.NT, 400, 800, 200), (Form.NN, 64, 200, 800), (Form.TN, 800, 200, 64), (Form.NT, 20, 800, 200) };
        var inputs = new List<(float[] A, float[] B, float[] Expected)>();
        for (int s = 0; s < Callers; s++)
        {
            var (form, m, n, k) = shapes[s];
            var random = new SeededRandom((ulong)(10 + s));
            float[] a = Filled(m * k, random), b = Filled(n * k, random), expected = new float[m * n];
            Multiply(form, a, b, expected, m, n, k, accumulate: false);
            inputs.Add((a, b, expected));
        }

        Parallelism.Threads = 2;
        using var start = new Barrier(Callers);
        var mismatches = new int[Callers];
        var callers = new Task[Callers];
        for (int s = 0; s < Callers; s++)
        {
            int caller = s;
            callers[s] = Task.Factory.StartNew(
                () =>
                {
                    var (form, m, n, k) = shapes[caller];
                    var (a, b, expected) = inputs[caller];
                    var c = new float[m * n];
                    start.SignalAndWait();
                    for (int round = 0; round < Rounds; round++)
                    {
                        c.AsSpan().Fill(float.NaN);
                        Multiply(form, a, b, c, m, n, k, accumulate: false);
                        if (!c.AsSpan().SequenceEqual(expected))
                        {
                            mismatches[caller]++;
                        }
                    }
                },
                TaskCreationOptions.LongRunning);
        }

        await Task.WhenAll(callers);
        Assert.Equal(new int[Callers], mismatches);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(Parallelism.MaxThreads + 1)]
    public void Threads_OutOfRange_IsRejectedAndLeftAsItWas(int value)
    {
        Parallelism.Threads = 2;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.Threads = value);
        Assert.Contains($"between 1 and {Parallelism.MaxThreads}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"got {value}", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, Parallelism.Threads);
    }

    [Fact]
    public void SplitProducts_AllocateNothingAfterWarmUp()
    {
        const int M = 400, N = 800, K = 200;
        var random = new SeededRandom(5);
        float[] a = Filled(M * K, random), b = Filled(N * K, random), c = new float[M * N], d = new float[K * N];
        Parallelism.Threads = 2;

        // Warm up both ways a product meets the worker: spinning, when products come back to back, and asleep, after a
        // pause, when the caller must wake it. Which one a product meets depends on timing, so each is run here and in
        // the measured loop, and a first use of either (lazy set-up in the runtime's locks) falls in the warm-up.
        for (int i = 0; i < 5; i++)
        {
            RunAllForms();
            Thread.Sleep(3);
            RunAllForms();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            RunAllForms();
            Thread.Sleep(3);
            RunAllForms();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        void RunAllForms()
        {
            Gemm.MatMulNT(a, b, c, M, N, K, accumulate: false);
            Gemm.MatMulNN(c, b, a, M, K, N, accumulate: false);
            Gemm.MatMulTN(c, a, d, N, K, M, accumulate: false);
        }
    }

    private static void AssertSameAsOneThread(Form form, int m, int n, int k, bool accumulate, int threads)
    {
        var random = new SeededRandom((ulong)((m * 7919) + (n * 31) + k));
        float[] a = Filled(m * k, random), b = Filled(n * k, random);
        float[] start = accumulate ? Filled(m * n, random) : new float[m * n];
        if (!accumulate)
        {
            // Overwritten: a block of C the split forgot would keep its NaN.
            start.AsSpan().Fill(float.NaN);
        }

        float[] expected = (float[])start.Clone(), actual = (float[])start.Clone();
        Parallelism.Threads = 1;
        Multiply(form, a, b, expected, m, n, k, accumulate);
        Parallelism.Threads = threads;
        Multiply(form, a, b, actual, m, n, k, accumulate);
        Parallelism.Threads = 1;
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{form} {m}x{n}x{k} (accumulate: {accumulate}) on {threads} threads: C[{i / n}, {i % n}] = {actual[i]:R}, one thread gives {expected[i]:R}.");
            }
        }
    }

    private static void Multiply(Form form, float[] a, float[] b, float[] c, int m, int n, int k, bool accumulate)
    {
        switch (form)
        {
            case Form.NT: Gemm.MatMulNT(a, b, c, m, n, k, accumulate); break;
            case Form.NN: Gemm.MatMulNN(a, b, c, m, n, k, accumulate); break;
            default: Gemm.MatMulTN(a, b, c, m, n, k, accumulate); break;
        }
    }

    private static float[] Filled(int length, SeededRandom random)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextFloat(-1f, 1f);
        }

        return values;
    }
}
