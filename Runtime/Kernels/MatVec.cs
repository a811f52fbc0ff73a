using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// Matrix–vector products for batch-1 work, where a matrix product has a single row and the cost is reading the
/// weights once. Weights are row-major <c>W[rows, cols]</c> as PyTorch stores them, so each output is the dot product
/// of one weight row with <c>x</c>; four rows are taken together so every load of <c>x</c> serves four rows.
/// <c>Vector512</c> where the CPU has it, else <c>Vector256</c>, else scalar.
/// </summary>
public static class MatVec
{
    /// <summary><c>y[r] (+)= Σ_k W[r, k]·x[k]</c> for <c>r</c> in <c>[0, rows)</c>, i.e. <c>y = W x</c>.</summary>
    /// <param name="weights"><c>W [rows, cols]</c>, row-major.</param>
    /// <param name="x"><c>x [cols]</c>.</param>
    /// <param name="y"><c>y [rows]</c>: overwritten, or added to with <paramref name="accumulate"/>.</param>
    /// <param name="rows">Rows of <c>W</c>, the length of <c>y</c> used.</param>
    /// <param name="cols">Columns of <c>W</c>, the length of <c>x</c> used.</param>
    /// <param name="accumulate">Whether to add to <c>y</c> rather than overwrite it.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Multiply(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, Span<float> y, int rows, int cols, bool accumulate)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols > weights.Length || cols > x.Length || rows > y.Length)
        {
            ThrowShape(rows, cols, weights.Length, x.Length, y.Length);
        }

        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int r = 0;
        for (; r <= rows - 4; r += 4)
        {
            var (d0, d1, d2, d3) = Dot4(
                ref Unsafe.Add(ref w, (nint)r * cols),
                ref Unsafe.Add(ref w, (nint)(r + 1) * cols),
                ref Unsafe.Add(ref w, (nint)(r + 2) * cols),
                ref Unsafe.Add(ref w, (nint)(r + 3) * cols),
                ref px,
                cols);
            Store(ref Unsafe.Add(ref py, r), d0, accumulate);
            Store(ref Unsafe.Add(ref py, r + 1), d1, accumulate);
            Store(ref Unsafe.Add(ref py, r + 2), d2, accumulate);
            Store(ref Unsafe.Add(ref py, r + 3), d3, accumulate);
        }

        for (; r < rows; r++)
        {
            Store(ref Unsafe.Add(ref py, r), Dot(ref Unsafe.Add(ref w, (nint)r * cols), ref px, cols), accumulate);
        }
    }

    /// <summary>
    /// <c>y = W x + b</c>: the step of a dense layer in one call. Blocks of four rows share each load of <c>x</c>;
    /// the rows after them (all of them for a layer of one to three outputs) are single dot products, so a one-output
    /// layer costs a dot product and an addition.
    /// </summary>
    /// <param name="weights"><c>W [rows, cols]</c>, row-major.</param>
    /// <param name="bias"><c>b [rows]</c>.</param>
    /// <param name="x"><c>x [cols]</c>.</param>
    /// <param name="y">Receives <c>y [rows]</c>.</param>
    /// <param name="rows">Rows of <c>W</c>, the length of <c>y</c> used.</param>
    /// <param name="cols">Columns of <c>W</c>, the length of <c>x</c> used.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Affine(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols > weights.Length || cols > x.Length || rows > y.Length || rows > bias.Length)
        {
            ThrowAffine(rows, cols, weights.Length, bias.Length, x.Length, y.Length);
        }

        int r = 0;
        if (rows >= 4)
        {
            r = rows & ~3;
            Multiply(weights, x, y, r, cols, accumulate: false);
            Vec.Add(bias.Slice(0, r), y.Slice(0, r));
        }

        for (; r < rows; r++)
        {
            y[r] = Vec.Dot(weights.Slice(r * cols, cols), x, cols) + bias[r];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float target, float value, bool accumulate) => target = accumulate ? target + value : value;

    /// <summary>Four dot products of four weight rows with the same <c>x</c>.</summary>
    private static (float, float, float, float) Dot4(ref float w0, ref float w1, ref float w2, ref float w3, ref float x, int n)
    {
        int i = 0;
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 16; i += 16)
            {
                var vx = Vector512.LoadUnsafe(ref x, (nuint)i);
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)i), vx, a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w1, (nuint)i), vx, a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w2, (nuint)i), vx, a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w3, (nuint)i), vx, a3);
            }

            s0 = Vector512.Sum(a0);
            s1 = Vector512.Sum(a1);
            s2 = Vector512.Sum(a2);
            s3 = Vector512.Sum(a3);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
            for (; i <= n - 8; i += 8)
            {
                var vx = Vector256.LoadUnsafe(ref x, (nuint)i);
                a0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w0, (nuint)i), vx, a0);
                a1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w1, (nuint)i), vx, a1);
                a2 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w2, (nuint)i), vx, a2);
                a3 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w3, (nuint)i), vx, a3);
            }

            s0 = Vector256.Sum(a0);
            s1 = Vector256.Sum(a1);
            s2 = Vector256.Sum(a2);
            s3 = Vector256.Sum(a3);
        }

        for (; i < n; i++)
        {
            float xi = Unsafe.Add(ref x, i);
            s0 = MathF.FusedMultiplyAdd(Unsafe.Add(ref w0, i), xi, s0);
            s1 = MathF.FusedMultiplyAdd(Unsafe.Add(ref w1, i), xi, s1);
            s2 = MathF.FusedMultiplyAdd(Unsafe.Add(ref w2, i), xi, s2);
            s3 = MathF.FusedMultiplyAdd(Unsafe.Add(ref w3, i), xi, s3);
        }

        return (s0, s1, s2, s3);
    }

    /// <summary>One dot product, for the rows left over after the blocks of four.</summary>
    private static float Dot(ref float w, ref float x, int n)
    {
        int i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> acc = default;
            for (; i <= n - 16; i += 16)
            {
                acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w, (nuint)i), Vector512.LoadUnsafe(ref x, (nuint)i), acc);
            }

            sum = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> acc = default;
            for (; i <= n - 8; i += 8)
            {
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref w, (nuint)i), Vector256.LoadUnsafe(ref x, (nuint)i), acc);
            }

            sum = Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref w, i), Unsafe.Add(ref x, i), sum);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowAffine(int rows, int cols, int weights, int bias, int x, int y) =>
        throw new ArgumentException(
            $"A [{rows}, {cols}] affine map needs weights of {(long)rows * cols} elements, a bias of {rows}, x of {cols} and y of {rows}; got {weights}, {bias}, {x} and {y}.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShape(int rows, int cols, int weights, int x, int y) =>
        throw new ArgumentException(
            $"A [{rows}, {cols}] matrix–vector product needs weights of {(long)rows * cols} elements, x of {cols} and y of {rows}; got {weights}, {x} and {y}.");
}
