using System;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// <c>C (+)= Â·B</c> with B read along its contiguous rows, as a sum of outer products: a tile of C of 4 rows × 4
/// registers (64 columns with AVX-512) lives in 16 accumulators while k runs; each step loads 4 registers of
/// one row of B and broadcasts 4 elements of Â, for 16 FMAs. <c>Â(i, p) = a[i·rowStride + p·colStride]</c>, so the
/// same kernel serves <c>A·B</c> (NN: rowStride = k, colStride = 1) and <c>Aᵀ·B</c> (TN: rowStride = 1,
/// colStride = m). The last columns that do not fill a register are one overlapping register ending at column n
/// whose already-finished lanes are left as they were (needs <c>n ≥ Lanes</c>; the dispatcher picks a narrower
/// register otherwise).
/// </summary>
/// <remarks>
/// Â is read in place. Copying it into 4-row strips contiguous along k (for TN, where one k step jumps a whole row
/// of A) was measured slower on the language model's shapes than the strided broadcasts, so there is no packing here.
/// </remarks>
internal static class GemmOuterKernels
{
    // Rows of C per block: the block of C (rows × n, up to 256 KiB), its slice of Â (rows × KChunk) and the chunk of
    // B (KChunk × n) stay in L2 together while the k chunks pass, so B is streamed from memory once per block.
    private const int RowBlockFloats = 64 * 1024;
    private const int MaxRowBlock = 256;

    // Rows of B per pass: the kernel's panel of B (KChunk × 4 registers, 32 KiB with AVX-512) stays in L1
    // while all row tiles of the block use it. C is loaded and stored once per chunk.
    private const int KChunk = 128;

    public static void Run<TOps, TVec>(ref float a, nint rowStride, nint colStride, ref float b, ref float c, int m, int n, int k, bool accumulate)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct =>
        Run<TOps, TVec>(ref a, rowStride, colStride, ref b, n, ref c, n, m, n, k, accumulate);

    /// <summary>
    /// <c>C[m, n] (+)= Â·B</c> with B's rows <paramref name="ldb"/> apart and C's rows <paramref name="ldc"/> apart
    /// (n ≥ Lanes).
    /// </summary>
    public static void Run<TOps, TVec>(ref float a, nint rowStride, nint colStride, ref float b, nint ldb, ref float c, nint ldc, int m, int n, int k, bool accumulate)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int rowBlock = Math.Clamp((RowBlockFloats / n) & ~3, 4, MaxRowBlock);
        for (int i0 = 0; i0 < m; i0 += rowBlock)
        {
            int rows = Math.Min(rowBlock, m - i0);
            for (int p0 = 0; p0 < k; p0 += KChunk)
            {
                int length = Math.Min(KChunk, k - p0);
                bool add = accumulate || p0 > 0;
                ref float blockA = ref Unsafe.Add(ref a, (i0 * rowStride) + (p0 * colStride));
                ref float chunkB = ref Unsafe.Add(ref b, p0 * ldb);
                ref float blockC = ref Unsafe.Add(ref c, i0 * ldc);
                Block<TOps, TVec>(ref blockA, rowStride, colStride, ref chunkB, ldb, ref blockC, ldc, rows, n, length, add);
            }
        }
    }

    /// <summary>One block of rows of C and one k chunk, over all columns.</summary>
    private static void Block<TOps, TVec>(ref float a, nint rowStride, nint colStride, ref float b, nint ldb, ref float c, nint ldc, int rows, int n, int length, bool add)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int lanes = TOps.Lanes;
        int panel = 4 * lanes;
        int j = 0;
        for (; j + panel <= n; j += panel)
        {
            int i = 0;
            for (; i + 4 <= rows; i += 4)
            {
                Tile4x4<TOps, TVec>(ref Unsafe.Add(ref a, i * rowStride), rowStride, colStride, ref Unsafe.Add(ref b, j), ldb, length, ref Unsafe.Add(ref c, (i * ldc) + j), ldc, add);
            }

            for (; i < rows; i++)
            {
                Tile1x4<TOps, TVec>(ref Unsafe.Add(ref a, i * rowStride), colStride, ref Unsafe.Add(ref b, j), ldb, length, ref Unsafe.Add(ref c, (i * ldc) + j), add);
            }
        }

        for (; j < n; j += lanes)
        {
            // The last register overlaps the previous one: only its lanes from column j on are new.
            TVec mask = TOps.AllBitsSet;
            if (j + lanes > n)
            {
                int last = n - lanes;
                mask = TOps.TailMask(j - last);
                j = last;
            }

            int i = 0;
            for (; i + 4 <= rows; i += 4)
            {
                Tile4x1<TOps, TVec>(ref Unsafe.Add(ref a, i * rowStride), rowStride, colStride, ref Unsafe.Add(ref b, j), ldb, length, ref Unsafe.Add(ref c, (i * ldc) + j), ldc, add, mask);
            }

            for (; i < rows; i++)
            {
                Tile1x1<TOps, TVec>(ref Unsafe.Add(ref a, i * rowStride), colStride, ref Unsafe.Add(ref b, j), ldb, length, ref Unsafe.Add(ref c, (i * ldc) + j), add, mask);
            }
        }
    }

    /// <summary>C[0..4, 0..4·Lanes] (+)= Σ_p Â[0..4, p] ⊗ B[p, 0..4·Lanes].</summary>
    private static void Tile4x4<TOps, TVec>(ref float a, nint rowStride, nint colStride, ref float b, nint ldb, int length, ref float c, nint ldc, bool add)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        TVec c00 = TOps.Zero, c01 = TOps.Zero, c02 = TOps.Zero, c03 = TOps.Zero;
        TVec c10 = TOps.Zero, c11 = TOps.Zero, c12 = TOps.Zero, c13 = TOps.Zero;
        TVec c20 = TOps.Zero, c21 = TOps.Zero, c22 = TOps.Zero, c23 = TOps.Zero;
        TVec c30 = TOps.Zero, c31 = TOps.Zero, c32 = TOps.Zero, c33 = TOps.Zero;
        nint lanes = TOps.Lanes;
        ref float rowB = ref b;
        ref float columnA = ref a;
        for (int p = 0; p < length; p++)
        {
            TVec y0 = TOps.Load(ref rowB);
            TVec y1 = TOps.Load(ref Unsafe.Add(ref rowB, lanes));
            TVec y2 = TOps.Load(ref Unsafe.Add(ref rowB, 2 * lanes));
            TVec y3 = TOps.Load(ref Unsafe.Add(ref rowB, 3 * lanes));
            TVec x = TOps.Create(columnA);
            c00 = TOps.MultiplyAdd(x, y0, c00);
            c01 = TOps.MultiplyAdd(x, y1, c01);
            c02 = TOps.MultiplyAdd(x, y2, c02);
            c03 = TOps.MultiplyAdd(x, y3, c03);
            x = TOps.Create(Unsafe.Add(ref columnA, rowStride));
            c10 = TOps.MultiplyAdd(x, y0, c10);
            c11 = TOps.MultiplyAdd(x, y1, c11);
            c12 = TOps.MultiplyAdd(x, y2, c12);
            c13 = TOps.MultiplyAdd(x, y3, c13);
            x = TOps.Create(Unsafe.Add(ref columnA, 2 * rowStride));
            c20 = TOps.MultiplyAdd(x, y0, c20);
            c21 = TOps.MultiplyAdd(x, y1, c21);
            c22 = TOps.MultiplyAdd(x, y2, c22);
            c23 = TOps.MultiplyAdd(x, y3, c23);
            x = TOps.Create(Unsafe.Add(ref columnA, 3 * rowStride));
            c30 = TOps.MultiplyAdd(x, y0, c30);
            c31 = TOps.MultiplyAdd(x, y1, c31);
            c32 = TOps.MultiplyAdd(x, y2, c32);
            c33 = TOps.MultiplyAdd(x, y3, c33);
            rowB = ref Unsafe.Add(ref rowB, ldb);
            columnA = ref Unsafe.Add(ref columnA, colStride);
        }

        StoreRow<TOps, TVec>(c00, c01, c02, c03, ref c, add);
        StoreRow<TOps, TVec>(c10, c11, c12, c13, ref Unsafe.Add(ref c, ldc), add);
        StoreRow<TOps, TVec>(c20, c21, c22, c23, ref Unsafe.Add(ref c, 2 * ldc), add);
        StoreRow<TOps, TVec>(c30, c31, c32, c33, ref Unsafe.Add(ref c, 3 * ldc), add);
    }

    /// <summary>C[0, 0..4·Lanes] (+)= Σ_p Â[0, p]·B[p, 0..4·Lanes]: rows left over when m is not a multiple of 4.</summary>
    private static void Tile1x4<TOps, TVec>(ref float a, nint colStride, ref float b, nint ldb, int length, ref float c, bool add)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        TVec c0 = TOps.Zero, c1 = TOps.Zero, c2 = TOps.Zero, c3 = TOps.Zero;
        nint lanes = TOps.Lanes;
        ref float rowB = ref b;
        ref float columnA = ref a;
        for (int p = 0; p < length; p++)
        {
            TVec x = TOps.Create(columnA);
            c0 = TOps.MultiplyAdd(x, TOps.Load(ref rowB), c0);
            c1 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref rowB, lanes)), c1);
            c2 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref rowB, 2 * lanes)), c2);
            c3 = TOps.MultiplyAdd(x, TOps.Load(ref Unsafe.Add(ref rowB, 3 * lanes)), c3);
            rowB = ref Unsafe.Add(ref rowB, ldb);
            columnA = ref Unsafe.Add(ref columnA, colStride);
        }

        StoreRow<TOps, TVec>(c0, c1, c2, c3, ref c, add);
    }

    /// <summary>C[0..4, 0..Lanes] (+)= Σ_p Â[0..4, p] ⊗ B[p, 0..Lanes], writing only the lanes in <paramref name="mask"/>.</summary>
    private static void Tile4x1<TOps, TVec>(ref float a, nint rowStride, nint colStride, ref float b, nint ldb, int length, ref float c, nint ldc, bool add, TVec mask)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        TVec c0 = TOps.Zero, c1 = TOps.Zero, c2 = TOps.Zero, c3 = TOps.Zero;
        ref float rowB = ref b;
        ref float columnA = ref a;
        for (int p = 0; p < length; p++)
        {
            TVec y = TOps.Load(ref rowB);
            c0 = TOps.MultiplyAdd(TOps.Create(columnA), y, c0);
            c1 = TOps.MultiplyAdd(TOps.Create(Unsafe.Add(ref columnA, rowStride)), y, c1);
            c2 = TOps.MultiplyAdd(TOps.Create(Unsafe.Add(ref columnA, 2 * rowStride)), y, c2);
            c3 = TOps.MultiplyAdd(TOps.Create(Unsafe.Add(ref columnA, 3 * rowStride)), y, c3);
            rowB = ref Unsafe.Add(ref rowB, ldb);
            columnA = ref Unsafe.Add(ref columnA, colStride);
        }

        StoreMasked<TOps, TVec>(c0, ref c, add, mask);
        StoreMasked<TOps, TVec>(c1, ref Unsafe.Add(ref c, ldc), add, mask);
        StoreMasked<TOps, TVec>(c2, ref Unsafe.Add(ref c, 2 * ldc), add, mask);
        StoreMasked<TOps, TVec>(c3, ref Unsafe.Add(ref c, 3 * ldc), add, mask);
    }

    /// <summary>C[0, 0..Lanes] (+)= Σ_p Â[0, p]·B[p, 0..Lanes], writing only the lanes in <paramref name="mask"/>.</summary>
    private static void Tile1x1<TOps, TVec>(ref float a, nint colStride, ref float b, nint ldb, int length, ref float c, bool add, TVec mask)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        TVec sum = TOps.Zero;
        ref float rowB = ref b;
        ref float columnA = ref a;
        for (int p = 0; p < length; p++)
        {
            sum = TOps.MultiplyAdd(TOps.Create(columnA), TOps.Load(ref rowB), sum);
            rowB = ref Unsafe.Add(ref rowB, ldb);
            columnA = ref Unsafe.Add(ref columnA, colStride);
        }

        StoreMasked<TOps, TVec>(sum, ref c, add, mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TOps, TVec>(TVec v0, TVec v1, TVec v2, TVec v3, ref float c, bool add)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        nint lanes = TOps.Lanes;
        ref float c1 = ref Unsafe.Add(ref c, lanes);
        ref float c2 = ref Unsafe.Add(ref c, 2 * lanes);
        ref float c3 = ref Unsafe.Add(ref c, 3 * lanes);
        if (add)
        {
            v0 = TOps.Add(TOps.Load(ref c), v0);
            v1 = TOps.Add(TOps.Load(ref c1), v1);
            v2 = TOps.Add(TOps.Load(ref c2), v2);
            v3 = TOps.Add(TOps.Load(ref c3), v3);
        }

        TOps.Store(v0, ref c);
        TOps.Store(v1, ref c1);
        TOps.Store(v2, ref c2);
        TOps.Store(v3, ref c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreMasked<TOps, TVec>(TVec value, ref float c, bool add, TVec mask)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        TVec old = TOps.Load(ref c);
        TOps.Store(TOps.Select(mask, add ? TOps.Add(old, value) : value, old), ref c);
    }
}
