using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Baseline;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks;

/// <summary>The product forms of the kernels (BLAS naming).</summary>
public enum GemmForm
{
    NT,
    NN,
    TN,
}

/// <summary>One product: <c>C[m, n] (+)= op(A)·op(B)</c> with k summed, as the generated code calls it.</summary>
public sealed record GemmShape(GemmForm Form, int M, int N, int K, bool Accumulate, string Role) : IFlopCount
{
    public double Flops => 2.0 * M * N * K;

    public override string ToString() => $"{Form} {M}x{N}x{K} {Role}";
}

/// <summary>
/// The matrix products of an LSTM language model (Penn Treebank small config: embedding 200, hidden 200 so 4H = 800
/// gate rows, vocabulary 10 000, batch 20 × 20 steps = 400 rows) and of tiny models (hidden 4–64, batch 1–32),
/// old (naive: one dot product or axpy per output row) against new (register-blocked) kernels.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    /// <summary>The products of one training step of the language model.</summary>
    internal static readonly GemmShape[] TrainingShapes =
    [
        new(GemmForm.NT, 400, 800, 200, false, "x·Wihᵀ"),
        new(GemmForm.NT, 20, 800, 200, true, "h·Whhᵀ step"),
        new(GemmForm.NT, 400, 10_000, 200, false, "decoder"),
        new(GemmForm.NN, 400, 200, 800, false, "dz·W"),
        new(GemmForm.TN, 800, 200, 400, true, "dzᵀ·x"),
        new(GemmForm.TN, 10_000, 200, 400, true, "decoder dzᵀ·h"),
        new(GemmForm.NN, 400, 200, 10_000, false, "decoder dz·W"),
    ];

    public static IEnumerable<GemmShape> Shapes() =>
    [
        .. TrainingShapes,
        new(GemmForm.NT, 1, 16, 4, true, "tiny H4 B1"),
        new(GemmForm.NT, 8, 64, 16, true, "tiny H16 B8"),
        new(GemmForm.NT, 32, 256, 64, true, "tiny H64 B32"),
        new(GemmForm.NN, 32, 64, 256, false, "tiny H64 B32"),
        new(GemmForm.TN, 256, 64, 32, true, "tiny H64 B32"),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = Filled(Shape.M * Shape.K, random);
        _b = Filled(Shape.N * Shape.K, random);
        _c = Filled(Shape.M * Shape.N, random);
    }

    [Benchmark(Baseline = true)]
    public float Naive()
    {
        var s = Shape;
        switch (s.Form)
        {
            case GemmForm.NT: BaselineGemm.MatMulNT(_a, _b, _c, s.M, s.N, s.K, s.Accumulate); break;
            case GemmForm.NN: BaselineGemm.MatMulNN(_a, _b, _c, s.M, s.N, s.K, s.Accumulate); break;
            default: BaselineGemm.MatMulTN(_a, _b, _c, s.M, s.N, s.K, s.Accumulate); break;
        }

        return Checksum(_c);
    }

    [Benchmark]
    public float Blocked() => Run(Shape, _a, _b, _c);

    /// <summary>The runtime's product of <paramref name="s"/>'s form and shape; returns a checksum of C.</summary>
    internal static float Run(GemmShape s, float[] a, float[] b, float[] c)
    {
        switch (s.Form)
        {
            case GemmForm.NT: Gemm.MatMulNT(a, b, c, s.M, s.N, s.K, s.Accumulate); break;
            case GemmForm.NN: Gemm.MatMulNN(a, b, c, s.M, s.N, s.K, s.Accumulate); break;
            default: Gemm.MatMulTN(a, b, c, s.M, s.N, s.K, s.Accumulate); break;
        }

        return Checksum(c);
    }

    internal static float[] Filled(int length, Random random)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    /// <summary>A value that depends on the output, so the call cannot be dropped.</summary>
    internal static float Checksum(float[] c) => c[0] + c[c.Length / 2] + c[^1];
}

/// <summary>
/// The language model's training products on one and two threads (<see cref="Parallelism.Threads"/>); "% peak" is
/// against the peak of as many cores as threads.
/// </summary>
[MemoryDiagnoser]
public class ParallelGemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    public static IEnumerable<GemmShape> Shapes() =>
    [
        .. GemmBenchmarks.TrainingShapes,
        new(GemmForm.NN, 20, 200, 800, false, "dz·Whh step"),
        new(GemmForm.NT, 20, 200, 200, true, "1.6 MFLOP"),
        new(GemmForm.NT, 20, 100, 200, true, "0.8 MFLOP"),
        new(GemmForm.NN, 20, 200, 100, false, "0.8 MFLOP"),
        new(GemmForm.NN, 20, 100, 100, false, "0.4 MFLOP"),
    ];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = null!;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _a = GemmBenchmarks.Filled(Shape.M * Shape.K, random);
        _b = GemmBenchmarks.Filled(Shape.N * Shape.K, random);
        _c = GemmBenchmarks.Filled(Shape.M * Shape.N, random);
        Parallelism.Threads = Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => Parallelism.Threads = 1;

    [Benchmark]
    public float Product() => GemmBenchmarks.Run(Shape, _a, _b, _c);
}
