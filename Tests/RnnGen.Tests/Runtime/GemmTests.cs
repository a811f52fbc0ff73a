using System;
using RnnGen.Kernels;
using RnnGen.Training;
using Xunit;
using Xunit.Sdk;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// The three matrix products against naive triple loops in double precision, over sizes that hit every vector
/// path and tail (1, 7, 17, 33 around widths 8 and 16), overwriting and accumulating.
/// </summary>
public sealed class GemmTests
{
    private static readonly int[] Sizes = { 1, 7, 17, 33 };

    public static TheoryData<int, int, int, bool> Shapes()
    {
        var data = new TheoryData<int, int, int, bool>();
        foreach (int m in Sizes)
        {
            foreach (int n in Sizes)
            {
                foreach (int k in Sizes)
                {
                    data.Add(m, n, k, false);
                    data.Add(m, n, k, true);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulNT_MatchesNaiveLoops(int m, int n, int k, bool accumulate)
    {
        // C[i, j] (+)= Σ_p A[i, p] B[j, p]
        Check(m, n, k, accumulate, aLength: m * k, bLength: n * k, (a, b, i, j, p) => (a[(i * k) + p], b[(j * k) + p]), (a, b, c) => Gemm.MatMulNT(a, b, c, m, n, k, accumulate));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulNN_MatchesNaiveLoops(int m, int n, int k, bool accumulate)
    {
        // C[i, j] (+)= Σ_p A[i, p] B[p, j]
        Check(m, n, k, accumulate, aLength: m * k, bLength: k * n, (a, b, i, j, p) => (a[(i * k) + p], b[(p * n) + j]), (a, b, c) => Gemm.MatMulNN(a, b, c, m, n, k, accumulate));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatMulTN_MatchesNaiveLoops(int m, int n, int k, bool accumulate)
    {
        // C[i, j] (+)= Σ_p A[p, i] B[p, j]
        Check(m, n, k, accumulate, aLength: k * m, bLength: k * n, (a, b, i, j, p) => (a[(p * m) + i], b[(p * n) + j]), (a, b, c) => Gemm.MatMulTN(a, b, c, m, n, k, accumulate));
    }

    [Fact]
    public void ZerosInA_AreSkippedWithoutChangingTheResult()
    {
        // NN and TN skip zero multipliers; a zero times NaN would be NaN, so this pins down that skipping is the only effect.
        var a = new float[] { 0f, 2f, 0f, 1f }; // [2, 2]
        var b = new float[] { 1f, 2f, 3f, 4f }; // [2, 2]
        var c = new float[4];
        Gemm.MatMulNN(a, b, c, 2, 2, 2, accumulate: false);
        Assert.Equal(new[] { 6f, 8f, 3f, 4f }, c);
        Gemm.MatMulTN(a, b, c, 2, 2, 2, accumulate: false);
        Assert.Equal(new[] { 0f, 0f, 5f, 8f }, c);
    }

    [Fact]
    public void ShortOperands_ThrowNamingTheNeededLength()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.MatMulNT(new float[5], new float[6], new float[6], 2, 2, 3, accumulate: false));
        Assert.Equal("a", e.ParamName);
        Assert.Contains("6", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Gemm.MatMulNN(new float[6], new float[5], new float[4], 2, 2, 3, accumulate: false));
        Assert.Throws<ArgumentException>(() => Gemm.MatMulTN(new float[6], new float[6], new float[3], 2, 2, 3, accumulate: true));
    }

    private delegate (float A, float B) Pick(float[] a, float[] b, int i, int j, int p);

    private delegate void Product(float[] a, float[] b, float[] c);

    private static void Check(int m, int n, int k, bool accumulate, int aLength, int bLength, Pick pick, Product product)
    {
        var random = new SeededRandom((ulong)((m * 10_000) + (n * 100) + k));
        var a = Uniform(ref random, aLength);
        var b = Uniform(ref random, bLength);
        // C has a tail past [m, n] that must stay untouched. Without accumulate C starts as NaN: it must be overwritten.
        const int Tail = 3;
        var c = new float[(m * n) + Tail];
        var initial = Uniform(ref random, c.Length);
        if (accumulate)
        {
            initial.CopyTo(c, 0);
        }
        else
        {
            Array.Fill(c, float.NaN);
            Array.Fill(initial, float.NaN, m * n, Tail);
        }

        product(a, b, c);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double expected = accumulate ? initial[(i * n) + j] : 0;
                double magnitude = Math.Abs(expected);
                for (int p = 0; p < k; p++)
                {
                    var (x, y) = pick(a, b, i, j, p);
                    expected += (double)x * y;
                    magnitude += Math.Abs((double)x * y);
                }

                // float32 summation of k + 1 terms: error ≤ (k + 1)·2⁻²⁴·Σ|terms|; allow that bound.
                double allowed = (k + 1) * 6e-8 * magnitude;
                double actual = c[(i * n) + j];
                if (!(Math.Abs(actual - expected) <= allowed))
                {
                    throw new XunitException($"[{m}x{n}x{k}, accumulate {accumulate}] C[{i}, {j}] is {actual:R}, expected {expected:R} (allowed {allowed:E2}).");
                }
            }
        }

        for (int t = m * n; t < c.Length; t++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(initial[t]), BitConverter.SingleToInt32Bits(c[t]));
        }
    }

    private static float[] Uniform(ref SeededRandom random, int length)
    {
        var values = new float[length];
        random.FillUniform(values, 1f);
        return values;
    }
}
