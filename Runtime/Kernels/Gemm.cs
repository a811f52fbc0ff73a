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
/// One thread unless <see cref="Parallelism.Threads"/> is raised, which splits large products into blocks of C (with
/// bit-identical results). <c>A·B</c> and <c>Aᵀ·B</c> run 4-row × 4-register tiles of outer products over B's rows
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
    /// Products with fewer floating-point operations (2·m·n·k) run on the calling thread whatever
    /// <see cref="Parallelism.Threads"/> says: handing a part to a worker costs a few microseconds.
    /// </summary>
    /// <remarks>Tests lower it to split small shapes with awkward edges.</remarks>
    internal static double MinParallelFlops { get; set; } = DefaultMinParallelFlops;

    /// <summary>The measured threshold (see <c>docs/benchmarks.md</c>).</summary>
    internal const double DefaultMinParallelFlops = 1 << 20;

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

        GemmKernel kernel;
        if (m >= GemmPackedKernels.MinRows && Vector256.IsHardwareAccelerated && n >= 16)
        {
            kernel = Vector512.IsHardwareAccelerated ? GemmKernel.PackedNT512 : GemmKernel.PackedNT256;
        }
        else
        {
            kernel = Vector512.IsHardwareAccelerated && k >= 16 ? GemmKernel.DotNT512
                : Vector256.IsHardwareAccelerated && k >= 8 ? GemmKernel.DotNT256
                : Vector128.IsHardwareAccelerated && k >= 4 ? GemmKernel.DotNT128
                : GemmKernel.DotNTScalar;
        }

        // Â(i, p) = A[i, p]: rows of A are k apart, its columns adjacent.
        Run(kernel, ref MemoryMarshal.GetReference(a), k, 1, ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), m, n, k, accumulate);
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
        Run(OuterKernel(n), ref MemoryMarshal.GetReference(a), k, 1, ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), m, n, k, accumulate);
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
        Run(OuterKernel(n), ref MemoryMarshal.GetReference(a), 1, m, ref MemoryMarshal.GetReference(b), ref MemoryMarshal.GetReference(c), m, n, k, accumulate);
    }

    private static GemmKernel OuterKernel(int n) =>
        Vector512.IsHardwareAccelerated && n >= 16 ? GemmKernel.Outer512
        : Vector256.IsHardwareAccelerated && n >= 8 ? GemmKernel.Outer256
        : Vector128.IsHardwareAccelerated && n >= 4 ? GemmKernel.Outer128
        : GemmKernel.OuterScalar;

    /// <summary>Runs the whole product on this thread, or split over <see cref="Parallelism.Threads"/> threads when it is large.</summary>
    private static void Run(GemmKernel kernel, ref float a, nint rowStride, nint colStride, ref float b, ref float c, int m, int n, int k, bool accumulate)
    {
        int threads = Parallelism.Threads;
        if (threads > 1 && 2.0 * m * n * k >= MinParallelFlops
            && GemmTask.TryRunSplit(kernel, ref a, rowStride, colStride, ref b, ref c, m, n, k, accumulate, threads))
        {
            return;
        }

        RunBlock(kernel, ref a, rowStride, colStride, ref b, ref c, m, n, k, accumulate, 0, m, 0, n);
    }

    /// <summary>
    /// Rows <paramref name="i0"/>.. and columns <paramref name="j0"/>.. of the product <c>C[m, n] (+)= Â·B̂</c>, with
    /// <c>Â(i, p) = a[i·rowStride + p·colStride]</c> and B read as the kernel reads it (<c>[n, k]</c> for the NT kernels,
    /// <c>[k, n]</c> for the outer-product ones).
    /// </summary>
    internal static void RunBlock(GemmKernel kernel, ref float a, nint rowStride, nint colStride, ref float b, ref float c, int m, int n, int k, bool accumulate, int i0, int rows, int j0, int columns)
    {
        ref float blockA = ref Unsafe.Add(ref a, i0 * rowStride);
        ref float blockC = ref Unsafe.Add(ref c, ((nint)i0 * n) + j0);
        ref float rowsB = ref Unsafe.Add(ref b, (nint)j0 * k);
        ref float columnsB = ref Unsafe.Add(ref b, j0);
        switch (kernel)
        {
            case GemmKernel.PackedNT512: GemmPackedKernels.MatMulNT<Simd512, Vector512<float>>(ref blockA, ref rowsB, ref blockC, n, rows, columns, k, accumulate); break;
            case GemmKernel.PackedNT256: GemmPackedKernels.MatMulNT<Simd256, Vector256<float>>(ref blockA, ref rowsB, ref blockC, n, rows, columns, k, accumulate); break;
            case GemmKernel.DotNT512: GemmDotKernels.MatMulNT<Simd512, Vector512<float>>(ref blockA, ref rowsB, ref blockC, n, rows, columns, k, accumulate); break;
            case GemmKernel.DotNT256: GemmDotKernels.MatMulNT<Simd256, Vector256<float>>(ref blockA, ref rowsB, ref blockC, n, rows, columns, k, accumulate); break;
            case GemmKernel.DotNT128: GemmDotKernels.MatMulNT<Simd128, Vector128<float>>(ref blockA, ref rowsB, ref blockC, n, rows, columns, k, accumulate); break;
            case GemmKernel.DotNTScalar: GemmDotKernels.MatMulNT<SimdScalar, float>(ref blockA, ref rowsB, ref blockC, n, rows, columns, k, accumulate); break;
            case GemmKernel.Outer512: GemmOuterKernels.Run<Simd512, Vector512<float>>(ref blockA, rowStride, colStride, ref columnsB, n, ref blockC, n, rows, columns, k, accumulate); break;
            case GemmKernel.Outer256: GemmOuterKernels.Run<Simd256, Vector256<float>>(ref blockA, rowStride, colStride, ref columnsB, n, ref blockC, n, rows, columns, k, accumulate); break;
            case GemmKernel.Outer128: GemmOuterKernels.Run<Simd128, Vector128<float>>(ref blockA, rowStride, colStride, ref columnsB, n, ref blockC, n, rows, columns, k, accumulate); break;
            default: GemmOuterKernels.Run<SimdScalar, float>(ref blockA, rowStride, colStride, ref columnsB, n, ref blockC, n, rows, columns, k, accumulate); break;
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
