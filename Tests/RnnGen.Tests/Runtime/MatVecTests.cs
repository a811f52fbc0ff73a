using System;
using RnnGen.Kernels;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Runtime;

/// <summary>The matrix–vector kernel against a double-precision loop, for shapes on both sides of every vector width and row block.</summary>
public sealed class MatVecTests
{
    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int rows in new[] { 1, 3, 4, 5, 8, 13 })
        {
            foreach (int cols in new[] { 0, 1, 7, 8, 9, 16, 17, 33, 100 })
            {
                data.Add(rows, cols);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Multiply_MatchesNaiveProduct_AndLeavesTheRestOfYAlone(int rows, int cols)
    {
        var random = new SeededRandom((ulong)((rows * 1000) + cols + 1));
        // Spans longer than the shape: only the first rows·cols weights, cols inputs and rows outputs count.
        var w = Uniform(ref random, (rows * cols) + 3);
        var x = Uniform(ref random, cols + 2);
        var y = Uniform(ref random, rows + 2);
        var original = (float[])y.Clone();

        MatVec.Multiply(w, x, y, rows, cols, accumulate: false);

        for (int r = 0; r < rows; r++)
        {
            var (expected, magnitude) = NaiveRow(w, x, r, cols);
            Assert.True(Math.Abs(y[r] - expected) <= ((cols + 1) * 6e-8 * magnitude) + 1e-30, $"[{rows}, {cols}] row {r}: {y[r]:R} vs {expected:R}");
        }

        Assert.Equal(original[rows..], y[rows..]);
    }

    [Theory]
    [InlineData(4, 9)]
    [InlineData(7, 33)]
    public void Multiply_Accumulates(int rows, int cols)
    {
        var random = new SeededRandom(5);
        var w = Uniform(ref random, rows * cols);
        var x = Uniform(ref random, cols);
        var y = Uniform(ref random, rows);
        var original = (float[])y.Clone();

        MatVec.Multiply(w, x, y, rows, cols, accumulate: true);

        for (int r = 0; r < rows; r++)
        {
            var (product, magnitude) = NaiveRow(w, x, r, cols);
            double expected = original[r] + product;
            Assert.True(Math.Abs(y[r] - expected) <= ((cols + 2) * 6e-8 * (magnitude + Math.Abs(original[r]))), $"row {r}: {y[r]:R} vs {expected:R}");
        }
    }

    [Fact]
    public void Multiply_RejectsSpansShorterThanTheShape()
    {
        var tooFewWeights = Assert.Throws<ArgumentException>(() => MatVec.Multiply(new float[11], new float[4], new float[3], 3, 4, accumulate: false));
        Assert.Contains("weights of 12", tooFewWeights.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => MatVec.Multiply(new float[12], new float[3], new float[3], 3, 4, accumulate: false));
        Assert.Throws<ArgumentException>(() => MatVec.Multiply(new float[12], new float[4], new float[2], 3, 4, accumulate: false));
        Assert.Throws<ArgumentException>(() => MatVec.Multiply(new float[12], new float[4], new float[3], -1, 4, accumulate: false));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Affine_MatchesNaiveProductPlusBias_AndLeavesTheRestOfYAlone(int rows, int cols)
    {
        var random = new SeededRandom((ulong)((rows * 1000) + cols + 7));
        var w = Uniform(ref random, (rows * cols) + 3);
        var b = Uniform(ref random, rows + 1);
        var x = Uniform(ref random, cols + 2);
        var y = Uniform(ref random, rows + 2);
        var original = (float[])y.Clone();

        MatVec.Affine(w, b, x, y, rows, cols);

        for (int r = 0; r < rows; r++)
        {
            var (product, magnitude) = NaiveRow(w, x, r, cols);
            double expected = product + b[r];
            Assert.True(Math.Abs(y[r] - expected) <= ((cols + 2) * 6e-8 * (magnitude + Math.Abs(b[r]))) + 1e-30, $"[{rows}, {cols}] row {r}: {y[r]:R} vs {expected:R}");
        }

        Assert.Equal(original[rows..], y[rows..]);
    }

    [Fact]
    public void Affine_RejectsSpansShorterThanTheShape()
    {
        var noBias = Assert.Throws<ArgumentException>(() => MatVec.Affine(new float[12], new float[2], new float[4], new float[3], 3, 4));
        Assert.Contains("a bias of 3", noBias.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => MatVec.Affine(new float[11], new float[3], new float[4], new float[3], 3, 4));
        Assert.Throws<ArgumentException>(() => MatVec.Affine(new float[12], new float[3], new float[3], new float[3], 3, 4));
        Assert.Throws<ArgumentException>(() => MatVec.Affine(new float[12], new float[3], new float[4], new float[2], 3, 4));
    }

    private static (double Value, double Magnitude) NaiveRow(float[] w, float[] x, int row, int cols)
    {
        double sum = 0, magnitude = 0;
        for (int k = 0; k < cols; k++)
        {
            sum += (double)w[(row * cols) + k] * x[k];
            magnitude += Math.Abs((double)w[(row * cols) + k] * x[k]);
        }

        return (sum, magnitude);
    }

    private static float[] Uniform(ref SeededRandom random, int n)
    {
        var values = new float[n];
        random.FillUniform(values, 1f);
        return values;
    }
}
