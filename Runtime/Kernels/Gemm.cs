using System;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// Row-major matrix products. Names follow BLAS: <c>N</c> uses an operand as stored, <c>T</c> transposed.
/// Every product either overwrites <c>C</c> or, with <c>accumulate</c>, adds to it.
/// </summary>
public static class Gemm
{
    /// <summary>
    /// <c>C[m, n] (+)= Σ_k A[m, k]·B[n, k]</c>, i.e. <c>C = A·Bᵀ</c>: each output is a dot product of a row of A
    /// with a row of B. Used for <c>x·Wᵀ</c> with PyTorch-layout weights <c>W[out, in]</c>.
    /// </summary>
    public static void MatMulNT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
    {
        Check(a.Length, (long)m * k, nameof(a), "[m, k]");
        Check(b.Length, (long)n * k, nameof(b), "[n, k]");
        Check(c.Length, (long)m * n, nameof(c), "[m, n]");
        for (int i = 0; i < m; i++)
        {
            var rowA = a.Slice(i * k, k);
            var rowC = c.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                float dot = Vec.Dot(rowA, b.Slice(j * k, k), k);
                rowC[j] = accumulate ? rowC[j] + dot : dot;
            }
        }
    }

    /// <summary>
    /// <c>C[m, n] (+)= Σ_k A[m, k]·B[k, n]</c>, i.e. <c>C = A·B</c>. Used for gradients flowing back through
    /// <c>W[out, in]</c>: <c>dx = dy·W</c>.
    /// </summary>
    public static void MatMulNN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
    {
        Check(a.Length, (long)m * k, nameof(a), "[m, k]");
        Check(b.Length, (long)k * n, nameof(b), "[k, n]");
        Check(c.Length, (long)m * n, nameof(c), "[m, n]");
        if (!accumulate)
        {
            c.Slice(0, m * n).Clear();
        }

        for (int i = 0; i < m; i++)
        {
            var rowC = c.Slice(i * n, n);
            var rowA = a.Slice(i * k, k);
            for (int p = 0; p < k; p++)
            {
                float s = rowA[p];
                if (s != 0f)
                {
                    Vec.Axpy(s, b.Slice(p * n, n), rowC, n);
                }
            }
        }
    }

    /// <summary>
    /// <c>C[m, n] (+)= Σ_k A[k, m]·B[k, n]</c>, i.e. <c>C = Aᵀ·B</c>. Used for weight gradients summed over
    /// all rows (steps × batch) in one product: <c>dW = dyᵀ·x</c>.
    /// </summary>
    public static void MatMulTN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
    {
        Check(a.Length, (long)k * m, nameof(a), "[k, m]");
        Check(b.Length, (long)k * n, nameof(b), "[k, n]");
        Check(c.Length, (long)m * n, nameof(c), "[m, n]");
        if (!accumulate)
        {
            c.Slice(0, m * n).Clear();
        }

        for (int p = 0; p < k; p++)
        {
            var rowA = a.Slice(p * m, m);
            var rowB = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
            {
                float s = rowA[i];
                if (s != 0f)
                {
                    Vec.Axpy(s, rowB, c.Slice(i * n, n), n);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int actual, long needed, string name, string shape)
    {
        if (actual < needed)
        {
            Throw(actual, needed, name, shape);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(int actual, long needed, string name, string shape) =>
        throw new ArgumentException($"Operand {name} {shape} needs {needed} elements but has {actual}.", name);
}
