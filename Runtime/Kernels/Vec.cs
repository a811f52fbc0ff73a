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
    /// Blocked over rows: four rows are added together in registers and then to <paramref name="sum"/>, so
    /// <paramref name="sum"/> is read and written once per four rows while the rows stream in order. (Summing a
    /// panel of columns down all rows in registers was measured slower: it walks the matrix with a row-sized stride.)
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
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref float row0 = ref Unsafe.Add(ref x, (nint)r * cols);
            ref float row1 = ref Unsafe.Add(ref row0, cols);
            ref float row2 = ref Unsafe.Add(ref row0, 2 * cols);
            ref float row3 = ref Unsafe.Add(ref row0, 3 * cols);
            AddRows<TOps, TVec>(ref row0, ref row1, ref row2, ref row3, cols, ref sum);
        }

        for (; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref x, (nint)r * cols);
            AddRow<TOps, TVec>(ref row, cols, ref sum);
        }
    }

    /// <summary><c>sum[j] += (a[j] + b[j]) + (c[j] + d[j])</c>: four sequential row streams, one pass over <c>sum</c>.</summary>
    private static void AddRows<TOps, TVec>(ref float a, ref float b, ref float c, ref float d, int cols, ref float sum)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int lanes = TOps.Lanes;
        int j = 0;
        for (; j <= cols - lanes; j += lanes)
        {
            TVec v = TOps.Add(
                TOps.Add(TOps.Load(ref Unsafe.Add(ref a, j)), TOps.Load(ref Unsafe.Add(ref b, j))),
                TOps.Add(TOps.Load(ref Unsafe.Add(ref c, j)), TOps.Load(ref Unsafe.Add(ref d, j))));
            ref float target = ref Unsafe.Add(ref sum, j);
            TOps.Store(TOps.Add(TOps.Load(ref target), v), ref target);
        }

        if (j < cols)
        {
            // The last register overlaps the previous one; only its lanes from column j on are added.
            int last = cols - lanes;
            TVec v = TOps.Add(
                TOps.Add(TOps.Load(ref Unsafe.Add(ref a, last)), TOps.Load(ref Unsafe.Add(ref b, last))),
                TOps.Add(TOps.Load(ref Unsafe.Add(ref c, last)), TOps.Load(ref Unsafe.Add(ref d, last))));
            ref float target = ref Unsafe.Add(ref sum, last);
            TOps.Store(TOps.Add(TOps.Load(ref target), TOps.And(v, TOps.TailMask(j - last))), ref target);
        }
    }

    /// <summary><c>sum[j] += a[j]</c>, with the same overlapping last register.</summary>
    private static void AddRow<TOps, TVec>(ref float a, int cols, ref float sum)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int lanes = TOps.Lanes;
        int j = 0;
        for (; j <= cols - lanes; j += lanes)
        {
            ref float target = ref Unsafe.Add(ref sum, j);
            TOps.Store(TOps.Add(TOps.Load(ref target), TOps.Load(ref Unsafe.Add(ref a, j))), ref target);
        }

        if (j < cols)
        {
            int last = cols - lanes;
            ref float target = ref Unsafe.Add(ref sum, last);
            TOps.Store(TOps.Add(TOps.Load(ref target), TOps.And(TOps.Load(ref Unsafe.Add(ref a, last)), TOps.TailMask(j - last))), ref target);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int n, int a, int b) =>
        throw new ArgumentException($"Span lengths do not fit: need {n} elements, got {a} and {b}.");
}
