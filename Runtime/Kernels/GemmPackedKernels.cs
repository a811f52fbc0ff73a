using System;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// <c>C = A·Bᵀ</c> for many rows of A: B is copied, transposed, one panel at a time into a per-thread buffer and
/// the outer-product tiles of <see cref="GemmOuterKernels"/> run over it. The copy is one pass over B per call,
/// shared by all m rows, so it pays once m is large (the dot-product tiles of
/// <see cref="GemmDotKernels"/> spend a fixed horizontal reduction on every 4×4 block of C instead).
/// </summary>
/// <remarks>
/// The buffer is <see cref="KChunk"/> × (<see cref="PanelColumns"/> + 15) floats (about 72 KB), allocated on a
/// thread's first call and reused by every later call on that thread; nothing is allocated after that.
/// </remarks>
internal static class GemmPackedKernels
{
    /// <summary>Rows of A from which packing B pays for itself (measured: the per-step product with 20 rows does not).</summary>
    public const int MinRows = 64;

    /// <summary>
    /// Columns of Bᵀ (rows of B) per panel: the packed panel (64 KiB) and the panel's columns of C for a few hundred
    /// rows stay in L2 while the rows of A and the k chunks pass. A block of C's columns that starts at a multiple of
    /// this runs the same panels as the whole product.
    /// </summary>
    public const int PanelColumns = 128;

    // Rows of Bᵀ per panel: the kernel's 4-register slice of it (KChunk × 64 floats, 32 KiB) stays in L1.
    private const int KChunk = 128;

    [ThreadStatic]
    private static float[]? t_panel;

    /// <summary>
    /// Allocates this thread's panel buffer if it has none. A product split over threads calls it on the calling thread
    /// first: which parts the caller runs itself depends on timing, so without it the caller's buffer could be allocated
    /// by a later product rather than the first.
    /// </summary>
    public static void EnsurePanel() => t_panel ??= new float[KChunk * (PanelColumns + 15)];

    /// <summary><c>C[m, n] (+)= A·Bᵀ</c> with C's rows <paramref name="ldc"/> apart (a block of columns of a wider C).</summary>
    public static void MatMulNT<TOps, TVec>(ref float a, ref float b, ref float c, nint ldc, int m, int n, int k, bool accumulate)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int lanes = TOps.Lanes;
        EnsurePanel();
        var panel = t_panel!;
        ref float packed = ref panel[0];
        for (int j0 = 0; j0 < n; j0 += PanelColumns)
        {
            // A last panel narrower than a register joins the one before (so every panel is at least Lanes wide).
            int columns = Math.Min(PanelColumns, n - j0);
            if (n - (j0 + columns) < lanes)
            {
                columns = n - j0;
            }

            // The k chunks run inside the panel so the panel's columns of C stay in cache between them.
            for (int p0 = 0; p0 < k; p0 += KChunk)
            {
                int length = Math.Min(KChunk, k - p0);
                Transpose(ref Unsafe.Add(ref b, ((nint)j0 * k) + p0), k, columns, length, ref packed);

                // Â(i, p) = A[i, p0 + p]; the packed panel is B[j0.., p0..]ᵀ with rows `columns` apart.
                GemmOuterKernels.Run<TOps, TVec>(ref Unsafe.Add(ref a, p0), k, 1, ref packed, columns, ref Unsafe.Add(ref c, j0), ldc, m, columns, length, accumulate || p0 > 0);
            }

            if (columns > PanelColumns)
            {
                break;
            }
        }
    }

    /// <summary><c>packed[p, j] = b[j, p]</c> for j &lt; <paramref name="columns"/>, p &lt; <paramref name="length"/>; b's rows are <paramref name="ldb"/> apart.</summary>
    private static void Transpose(ref float b, nint ldb, int columns, int length, ref float packed)
    {
        // Four source rows at a time: each read streams along a row of B, each write fills four adjacent floats.
        int j = 0;
        for (; j + 4 <= columns; j += 4)
        {
            ref float row0 = ref Unsafe.Add(ref b, j * ldb);
            ref float row1 = ref Unsafe.Add(ref row0, ldb);
            ref float row2 = ref Unsafe.Add(ref row0, 2 * ldb);
            ref float row3 = ref Unsafe.Add(ref row0, 3 * ldb);
            ref float target = ref Unsafe.Add(ref packed, j);
            for (int p = 0; p < length; p++)
            {
                target = Unsafe.Add(ref row0, p);
                Unsafe.Add(ref target, 1) = Unsafe.Add(ref row1, p);
                Unsafe.Add(ref target, 2) = Unsafe.Add(ref row2, p);
                Unsafe.Add(ref target, 3) = Unsafe.Add(ref row3, p);
                target = ref Unsafe.Add(ref target, columns);
            }
        }

        for (; j < columns; j++)
        {
            ref float row = ref Unsafe.Add(ref b, j * ldb);
            ref float target = ref Unsafe.Add(ref packed, j);
            for (int p = 0; p < length; p++)
            {
                target = Unsafe.Add(ref row, p);
                target = ref Unsafe.Add(ref target, columns);
            }
        }
    }
}
