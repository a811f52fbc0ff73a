using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// <c>C = A·Bᵀ</c> as register-blocked dot products: both operands are read along their contiguous rows, so no
/// packing (a transposed copy of B would cost as much as the product itself for the per-step recurrent
/// product, where A has only batch-many rows). A 4×4 tile of C keeps 16 vector accumulators; every loaded
/// register of A feeds four FMAs and every register of B four more, and the 16 horizontal sums are done once
/// per tile at the end. The k tail that does not fill a register is one overlapping load of the row's last
/// <c>Lanes</c> elements with the already-summed lanes masked to zero (needs <c>k ≥ Lanes</c>; the dispatcher
/// picks a narrower register otherwise).
/// </summary>
internal static class GemmDotKernels
{
    // Rows of B per block: the block (rows × k-chunk floats) stays in L1 (24 KiB of it) while each group of four
    // rows of A passes over it.
    private const int L1BlockFloats = 6 * 1024;

    // Long rows are split so a tile's eight row pieces stay in L1; the partial sums are added into C.
    private const int KChunk = 1024;

    /// <summary><c>C[m, n] (+)= A·Bᵀ</c> with C's rows <paramref name="ldc"/> apart (a block of columns of a wider C).</summary>
    public static void MatMulNT<TOps, TVec>(ref float a, ref float b, ref float c, nint ldc, int m, int n, int k, bool accumulate)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        for (int p0 = 0; p0 < k; p0 += KChunk)
        {
            int length = Math.Min(KChunk, k - p0);
            bool add = accumulate || p0 > 0;
            int blockRows = Math.Max(4, (L1BlockFloats / length) & ~3);
            for (int j0 = 0; j0 < n; j0 += blockRows)
            {
                int jEnd = Math.Min(j0 + blockRows, n);
                int i = 0;
                for (; i + 4 <= m; i += 4)
                {
                    ref float rowsA = ref Unsafe.Add(ref a, ((nint)i * k) + p0);
                    ref float rowC = ref Unsafe.Add(ref c, i * ldc);
                    int j = j0;
                    for (; j + 4 <= jEnd; j += 4)
                    {
                        Tile4x4<TOps, TVec>(ref rowsA, ref Unsafe.Add(ref b, ((nint)j * k) + p0), k, length, ref Unsafe.Add(ref rowC, j), ldc, add);
                    }

                    for (; j < jEnd; j++)
                    {
                        Tile4x1<TOps, TVec>(ref rowsA, ref Unsafe.Add(ref b, ((nint)j * k) + p0), k, length, ref Unsafe.Add(ref rowC, j), ldc, add);
                    }
                }

                for (; i < m; i++)
                {
                    ref float rowA = ref Unsafe.Add(ref a, ((nint)i * k) + p0);
                    ref float rowC = ref Unsafe.Add(ref c, i * ldc);
                    int j = j0;
                    for (; j + 4 <= jEnd; j += 4)
                    {
                        Tile1x4<TOps, TVec>(ref rowA, ref Unsafe.Add(ref b, ((nint)j * k) + p0), k, length, ref Unsafe.Add(ref rowC, j), add);
                    }

                    for (; j < jEnd; j++)
                    {
                        ref float cell = ref Unsafe.Add(ref rowC, j);
                        float dot = Dot<TOps, TVec>(ref rowA, ref Unsafe.Add(ref b, ((nint)j * k) + p0), length);
                        cell = add ? cell + dot : dot;
                    }
                }
            }
        }
    }

    /// <summary>C[0..4, 0..4] (+)= A[0..4, :]·B[0..4, :]ᵀ over <paramref name="length"/> columns; rows <paramref name="stride"/> apart.</summary>
    private static void Tile4x4<TOps, TVec>(ref float a, ref float b, nint stride, int length, ref float c, nint ldc, bool add)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        ref float a0 = ref a;
        ref float a1 = ref Unsafe.Add(ref a, stride);
        ref float a2 = ref Unsafe.Add(ref a, 2 * stride);
        ref float a3 = ref Unsafe.Add(ref a, 3 * stride);
        ref float b0 = ref b;
        ref float b1 = ref Unsafe.Add(ref b, stride);
        ref float b2 = ref Unsafe.Add(ref b, 2 * stride);
        ref float b3 = ref Unsafe.Add(ref b, 3 * stride);
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c02 = TOps.Zero, c03 = TOps.Zero;
        TVec c10 = TOps.Zero, c11 = TOps.Zero, c12 = TOps.Zero, c13 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero, c22 = TOps.Zero, c23 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero, c32 = TOps.Zero, c33 = TOps.Zero;
        int lanes = TOps.Lanes;
        int p = 0;
        for (; p <= length - lanes; p += lanes)
        {
            TVec x0 = TOps.Load(ref Unsafe.Add(ref a0, p));
            TVec x1 = TOps.Load(ref Unsafe.Add(ref a1, p));
            TVec x2 = TOps.Load(ref Unsafe.Add(ref a2, p));
            TVec x3 = TOps.Load(ref Unsafe.Add(ref a3, p));
            TVec y = TOps.Load(ref Unsafe.Add(ref b0, p));
            c00 = TOps.MultiplyAdd(x0, y, c00);
            c10 = TOps.MultiplyAdd(x1, y, c10);
            c20 = TOps.MultiplyAdd(x2, y, c20);
            c30 = TOps.MultiplyAdd(x3, y, c30);
            y = TOps.Load(ref Unsafe.Add(ref b1, p));
            c01 = TOps.MultiplyAdd(x0, y, c01);
            c11 = TOps.MultiplyAdd(x1, y, c11);
            c21 = TOps.MultiplyAdd(x2, y, c21);
            c31 = TOps.MultiplyAdd(x3, y, c31);
            y = TOps.Load(ref Unsafe.Add(ref b2, p));
            c02 = TOps.MultiplyAdd(x0, y, c02);
            c12 = TOps.MultiplyAdd(x1, y, c12);
            c22 = TOps.MultiplyAdd(x2, y, c22);
            c32 = TOps.MultiplyAdd(x3, y, c32);
            y = TOps.Load(ref Unsafe.Add(ref b3, p));
            c03 = TOps.MultiplyAdd(x0, y, c03);
            c13 = TOps.MultiplyAdd(x1, y, c13);
            c23 = TOps.MultiplyAdd(x2, y, c23);
            c33 = TOps.MultiplyAdd(x3, y, c33);
        }

        if (p < length)
        {
            int q = length - lanes;
            TVec mask = TOps.TailMask(p - q);
            TVec x0 = TOps.And(TOps.Load(ref Unsafe.Add(ref a0, q)), mask);
            TVec x1 = TOps.And(TOps.Load(ref Unsafe.Add(ref a1, q)), mask);
            TVec x2 = TOps.And(TOps.Load(ref Unsafe.Add(ref a2, q)), mask);
            TVec x3 = TOps.And(TOps.Load(ref Unsafe.Add(ref a3, q)), mask);
            TVec y = TOps.And(TOps.Load(ref Unsafe.Add(ref b0, q)), mask);
            c00 = TOps.MultiplyAdd(x0, y, c00);
            c10 = TOps.MultiplyAdd(x1, y, c10);
            c20 = TOps.MultiplyAdd(x2, y, c20);
            c30 = TOps.MultiplyAdd(x3, y, c30);
            y = TOps.And(TOps.Load(ref Unsafe.Add(ref b1, q)), mask);
            c01 = TOps.MultiplyAdd(x0, y, c01);
            c11 = TOps.MultiplyAdd(x1, y, c11);
            c21 = TOps.MultiplyAdd(x2, y, c21);
            c31 = TOps.MultiplyAdd(x3, y, c31);
            y = TOps.And(TOps.Load(ref Unsafe.Add(ref b2, q)), mask);
            c02 = TOps.MultiplyAdd(x0, y, c02);
            c12 = TOps.MultiplyAdd(x1, y, c12);
            c22 = TOps.MultiplyAdd(x2, y, c22);
            c32 = TOps.MultiplyAdd(x3, y, c32);
            y = TOps.And(TOps.Load(ref Unsafe.Add(ref b3, q)), mask);
            c03 = TOps.MultiplyAdd(x0, y, c03);
            c13 = TOps.MultiplyAdd(x1, y, c13);
            c23 = TOps.MultiplyAdd(x2, y, c23);
            c33 = TOps.MultiplyAdd(x3, y, c33);
        }

        StoreRow(TOps.Sum4(c00, c01, c02, c03), ref c, add);
        StoreRow(TOps.Sum4(c10, c11, c12, c13), ref Unsafe.Add(ref c, ldc), add);
        StoreRow(TOps.Sum4(c20, c21, c22, c23), ref Unsafe.Add(ref c, 2 * ldc), add);
        StoreRow(TOps.Sum4(c30, c31, c32, c33), ref Unsafe.Add(ref c, 3 * ldc), add);
    }

    /// <summary>C[0..4, 0] (+)= A[0..4, :]·B[0, :]ᵀ: the columns left over when n is not a multiple of 4.</summary>
    private static void Tile4x1<TOps, TVec>(ref float a, ref float b, nint stride, int length, ref float c, nint ldc, bool add)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        ref float a0 = ref a;
        ref float a1 = ref Unsafe.Add(ref a, stride);
        ref float a2 = ref Unsafe.Add(ref a, 2 * stride);
        ref float a3 = ref Unsafe.Add(ref a, 3 * stride);
        TVec c0 = TOps.Zero, c1 = TOps.Zero, c2 = TOps.Zero, c3 = TOps.Zero;
        int lanes = TOps.Lanes;
        int p = 0;
        for (; p <= length - lanes; p += lanes)
        {
            TVec y = TOps.Load(ref Unsafe.Add(ref b, p));
            c0 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref a0, p)), y, c0);
            c1 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref a1, p)), y, c1);
            c2 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref a2, p)), y, c2);
            c3 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref a3, p)), y, c3);
        }

        if (p < length)
        {
            int q = length - lanes;
            TVec mask = TOps.TailMask(p - q);
            TVec y = TOps.And(TOps.Load(ref Unsafe.Add(ref b, q)), mask);
            c0 = TOps.MultiplyAdd(TOps.And(TOps.Load(ref Unsafe.Add(ref a0, q)), mask), y, c0);
            c1 = TOps.MultiplyAdd(TOps.And(TOps.Load(ref Unsafe.Add(ref a1, q)), mask), y, c1);
            c2 = TOps.MultiplyAdd(TOps.And(TOps.Load(ref Unsafe.Add(ref a2, q)), mask), y, c2);
            c3 = TOps.MultiplyAdd(TOps.And(TOps.Load(ref Unsafe.Add(ref a3, q)), mask), y, c3);
        }

        Vector128<float> column = TOps.Sum4(c0, c1, c2, c3);
        StoreCell(column.GetElement(0), ref c, add);
        StoreCell(column.GetElement(1), ref Unsafe.Add(ref c, ldc), add);
        StoreCell(column.GetElement(2), ref Unsafe.Add(ref c, 2 * ldc), add);
        StoreCell(column.GetElement(3), ref Unsafe.Add(ref c, 3 * ldc), add);
    }

    /// <summary>C[0, 0..4] (+)= A[0, :]·B[0..4, :]ᵀ: the rows left over when m is not a multiple of 4 (all of batch 1).</summary>
    private static void Tile1x4<TOps, TVec>(ref float a, ref float b, nint stride, int length, ref float c, bool add)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        ref float b0 = ref b;
        ref float b1 = ref Unsafe.Add(ref b, stride);
        ref float b2 = ref Unsafe.Add(ref b, 2 * stride);
        ref float b3 = ref Unsafe.Add(ref b, 3 * stride);
        TVec c0 = TOps.Zero, c1 = TOps.Zero, c2 = TOps.Zero, c3 = TOps.Zero;
        int lanes = TOps.Lanes;
        int p = 0;
        for (; p <= length - lanes; p += lanes)
        {
            TVec x = TOps.Load(ref Unsafe.Add(ref a, p));
            c0 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref b0, p)), c0);
            c1 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref b1, p)), c1);
            c2 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref b2, p)), c2);
            c3 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref b3, p)), c3);
        }

        if (p < length)
        {
            int q = length - lanes;
            TVec mask = TOps.TailMask(p - q);
            TVec x = TOps.And(TOps.Load(ref Unsafe.Add(ref a, q)), mask);
            c0 = TOps.MultiplyAdd(x, TOps.And(TOps.Load(ref Unsafe.Add(ref b0, q)), mask), c0);
            c1 = TOps.MultiplyAdd(x, TOps.And(TOps.Load(ref Unsafe.Add(ref b1, q)), mask), c1);
            c2 = TOps.MultiplyAdd(x, TOps.And(TOps.Load(ref Unsafe.Add(ref b2, q)), mask), c2);
            c3 = TOps.MultiplyAdd(x, TOps.And(TOps.Load(ref Unsafe.Add(ref b3, q)), mask), c3);
        }

        StoreRow(TOps.Sum4(c0, c1, c2, c3), ref c, add);
    }

    /// <summary>One dot product of two rows, with the same masked tail as the tiles.</summary>
    private static float Dot<TOps, TVec>(ref float a, ref float b, int length)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        TVec sum = TOps.Zero;
        int lanes = TOps.Lanes;
        int p = 0;
        for (; p <= length - lanes; p += lanes)
        {
            sum = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref a, p)), TOps.Load(ref Unsafe.Add(ref b, p)), sum);
        }

        if (p < length)
        {
            int q = length - lanes;
            TVec mask = TOps.TailMask(p - q);
            sum = TOps.MultiplyAdd(TOps.And(TOps.Load(ref Unsafe.Add(ref a, q)), mask), TOps.And(TOps.Load(ref Unsafe.Add(ref b, q)), mask), sum);
        }

        return TOps.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(Vector128<float> sums, ref float c, bool add)
    {
        if (add)
        {
            sums += Vector128.LoadUnsafe(ref c);
        }

        sums.StoreUnsafe(ref c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreCell(float sum, ref float c, bool add) => c = add ? c + sum : sum;
}
