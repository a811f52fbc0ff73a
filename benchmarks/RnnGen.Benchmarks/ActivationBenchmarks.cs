using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using RnnGen.Benchmarks.Baseline;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks;

/// <summary>
/// Elementwise kernels on one step's gate block of the language model ([20, 800] = 16 000 floats), softmax on the
/// decoder's logits ([400, 10 000]) and bias-gradient column sums ([400, 800]), old against new. In-place functions
/// that are not idempotent first copy fresh inputs (the <c>Copy</c> row shows what that costs); Relu and softmax
/// are applied to their own output again, which keeps the values in range.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ActivationBenchmarks
{
    private const int Gates = 20 * 800;
    private const int DecoderRows = 400;
    private const int Vocabulary = 10_000;
    private const int ColumnRows = 400;
    private const int ColumnCount = 800;

    private float[] _source = [];
    private float[] _output = [];
    private float[] _work = [];
    private float[] _logits = [];
    private float[] _matrix = [];
    private float[] _sums = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _source = new float[Gates];
        for (int i = 0; i < Gates; i++)
        {
            _source[i] = (float)((random.NextDouble() * 12) - 6);
        }

        _output = new float[Gates];
        for (int i = 0; i < Gates; i++)
        {
            _output[i] = (float)random.NextDouble();
        }

        _work = new float[Gates];
        _logits = GemmBenchmarks.Filled(DecoderRows * Vocabulary, random);
        _matrix = GemmBenchmarks.Filled(ColumnRows * ColumnCount, random);
        _sums = new float[ColumnCount];
    }

    [Benchmark, BenchmarkCategory("Copy"), Elements(Gates)]
    public float Copy()
    {
        _source.CopyTo(_work, 0);
        return Sum3(_work);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Tanh"), Elements(Gates)]
    public float Tanh_Old()
    {
        _source.CopyTo(_work, 0);
        BaselineActivations.Tanh(_work);
        return Sum3(_work);
    }

    [Benchmark, BenchmarkCategory("Tanh"), Elements(Gates)]
    public float Tanh_New()
    {
        _source.CopyTo(_work, 0);
        Activations.Tanh(_work);
        return Sum3(_work);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Sigmoid"), Elements(Gates)]
    public float Sigmoid_Old()
    {
        _source.CopyTo(_work, 0);
        BaselineActivations.Sigmoid(_work);
        return Sum3(_work);
    }

    [Benchmark, BenchmarkCategory("Sigmoid"), Elements(Gates)]
    public float Sigmoid_New()
    {
        _source.CopyTo(_work, 0);
        Activations.Sigmoid(_work);
        return Sum3(_work);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Relu"), Elements(Gates)]
    public float Relu_Old()
    {
        BaselineActivations.Relu(_source);
        return Sum3(_source);
    }

    [Benchmark, BenchmarkCategory("Relu"), Elements(Gates)]
    public float Relu_New()
    {
        Activations.Relu(_source);
        return Sum3(_source);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("TanhBackward"), Elements(Gates)]
    public float TanhBackward_Old()
    {
        _source.CopyTo(_work, 0);
        BaselineActivations.TanhBackward(_output, _work);
        return Sum3(_work);
    }

    [Benchmark, BenchmarkCategory("TanhBackward"), Elements(Gates)]
    public float TanhBackward_New()
    {
        _source.CopyTo(_work, 0);
        Activations.TanhBackward(_output, _work);
        return Sum3(_work);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("SigmoidBackward"), Elements(Gates)]
    public float SigmoidBackward_Old()
    {
        _source.CopyTo(_work, 0);
        BaselineActivations.SigmoidBackward(_output, _work);
        return Sum3(_work);
    }

    [Benchmark, BenchmarkCategory("SigmoidBackward"), Elements(Gates)]
    public float SigmoidBackward_New()
    {
        _source.CopyTo(_work, 0);
        Activations.SigmoidBackward(_output, _work);
        return Sum3(_work);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("SoftmaxRows"), Elements(DecoderRows * Vocabulary)]
    public float SoftmaxRows_Old()
    {
        BaselineActivations.SoftmaxRows(_logits, DecoderRows, Vocabulary);
        return Sum3(_logits);
    }

    [Benchmark, BenchmarkCategory("SoftmaxRows"), Elements(DecoderRows * Vocabulary)]
    public float SoftmaxRows_New()
    {
        Activations.SoftmaxRows(_logits, DecoderRows, Vocabulary);
        return Sum3(_logits);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("AddColumnSums"), Elements(ColumnRows * ColumnCount)]
    public float AddColumnSums_Old()
    {
        BaselineVec.AddColumnSums(_matrix, ColumnRows, _sums);
        return Sum3(_sums);
    }

    [Benchmark, BenchmarkCategory("AddColumnSums"), Elements(ColumnRows * ColumnCount)]
    public float AddColumnSums_New()
    {
        Vec.AddColumnSums(_matrix, ColumnRows, _sums);
        return Sum3(_sums);
    }

    private static float Sum3(float[] x) => x[0] + x[x.Length / 2] + x[^1];
}
