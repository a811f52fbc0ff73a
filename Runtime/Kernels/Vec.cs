using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// Vector primitives over spans: <c>Vector512</c> where the CPU has it, else <c>Vector256</c>, else scalar.
/// Every method checks its span lengths once and then runs without bounds checks.
/// </summary>
public static class Vec
{
    /// <summary>Returns <c>Σ_i x[i]·y[i]</c> over the first <paramref name="n"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int n)
    {
        if ((uint)n > (uint)x.Length || (uint)n > (uint)y.Length)
        {
            ThrowLength(n, x.Length, y.Length);
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc0 = Vector512<float>.Zero;
            var acc1 = Vector512<float>.Zero;
            for (; i <= n - 32; i += 32)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)(i + 16)), Vector512.LoadUnsafe(ref py, (nuint)(i + 16)), acc1);
            }

            for (; i <= n - 16; i += 16)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i), acc0);
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref px, (nuint)(i + 8)), Vector256.LoadUnsafe(ref py, (nuint)(i + 8)), acc1);
            }

            for (; i <= n - 8; i += 8)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), acc0);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < n; i++)
        {
            sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref px, i), Unsafe.Add(ref py, i), sum);
        }

        return sum;
    }

    /// <summary><c>y[i] += a·x[i]</c> over the first <paramref name="n"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y, int n)
    {
        if ((uint)n > (uint)x.Length || (uint)n > (uint)y.Length)
        {
            ThrowLength(n, x.Length, y.Length);
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var va = Vector512.Create(a);
            for (; i <= n - 16; i += 16)
            {
                Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 8; i += 8)
            {
                Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref py, i) = MathF.FusedMultiplyAdd(a, Unsafe.Add(ref px, i), Unsafe.Add(ref py, i));
        }
    }

    /// <summary><c>y[i] += x[i]</c>.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length)
        {
            ThrowLength(x.Length, x.Length, y.Length);
        }

        Axpy(1f, x, y, x.Length);
    }

    /// <summary><c>z[i] = x[i] + y[i]</c>.</summary>
    public static void Sum(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        if (x.Length != y.Length || z.Length != x.Length)
        {
            ThrowLength(z.Length, x.Length, y.Length);
        }

        x.CopyTo(z);
        Axpy(1f, y, z, z.Length);
    }

    /// <summary><c>y[r, j] += bias[j]</c> for every row <c>r</c> of a <c>[rows, bias.Length]</c> matrix.</summary>
    public static void AddToRows(ReadOnlySpan<float> bias, Span<float> y, int rows)
    {
        int cols = bias.Length;
        if ((long)rows * cols > y.Length)
        {
            ThrowLength(rows * cols, y.Length, bias.Length);
        }

        for (int r = 0; r < rows; r++)
        {
            Axpy(1f, bias, y.Slice(r * cols, cols), cols);
        }
    }

    /// <summary><c>sum[j] += Σ_r x[r, j]</c>: column sums of a <c>[rows, sum.Length]</c> matrix.</summary>
    /// <remarks>
    /// Blocked over columns: a panel of up to 64 columns is summed down all rows in registers and added to
    /// <paramref name="sum"/> once, instead of reading and writing <paramref name="sum"/> for every row.
    /// </remarks>
    public static void AddColumnSums(ReadOnlySpan<float> x, int rows, Span<float> sum)
    {
        int cols = sum.Length;
        if (rows < 0 || (long)rows * cols > x.Length)
        {
            ThrowLength(rows * cols, x.Length, sum.Length);
        }

        if (rows == 0 || cols == 0)
        {
            return;
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float ps = ref MemoryMarshal.GetReference(sum);
        if (Vector512.IsHardwareAccelerated && cols >= 16)
        {
            AddColumnSums<Simd512, Vector512<float>>(ref px, rows, cols, ref ps);
        }
        else if (Vector256.IsHardwareAccelerated && cols >= 8)
        {
            AddColumnSums<Simd256, Vector256<float>>(ref px, rows, cols, ref ps);
        }
        else if (Vector128.IsHardwareAccelerated && cols >= 4)
        {
            AddColumnSums<Simd128, Vector128<float>>(ref px, rows, cols, ref ps);
        }
        else
        {
            AddColumnSums<SimdScalar, float>(ref px, rows, cols, ref ps);
        }
    }

    /// <summary><c>x[i] *= a</c>.</summary>
    public static void Scale(Span<float> x, float a)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        int n = x.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= n - 16; i += 16)
            {
                (Vector512.LoadUnsafe(ref px, (nuint)i) * va).StoreUnsafe(ref px, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref px, (nuint)i) * va).StoreUnsafe(ref px, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref px, i) *= a;
        }
    }

    /// <summary>Returns <c>Σ x[i]²</c>, accumulated in double precision.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double total = 0;
        int i = 0;
        const int Block = 1024;
        while (i < x.Length)
        {
            int n = Math.Min(Block, x.Length - i);
            var block = x.Slice(i, n);
            total += Dot(block, block, n);
            i += n;
        }

        return total;
    }

    private static void AddColumnSums<TOps, TVec>(ref float x, int rows, int cols, ref float sum)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int lanes = TOps.Lanes;
        int panel = 4 * lanes;
        int j = 0;
        for (; j + panel <= cols; j += panel)
        {
            TVec s0 = TOps.Zero, s1 = TOps.Zero, s2 = TOps.Zero, s3 = TOps.Zero;
            ref float at = ref Unsafe.Add(ref x, j);
            for (int r = 0; r < rows; r++)
            {
                s0 = TOps.Add(s0, TOps.Load(ref at));
                s1 = TOps.Add(s1, TOps.Load(ref Unsafe.Add(ref at, lanes)));
                s2 = TOps.Add(s2, TOps.Load(ref Unsafe.Add(ref at, 2 * lanes)));
                s3 = TOps.Add(s3, TOps.Load(ref Unsafe.Add(ref at, 3 * lanes)));
                at = ref Unsafe.Add(ref at, cols);
            }

            ref float target = ref Unsafe.Add(ref sum, j);
            TOps.Store(TOps.Add(TOps.Load(ref target), s0), ref target);
            TOps.Store(TOps.Add(TOps.Load(ref Unsafe.Add(ref target, lanes)), s1), ref Unsafe.Add(ref target, lanes));
            TOps.Store(TOps.Add(TOps.Load(ref Unsafe.Add(ref target, 2 * lanes)), s2), ref Unsafe.Add(ref target, 2 * lanes));
            TOps.Store(TOps.Add(TOps.Load(ref Unsafe.Add(ref target, 3 * lanes)), s3), ref Unsafe.Add(ref target, 3 * lanes));
        }

        for (; j < cols; j += lanes)
        {
            // The last register may overlap the previous one; only its lanes from column j on are added.
            TVec mask = TOps.AllBitsSet;
            if (j + lanes > cols)
            {
                int last = cols - lanes;
                mask = TOps.TailMask(j - last);
                j = last;
            }

            TVec s = TOps.Zero;
            ref float at = ref Unsafe.Add(ref x, j);
            for (int r = 0; r < rows; r++)
            {
                s = TOps.Add(s, TOps.Load(ref at));
                at = ref Unsafe.Add(ref at, cols);
            }

            ref float target = ref Unsafe.Add(ref sum, j);
            TOps.Store(TOps.Add(TOps.Load(ref target), TOps.And(s, mask)), ref target);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int n, int a, int b) =>
        throw new ArgumentException($"Span lengths do not fit: need {n} elements, got {a} and {b}.");
}
