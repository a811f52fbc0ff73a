using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// Row-major matrix products. Names follow BLAS: <c>N</c> uses an operand as stored, <c>T</c> transposed.
/// Every product either overwrites <c>C</c> or, with <c>accumulate</c>, adds to it.
/// </summary>
/// <remarks>
/// Single-threaded. <c>A·B</c> and <c>Aᵀ·B</c> run 4-row × 4-register tiles of outer products over B's rows
/// (<see cref="GemmOuterKernels"/>). <c>A·Bᵀ</c> with fewer than 64 rows of A (the per-step recurrent product) runs
/// 4×4 tiles of dot products (<see cref="GemmDotKernels"/>); with more rows it copies B transposed, one panel at a
/// time, into a per-thread buffer of about 72 KB allocated on the thread's first such call, and runs the
/// outer-product tiles over it (<see cref="GemmPackedKernels"/>). No call allocates after that. Each call picks the
/// widest register the CPU accelerates that the vectorised dimension fills at least once: 16 floats (AVX-512), 8, 4,
/// else scalar. Sums are accumulated per lane in float and combined at the end, so results differ from a sequential
/// loop only by float rounding.
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// <c>C[m, n] (+)= Σ_k A[m, k]·B[n, k]</c>, i.e. <c>C = A·Bᵀ</c>: each output is a dot product of a row of A
    /// with a row of B. Used for <c>x·Wᵀ</c> with PyTorch-layout weights <c>W[out, in]</c>.
    /// </summary>
    public static void MatMulNT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
    {
        CheckDimensions(m, n, k);
        Check(a.Length, (long)m * k, nameof(a), "[m, k]");
        Check(b.Length, (long)n * k, nameof(b), "[n, k]");
        Check(c.Length, (long)m * n, nameof(c), "[m, n]");
        if (m == 0 || n == 0 || ClearedForEmptySum(c, m * n, k, accumulate))
        {
            return;
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float pc = ref MemoryMarshal.GetReference(c);
        if (m >= GemmPackedKernels.MinRows && Vector256.IsHardwareAccelerated && n >= 16)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                GemmPackedKernels.MatMulNT<Simd512, Vector512<float>>(ref pa, ref pb, ref pc, m, n, k, accumulate);
            }
            else
            {
                GemmPackedKernels.MatMulNT<Simd256, Vector256<float>>(ref pa, ref pb, ref pc, m, n, k, accumulate);
            }
        }
        else if (Vector512.IsHardwareAccelerated && k >= 16)
        {
            GemmDotKernels.MatMulNT<Simd512, Vector512<float>>(ref pa, ref pb, ref pc, m, n, k, accumulate);
        }
        else if (Vector256.IsHardwareAccelerated && k >= 8)
        {
            GemmDotKernels.MatMulNT<Simd256, Vector256<float>>(ref pa, ref pb, ref pc, m, n, k, accumulate);
        }
        else if (Vector128.IsHardwareAccelerated && k >= 4)
        {
            GemmDotKernels.MatMulNT<Simd128, Vector128<float>>(ref pa, ref pb, ref pc, m, n, k, accumulate);
        }
        else
        {
            GemmDotKernels.MatMulNT<SimdScalar, float>(ref pa, ref pb, ref pc, m, n, k, accumulate);
        }
    }

    /// <summary>
    /// <c>C[m, n] (+)= Σ_k A[m, k]·B[k, n]</c>, i.e. <c>C = A·B</c>. Used for gradients flowing back through
    /// <c>W[out, in]</c>: <c>dx = dy·W</c>.
    /// </summary>
    public static void MatMulNN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
    {
        CheckDimensions(m, n, k);
        Check(a.Length, (long)m * k, nameof(a), "[m, k]");
        Check(b.Length, (long)k * n, nameof(b), "[k, n]");
        Check(c.Length, (long)m * n, nameof(c), "[m, n]");
        if (m == 0 || n == 0 || ClearedForEmptySum(c, m * n, k, accumulate))
        {
            return;
        }

        // Â(i, p) = A[i, p]: rows of A are k apart, its columns adjacent.
        Outer(ref MemoryMarshal.GetReference(a), k, 1, ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), m, n, k, accumulate);
    }

    /// <summary>
    /// <c>C[m, n] (+)= Σ_k A[k, m]·B[k, n]</c>, i.e. <c>C = Aᵀ·B</c>. Used for weight gradients summed over
    /// all rows (steps × batch) in one product: <c>dW = dyᵀ·x</c>.
    /// </summary>
    public static void MatMulTN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
    {
        CheckDimensions(m, n, k);
        Check(a.Length, (long)k * m, nameof(a), "[k, m]");
        Check(b.Length, (long)k * n, nameof(b), "[k, n]");
        Check(c.Length, (long)m * n, nameof(c), "[m, n]");
        if (m == 0 || n == 0 || ClearedForEmptySum(c, m * n, k, accumulate))
        {
            return;
        }

        // Â(i, p) = A[p, i]: "rows" of Aᵀ are adjacent elements, its columns m apart.
        Outer(ref MemoryMarshal.GetReference(a), 1, m, ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), m, n, k, accumulate);
    }

    private static void Outer(ref float a, nint rowStride, nint colStride, ref float b, ref float c, int m, int n, int k, bool accumulate)
    {
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            GemmOuterKernels.Run<Simd512, Vector512<float>>(ref a, rowStride, colStride, ref b, ref c, m, n, k, accumulate);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            GemmOuterKernels.Run<Simd256, Vector256<float>>(ref a, rowStride, colStride, ref b, ref c, m, n, k, accumulate);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            GemmOuterKernels.Run<Simd128, Vector128<float>>(ref a, rowStride, colStride, ref b, ref c, m, n, k, accumulate);
        }
        else
        {
            GemmOuterKernels.Run<SimdScalar, float>(ref a, rowStride, colStride, ref b, ref c, m, n, k, accumulate);
        }
    }

    /// <summary>An empty sum (k = 0) is 0: clears C unless accumulating. Returns whether there is nothing left to do.</summary>
    private static bool ClearedForEmptySum(Span<float> c, int count, int k, bool accumulate)
    {
        if (k != 0)
        {
            return false;
        }

        if (!accumulate)
        {
            c.Slice(0, count).Clear();
        }

        return true;
    }

    private static void CheckDimensions(int m, int n, int k)
    {
        if ((m | n | k) < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"Matrix dimensions must not be negative (m = {m}, n = {n}, k = {k}).");
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
