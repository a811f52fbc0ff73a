using System;
using System.Linq;
using RnnGen.Kernels;
using RnnGen.Reference;
using RnnGen.Tests.Fixtures;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Runtime;

/// <summary>Activations and their derivatives against the textbook formulas in double precision.</summary>
public sealed class ActivationsTests
{
    private static readonly float[] Inputs = { -30f, -5f, -1.5f, -0.25f, -1e-3f, 0f, 1e-3f, 0.25f, 1.5f, 5f, 30f };

    [Fact]
    public void Tanh_MatchesFormula()
    {
        var x = (float[])Inputs.Clone();
        Activations.Tanh(x);
        Tolerance.AssertClose(Inputs.Select(v => (float)Math.Tanh(v)).ToArray(), x, 1e-7, "tanh");
    }

    [Fact]
    public void Sigmoid_MatchesFormula_AndStaysFiniteForLargeInputs()
    {
        var inputs = Inputs.Concat(new[] { -1000f, 1000f, float.MinValue, float.MaxValue }).ToArray();
        var x = (float[])inputs.Clone();
        Activations.Sigmoid(x);
        Tolerance.AssertClose(inputs.Select(v => (float)(1 / (1 + Math.Exp(-(double)v)))).ToArray(), x, 1e-7, "σ");
        Assert.All(x, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(0.5f, Activations.SigmoidOf(0f));
    }

    [Fact]
    public void Relu_MatchesFormula()
    {
        var x = (float[])Inputs.Clone();
        Activations.Relu(x);
        Assert.Equal(Inputs.Select(v => Math.Max(0f, v)), x);
    }

    [Fact]
    public void Backward_MultipliesByTheDerivativeWrittenInTheOutput()
    {
        var random = new SeededRandom(5);
        var dy = new float[Inputs.Length];
        random.FillUniform(dy, 1f);

        var tanh = Inputs.Select(v => (float)Math.Tanh(v)).ToArray();
        var dTanh = (float[])dy.Clone();
        Activations.TanhBackward(tanh, dTanh);
        Tolerance.AssertClose(dy.Select((d, i) => (float)(d * (1 - Math.Pow(Math.Tanh(Inputs[i]), 2)))).ToArray(), dTanh, 1e-7, "tanh'");

        var sigmoid = Inputs.Select(v => (float)(1 / (1 + Math.Exp(-(double)v)))).ToArray();
        var dSigmoid = (float[])dy.Clone();
        Activations.SigmoidBackward(sigmoid, dSigmoid);
        Tolerance.AssertClose(dy.Select((d, i) => (float)(d * sigmoid[i] * (1 - (double)sigmoid[i]))).ToArray(), dSigmoid, 1e-7, "σ'");

        var relu = Inputs.Select(v => Math.Max(0f, v)).ToArray();
        var dRelu = (float[])dy.Clone();
        Activations.ReluBackward(relu, dRelu);
        Assert.Equal(dy.Select((d, i) => Inputs[i] > 0 ? d : 0f), dRelu);
    }

    [Fact]
    public void Backward_RejectsMismatchedLengths()
    {
        Assert.Throws<ArgumentException>(() => Activations.TanhBackward(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => Activations.SigmoidBackward(new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => Activations.ReluBackward(new float[2], new float[1]));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 7)]
    [InlineData(2, 17)]
    public void SoftmaxRows_MatchesReference(int rows, int cols)
    {
        var random = new SeededRandom((ulong)((rows * 100) + cols));
        var z = new float[rows * cols];
        random.FillUniform(z, 4f);
        z[0] += 500f; // far from 0: needs the max subtracted

        var p = (float[])z.Clone();
        Activations.SoftmaxRows(p, rows, cols);

        // float32: one rounding per exp, the row sum and the scaling, ~(cols + 3)·6e-8 relative to p ≤ 1.
        Tolerance.AssertClose(ReferenceDense.Softmax(z, rows, cols), p, (cols + 3) * 6e-8, "softmax");
        for (int r = 0; r < rows; r++)
        {
            Assert.Equal(1.0, p.Skip(r * cols).Take(cols).Sum(v => (double)v), 5);
        }

        Assert.Throws<ArgumentException>(() => Activations.SoftmaxRows(new float[(rows * cols) - 1], rows, cols));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 7)]
    [InlineData(2, 17)]
    public void SoftmaxRowsBackward_MatchesTheFullJacobian(int rows, int cols)
    {
        var random = new SeededRandom((ulong)((rows * 1000) + cols));
        var z = new float[rows * cols];
        random.FillUniform(z, 3f);
        var p = ReferenceDense.Softmax(z, rows, cols);
        var dp = new float[rows * cols];
        random.FillUniform(dp, 1f);

        var dz = (float[])dp.Clone();
        Activations.SoftmaxRowsBackward(p, dz, rows, cols);

        Tolerance.AssertGradientClose(ReferenceDense.SoftmaxBackward(p, dp, rows, cols), dz, "softmax backward");
    }
}
