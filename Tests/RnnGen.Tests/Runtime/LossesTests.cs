using System;
using RnnGen.Kernels;
using RnnGen.Reference;
using RnnGen.Tests.Fixtures;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Runtime;

/// <summary>The runtime's losses and their gradients against the double-precision reference.</summary>
public sealed class LossesTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(6, 3)]
    [InlineData(5, 17)]
    public void SoftmaxCrossEntropy_MatchesReference(int rows, int classes)
    {
        var random = new SeededRandom((ulong)((rows * 100) + classes));
        var z = new float[rows * classes];
        random.FillUniform(z, 3f);
        var p = ReferenceDense.Softmax(z, rows, classes);
        var targets = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            targets[r] = random.NextInt(classes);
        }

        var (expectedLoss, expectedGradient) = ReferenceDense.CrossEntropy(p, targets, rows, classes);
        var dLogits = new float[rows * classes];
        float loss = Losses.SoftmaxCrossEntropy(p, targets, rows, classes, dLogits);
        float lossOnly = Losses.SoftmaxCrossEntropy(p, targets, rows, classes, default);

        Assert.Equal(expectedLoss, loss, 6);
        Assert.Equal(loss, lossOnly);
        Tolerance.AssertGradientClose(expectedGradient, dLogits, "dL/dz");
    }

    [Fact]
    public void SoftmaxCrossEntropy_RejectsBadTargets()
    {
        var p = new float[] { 0.25f, 0.75f, 0.5f, 0.5f };
        var e = Assert.Throws<ArgumentException>(() => Losses.SoftmaxCrossEntropy(p, new[] { 0 }, 2, 2, default));
        Assert.Contains("2", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(p, new[] { 0, 2 }, 2, 2, default));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(p, new[] { -1, 0 }, 2, 2, default));
    }

    [Fact]
    public void SoftmaxCrossEntropy_OfACertainWrongAnswer_IsLargeButFinite()
    {
        // p[y] = 0 is clamped, so the loss stays finite (about −log 1e−30 ≈ 69).
        float loss = Losses.SoftmaxCrossEntropy(new float[] { 1f, 0f }, new[] { 1 }, 1, 2, default);
        Assert.True(float.IsFinite(loss) && loss > 60f, $"loss {loss}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(40)]
    public void MeanSquaredError_MatchesReference(int n)
    {
        var random = new SeededRandom((ulong)n + 3);
        var prediction = new float[n];
        var target = new float[n];
        random.FillUniform(prediction, 2f);
        random.FillUniform(target, 2f);

        var (expectedLoss, expectedGradient) = ReferenceDense.MeanSquaredError(prediction, target);
        var gradient = new float[n];
        float loss = Losses.MeanSquaredError(prediction, target, gradient);

        Assert.Equal(expectedLoss, loss, 6);
        Assert.Equal(loss, Losses.MeanSquaredError(prediction, target, default));
        Tolerance.AssertGradientClose(expectedGradient, gradient, "dL/dŷ");
    }

    [Fact]
    public void MeanSquaredError_RejectsMismatchedTargets()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.MeanSquaredError(new float[5], new float[4], default));
        Assert.Contains("5", e.Message, StringComparison.Ordinal);
    }
}
