using System;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>The kernel a product runs, chosen once from the whole product's shape (so every part runs the same one).</summary>
internal enum GemmKernel : byte
{
    PackedNT512,
    PackedNT256,
    DotNT512,
    DotNT256,
    DotNT128,
    DotNTScalar,
    Outer512,
    Outer256,
    Outer128,
    OuterScalar,
}

/// <summary>
/// One product cut into <see cref="Parts"/> blocks of C's rows (or columns), for <see cref="KernelWorkers"/>. Block
/// boundaries fall on the kernel's tile (or panel) boundaries, so each element of C is computed exactly as in the
/// whole product. Holds raw pointers: valid only while the caller that pinned the operands waits for the parts.
/// </summary>
internal readonly unsafe struct GemmTask
{
    private readonly float* _a;
    private readonly float* _b;
    private readonly float* _c;
    private readonly nint _rowStride;
    private readonly nint _colStride;
    private readonly int _m;
    private readonly int _n;
    private readonly int _k;
    private readonly int _align;
    private readonly int _minWidth;
    private readonly GemmKernel _kernel;
    private readonly bool _accumulate;
    private readonly bool _columns;

    private GemmTask(GemmKernel kernel, float* a, nint rowStride, nint colStride, float* b, float* c, int m, int n, int k, bool accumulate, int parts, bool columns, int align, int minWidth)
    {
        _kernel = kernel;
        _a = a;
        _rowStride = rowStride;
        _colStride = colStride;
        _b = b;
        _c = c;
        _m = m;
        _n = n;
        _k = k;
        _accumulate = accumulate;
        Parts = parts;
        _columns = columns;
        _align = align;
        _minWidth = minWidth;
    }

    /// <summary>Blocks of C, some of which may be empty.</summary>
    public int Parts { get; }

    /// <summary>
    /// Runs the product with up to <paramref name="threads"/> threads and returns true, or returns false (having done
    /// nothing) when the shape does not split into at least two blocks or another thread's product holds the workers.
    /// </summary>
    public static bool TryRunSplit(GemmKernel kernel, ref float a, nint rowStride, nint colStride, ref float b, ref float c, int m, int n, int k, bool accumulate, int threads)
    {
        if (kernel <= GemmKernel.PackedNT256)
        {
            // The caller's own panel buffer, now rather than on whichever later product first hands it a part.
            GemmPackedKernels.EnsurePanel();
        }

        // Rows: any block of rows starting at a multiple of 4 meets the same 4-row tiles (and the same last rows).
        double rowShare = LargestShare(m, threads, 4, 1);

        // Columns: the dot-product tiles are 4 columns wide; the outer-product kernels work in panels of 4 registers
        // and end on one overlapping register, so a block starts at a panel and the last one is a register wide;
        // the packed kernel's panels are PanelColumns wide.
        int lanes = Lanes(kernel);
        (int align, int minWidth) = kernel switch
        {
            <= GemmKernel.PackedNT256 => (GemmPackedKernels.PanelColumns, lanes),
            <= GemmKernel.DotNTScalar => (4, 1),
            _ => (4 * lanes, lanes),
        };
        double columnShare = LargestShare(n, threads, align, minWidth);

        // Columns win ties: each thread then reads only its own rows of B (and packs only those, for the packed kernel,
        // where rows of C would have every thread pack all of B, so columns are preferred a little more).
        double preference = kernel <= GemmKernel.PackedNT256 ? 0.1 : 0;
        bool columns = columnShare <= rowShare + preference;
        double share = columns ? columnShare : rowShare;
        if (share >= 1)
        {
            return false;
        }

        fixed (float* pa = &a)
        {
            fixed (float* pb = &b)
            {
                fixed (float* pc = &c)
                {
                    var task = columns
                        ? new GemmTask(kernel, pa, rowStride, colStride, pb, pc, m, n, k, accumulate, threads, true, align, minWidth)
                        : new GemmTask(kernel, pa, rowStride, colStride, pb, pc, m, n, k, accumulate, threads, false, 4, 1);
                    return KernelWorkers.TryRun(task);
                }
            }
        }
    }

    /// <summary>Computes block <paramref name="part"/> of C.</summary>
    public void RunPart(int part)
    {
        int total = _columns ? _n : _m;
        int start = Boundary(part, Parts, total, _align, _minWidth);
        int end = Boundary(part + 1, Parts, total, _align, _minWidth);
        if (end <= start)
        {
            return;
        }

        ref float a = ref Unsafe.AsRef<float>(_a);
        ref float b = ref Unsafe.AsRef<float>(_b);
        ref float c = ref Unsafe.AsRef<float>(_c);
        if (_columns)
        {
            Gemm.RunBlock(_kernel, ref a, _rowStride, _colStride, ref b, ref c, _m, _n, _k, _accumulate, 0, _m, start, end - start);
        }
        else
        {
            Gemm.RunBlock(_kernel, ref a, _rowStride, _colStride, ref b, ref c, _m, _n, _k, _accumulate, start, end - start, 0, _n);
        }
    }

    /// <summary>Registers' width in floats of a kernel.</summary>
    public static int Lanes(GemmKernel kernel) => kernel switch
    {
        GemmKernel.PackedNT512 or GemmKernel.DotNT512 or GemmKernel.Outer512 => 16,
        GemmKernel.PackedNT256 or GemmKernel.DotNT256 or GemmKernel.Outer256 => 8,
        GemmKernel.DotNT128 or GemmKernel.Outer128 => 4,
        _ => 1,
    };

    /// <summary>
    /// Where block <paramref name="q"/> of <paramref name="parts"/> starts: the even share rounded to a multiple of
    /// <paramref name="align"/>; a last block narrower than <paramref name="minWidth"/> joins the one before it.
    /// </summary>
    internal static int Boundary(int q, int parts, int total, int align, int minWidth)
    {
        if (q >= parts)
        {
            return total;
        }

        long unit = (long)parts * align;
        int start = (int)Math.Min(total, (((long)total * q) + (unit / 2)) / unit * align);
        return total - start < minWidth ? total : start;
    }

    /// <summary>The largest block's share of <paramref name="total"/> (1 when nothing splits).</summary>
    private static double LargestShare(int total, int parts, int align, int minWidth)
    {
        int largest = 0;
        for (int q = 0; q < parts; q++)
        {
            largest = Math.Max(largest, Boundary(q + 1, parts, total, align, minWidth) - Boundary(q, parts, total, align, minWidth));
        }

        return (double)largest / total;
    }
}
