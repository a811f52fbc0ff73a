using System;
using System.Linq;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Runtime;

/// <summary>SGD with global-norm clipping: <c>θ ← θ − lr · min(1, clip / (‖g‖ + 1e−6)) · g</c>.</summary>
public sealed class SgdTests
{
    // ‖g‖ = √(9 + 16 + 144) = 13.
    private static readonly float[] Gradient = { 3f, -4f, 12f };
    private static readonly float[] Start = { 1f, 2f, -3f };

    [Fact]
    public void WithoutClipping_StepsAlongTheGradient()
    {
        var sgd = new Sgd(learningRate: 0.1f);
        var theta = (float[])Start.Clone();

        sgd.Step(theta, Gradient);

        AssertUpdate(theta, scale: 0.1);
        Assert.Equal(13f, sgd.LastGradientNorm, 5);
        Assert.Equal(1, sgd.StepCount);
    }

    [Fact]
    public void ClipBelowTheNorm_ScalesTheStepToTheClip()
    {
        var sgd = new Sgd(learningRate: 0.1f, clipNorm: 2.6f);
        var theta = (float[])Start.Clone();

        sgd.Step(theta, Gradient);

        // The applied step lr·scale·g has norm lr·clip (up to the 1e-6 guard).
        AssertUpdate(theta, scale: 0.1 * 2.6 / (13 + 1e-6));
        Assert.Equal(13f, sgd.LastGradientNorm, 5);
    }

    [Fact]
    public void ClipAboveTheNorm_ChangesNothing()
    {
        var clipped = new Sgd(learningRate: 0.1f, clipNorm: 100f);
        var plain = new Sgd(learningRate: 0.1f);
        var a = (float[])Start.Clone();
        var b = (float[])Start.Clone();

        clipped.Step(a, Gradient);
        plain.Step(b, Gradient);

        Assert.Equal(b, a);
    }

    [Fact]
    public void LearningRate_CanChangeBetweenSteps()
    {
        var sgd = new Sgd(learningRate: 1f);
        var theta = (float[])Start.Clone();
        sgd.LearningRate = 0.25f;

        sgd.Step(theta, Gradient);
        sgd.Step(theta, Gradient);

        AssertUpdate(theta, scale: 0.5);
        Assert.Equal(2, sgd.StepCount);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void InvalidLearningRate_Throws(float learningRate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(learningRate));
        var sgd = new Sgd(1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => sgd.LearningRate = learningRate);
        Assert.Equal(1f, sgd.LearningRate);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void InvalidClipNorm_Throws(float clip)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(1f, clip));
    }

    [Fact]
    public void MismatchedArenas_ThrowAndChangeNothing()
    {
        var sgd = new Sgd(1f);
        var theta = (float[])Start.Clone();
        Assert.Throws<ArgumentException>(() => sgd.Step(theta, new float[2]));
        Assert.Equal(Start, theta);
        Assert.Equal(0, sgd.StepCount);
    }

    private static void AssertUpdate(float[] theta, double scale)
    {
        var expected = Start.Select((t, i) => (float)(t - (scale * Gradient[i]))).ToArray();
        for (int i = 0; i < theta.Length; i++)
        {
            Assert.Equal(expected[i], theta[i], 6);
        }
    }
}
