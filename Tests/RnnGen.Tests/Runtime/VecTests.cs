using System;
using System.Linq;
using RnnGen.Kernels;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Runtime;

/// <summary>Vector primitives against plain loops, for lengths on both sides of every vector width.</summary>
public sealed class VecTests
{
    public static TheoryData<int> Lengths() => new() { 0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 64, 100 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Dot_MatchesNaiveSum(int n)
    {
        var random = new SeededRandom((ulong)n + 1);
        // Spans longer than n: only the first n elements count.
        var x = Uniform(ref random, n + 5);
        var y = Uniform(ref random, n + 3);
        double expected = 0, magnitude = 0;
        for (int i = 0; i < n; i++)
        {
            expected += (double)x[i] * y[i];
            magnitude += Math.Abs((double)x[i] * y[i]);
        }

        float actual = Vec.Dot(x, y, n);

        Assert.True(Math.Abs(actual - expected) <= (n + 1) * 6e-8 * magnitude, $"n={n}: {actual:R} vs {expected:R}");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Axpy_MatchesNaiveLoopAndLeavesTheRestAlone(int n)
    {
        var random = new SeededRandom((ulong)n + 100);
        var x = Uniform(ref random, n + 4);
        var y = Uniform(ref random, n + 4);
        var original = (float[])y.Clone();
        const float A = -1.75f;

        Vec.Axpy(A, x, y, n);

        for (int i = 0; i < n; i++)
        {
            // One fused multiply-add per element: exactly the rounded a·x + y (within one float rounding).
            double expected = (A * (double)x[i]) + original[i];
            Assert.True(Math.Abs(y[i] - expected) <= 6e-8 * (Math.Abs(expected) + Math.Abs(A * x[i])), $"n={n}, i={i}: {y[i]:R} vs {expected:R}");
        }

        Assert.Equal(original[n..], y[n..]);
    }

    [Fact]
    public void Dot_And_Axpy_RejectCountsPastTheSpans()
    {
        Assert.Throws<ArgumentException>(() => Vec.Dot(new float[4], new float[3], 4));
        Assert.Throws<ArgumentException>(() => Vec.Axpy(1f, new float[4], new float[3], 4));
        Assert.Throws<ArgumentException>(() => Vec.Axpy(1f, new float[4], new float[4], -1));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 17)]
    [InlineData(2, 33)]
    public void AddToRows_AddsTheBiasToEveryRow(int rows, int cols)
    {
        var random = new SeededRandom((ulong)((rows * 100) + cols));
        var bias = Uniform(ref random, cols);
        var y = Uniform(ref random, (rows * cols) + 2);
        var original = (float[])y.Clone();

        Vec.AddToRows(bias, y, rows);

        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                Assert.Equal(original[(r * cols) + j] + bias[j], y[(r * cols) + j]);
            }
        }

        Assert.Equal(original[(rows * cols)..], y[(rows * cols)..]);
        Assert.Throws<ArgumentException>(() => Vec.AddToRows(bias, new float[(rows * cols) - 1], rows));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(5, 17)]
    [InlineData(4, 33)]
    public void AddColumnSums_AddsEachColumnsSum(int rows, int cols)
    {
        var random = new SeededRandom((ulong)((rows * 1000) + cols));
        var x = Uniform(ref random, rows * cols);
        var sum = Uniform(ref random, cols);
        var original = (float[])sum.Clone();

        Vec.AddColumnSums(x, rows, sum);

        for (int j = 0; j < cols; j++)
        {
            double expected = original[j], magnitude = Math.Abs(original[j]);
            for (int r = 0; r < rows; r++)
            {
                expected += x[(r * cols) + j];
                magnitude += Math.Abs(x[(r * cols) + j]);
            }

            Assert.True(Math.Abs(sum[j] - expected) <= (rows + 1) * 6e-8 * magnitude, $"column {j}: {sum[j]:R} vs {expected:R}");
        }

        Assert.Throws<ArgumentException>(() => Vec.AddColumnSums(new float[(rows * cols) - 1], rows, sum));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(19)]
    public void Add_Sum_Scale_AreElementwise(int n)
    {
        var random = new SeededRandom((ulong)n + 7);
        var x = Uniform(ref random, n);
        var y = Uniform(ref random, n);

        var z = new float[n];
        Vec.Sum(x, y, z);
        Assert.Equal(x.Zip(y, (a, b) => a + b), z);

        var w = (float[])y.Clone();
        Vec.Add(x, w);
        Assert.Equal(z, w);

        Vec.Scale(w, 0.5f);
        Assert.Equal(z.Select(v => v * 0.5f), w);

        Assert.Throws<ArgumentException>(() => Vec.Add(new float[n + 1], new float[n]));
        Assert.Throws<ArgumentException>(() => Vec.Sum(new float[n], new float[n], new float[n + 1]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(1024)]
    [InlineData(2500)]
    public void SumOfSquares_MatchesDoubleSum(int n)
    {
        // 2500 spans several 1024-element blocks and a partial one.
        var random = new SeededRandom((ulong)n + 9);
        var x = Uniform(ref random, n);
        double expected = x.Sum(v => (double)v * v);

        double actual = Vec.SumOfSquares(x);

        Assert.True(Math.Abs(actual - expected) <= 1025 * 6e-8 * expected, $"{actual:R} vs {expected:R}");
    }

    private static float[] Uniform(ref SeededRandom random, int length)
    {
        var values = new float[length];
        random.FillUniform(values, 2f);
        return values;
    }
}
