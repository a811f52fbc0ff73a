using System;

namespace RnnGen.Reference;

/// <summary>
/// How the reference layers handle variable lengths and the reverse direction: one sequence at a time. A batch of
/// <c>B</c> sequences with lengths <c>L_b</c> is, by definition, <c>B</c> separate runs over each sequence's own
/// <c>L_b</c> valid steps, read front to back or back to front; padded steps produce zeros and leave the state as
/// it was. Nothing is shared between sequences, so each run is the plain full-length reference on a batch of one.
/// </summary>
internal static class ReferenceSequences
{
    /// <summary>Valid steps of sequence <paramref name="b"/>: <c>lengths[b]</c>, or all when no lengths are given.</summary>
    public static int Length(int[]? lengths, int b, int steps)
    {
        int length = lengths is null ? steps : lengths[b];
        if (length < 1 || length > steps)
        {
            throw new ArgumentOutOfRangeException(nameof(lengths), $"Sequence {b} has length {length}; lengths must be in 1..{steps}.");
        }

        return length;
    }

    /// <summary>The time step the <paramref name="k"/>-th processed step reads: <c>k</c>, or <c>L − 1 − k</c> in reverse.</summary>
    public static int TimeOf(int k, int length, bool reverse) => reverse ? length - 1 - k : k;

    /// <summary>Sequence <paramref name="b"/>'s valid rows of <paramref name="sequence"/> <c>[T, B, width]</c>, in processing order, as <c>[L, 1, width]</c>.</summary>
    public static float[] Gather(float[] sequence, int b, int batch, int width, int length, bool reverse)
    {
        var part = new float[length * width];
        for (int k = 0; k < length; k++)
        {
            Array.Copy(sequence, ((TimeOf(k, length, reverse) * batch) + b) * width, part, k * width, width);
        }

        return part;
    }

    /// <summary>Writes <paramref name="part"/> <c>[L, 1, width]</c> (processing order) back to sequence <paramref name="b"/>'s rows of <paramref name="sequence"/>.</summary>
    public static void Scatter(float[] part, float[] sequence, int b, int batch, int width, int length, bool reverse)
    {
        for (int k = 0; k < length; k++)
        {
            Array.Copy(part, k * width, sequence, ((TimeOf(k, length, reverse) * batch) + b) * width, width);
        }
    }

    /// <summary>Row <paramref name="b"/> of a <c>[B, width]</c> state.</summary>
    public static float[] Row(float[] rows, int b, int width) => rows.AsSpan(b * width, width).ToArray();

    /// <summary>Writes <paramref name="row"/> as row <paramref name="b"/> of a <c>[B, width]</c> state.</summary>
    public static void SetRow(float[] row, float[] rows, int b) => row.CopyTo(rows, b * row.Length);

    /// <summary><c>sum += part</c>, in double precision.</summary>
    public static void Accumulate(double[] sum, float[] part)
    {
        for (int i = 0; i < part.Length; i++)
        {
            sum[i] += part[i];
        }
    }

    public static float[] ToFloat(double[] v)
    {
        var f = new float[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            f[i] = (float)v[i];
        }

        return f;
    }
}
