using System;

namespace RnnGen.Kernels;

/// <summary>
/// Moves time-major rows around for variable-length batches and bidirectional layers: masking what lies past a
/// sequence's end, reading each sequence's last state, reversing each sequence in time, and copying rows into
/// and out of a wider row (the two halves of <c>[h→; h←]</c>).
/// </summary>
/// <remarks>
/// Layouts are time-major, <c>[T, B, width]</c>: row <c>(t, b)</c> starts at <c>(t·B + b)·stride</c>. Sequence
/// <c>b</c> has <c>lengths[b]</c> valid steps, <c>0 … lengths[b] − 1</c>, in <c>1 … T</c>; an empty
/// <c>lengths</c> span everywhere means every sequence has all <c>T</c> steps, so the full-length path
/// costs nothing extra. Lengths are checked once by the generated <c>Forward</c> (see <see cref="Training.ShapeCheck"/>),
/// not here.
/// </remarks>
public static class Sequences
{
    /// <summary>Sets row <c>b</c> of <paramref name="rows"/> <c>[B, width]</c> to zero for every sequence that has ended before <paramref name="step"/> (<c>step ≥ lengths[b]</c>).</summary>
    /// <param name="rows">One step's rows, <c>[B, width]</c>.</param>
    /// <param name="lengths">Valid steps per sequence, <c>[B]</c>; empty means none has ended.</param>
    /// <param name="step">The step the rows belong to, from 0.</param>
    /// <param name="width">Values per row.</param>
    public static void ZeroEnded(Span<float> rows, ReadOnlySpan<int> lengths, int step, int width)
    {
        for (int b = 0; b < lengths.Length; b++)
        {
            if (step >= lengths[b])
            {
                rows.Slice(b * width, width).Clear();
            }
        }
    }

    /// <summary>Copies row <c>b</c> from <paramref name="source"/> to <paramref name="destination"/> (both <c>[B, width]</c>) for every sequence that has ended before <paramref name="step"/>.</summary>
    /// <param name="source">Rows to copy from, <c>[B, width]</c>.</param>
    /// <param name="destination">Rows to copy to, <c>[B, width]</c>.</param>
    /// <param name="lengths">Valid steps per sequence, <c>[B]</c>; empty means none has ended.</param>
    /// <param name="step">The step, from 0.</param>
    /// <param name="width">Values per row.</param>
    public static void CopyEnded(ReadOnlySpan<float> source, Span<float> destination, ReadOnlySpan<int> lengths, int step, int width)
    {
        for (int b = 0; b < lengths.Length; b++)
        {
            if (step >= lengths[b])
            {
                source.Slice(b * width, width).CopyTo(destination.Slice(b * width, width));
            }
        }
    }

    /// <summary>Sets every row past its sequence's end to zero in <paramref name="sequence"/> <c>[T, B, width]</c>.</summary>
    /// <param name="sequence">Rows <c>[T, B, width]</c>.</param>
    /// <param name="lengths">Valid steps per sequence, <c>[B]</c>; empty means all are full length (nothing to do).</param>
    /// <param name="steps">Steps <c>T</c>.</param>
    /// <param name="batch">Sequences <c>B</c>.</param>
    /// <param name="width">Values per row.</param>
    public static void ZeroPadding(Span<float> sequence, ReadOnlySpan<int> lengths, int steps, int batch, int width)
    {
        if (lengths.IsEmpty)
        {
            return;
        }

        CheckLength(sequence.Length, steps * batch * width, nameof(sequence));
        for (int t = 0; t < steps; t++)
        {
            ZeroEnded(sequence.Slice(t * batch * width, batch * width), lengths, t, width);
        }
    }

    /// <summary>
    /// Each sequence's last state: <c>last[b] = states[lengths[b]][b]</c> from <paramref name="states"/>
    /// <c>[T+1, B, width]</c> (entry 0 the initial state), or <c>states[T]</c> for all when the lengths are empty.
    /// </summary>
    /// <param name="states">States after each step, <c>[T+1, B, width]</c>.</param>
    /// <param name="last">Receives <c>[B, width]</c>.</param>
    /// <param name="lengths">Valid steps per sequence, <c>[B]</c>, or empty.</param>
    /// <param name="steps">Steps <c>T</c>.</param>
    /// <param name="batch">Sequences <c>B</c>.</param>
    /// <param name="width">Values per row.</param>
    public static void LastStates(ReadOnlySpan<float> states, Span<float> last, ReadOnlySpan<int> lengths, int steps, int batch, int width)
    {
        int block = batch * width;
        CheckLength(states.Length, (steps + 1) * block, nameof(states));
        CheckLength(last.Length, block, nameof(last));
        if (lengths.IsEmpty)
        {
            states.Slice(steps * block, block).CopyTo(last);
            return;
        }

        for (int b = 0; b < batch; b++)
        {
            states.Slice((lengths[b] * block) + (b * width), width).CopyTo(last.Slice(b * width, width));
        }
    }

    /// <summary>
    /// Reverses each sequence in time within its own length: row <c>(t, b)</c> of <paramref name="destination"/> becomes
    /// row <c>(L_b − 1 − t, b)</c> of <paramref name="source"/> for <c>t &lt; L_b</c>; rows past the end are set to zero
    /// (or, when accumulating, left as they are). Applied twice it gives the rows back, so the same call puts a reverse
    /// pass's input in its order and its output back in time order.
    /// </summary>
    /// <param name="source">Rows <c>[T, B, ·]</c>, <paramref name="width"/> values each, rows <paramref name="sourceStride"/> apart.</param>
    /// <param name="sourceStride">Distance between the starts of two source rows.</param>
    /// <param name="destination">Rows <c>[T, B, ·]</c>, rows <paramref name="destinationStride"/> apart.</param>
    /// <param name="destinationStride">Distance between the starts of two destination rows.</param>
    /// <param name="width">Values copied per row.</param>
    /// <param name="lengths">Valid steps per sequence, <c>[B]</c>, or empty for all <c>T</c>.</param>
    /// <param name="steps">Steps <c>T</c>.</param>
    /// <param name="batch">Sequences <c>B</c>.</param>
    /// <param name="accumulate">Add to the destination instead of overwriting it.</param>
    public static void Reverse(
        ReadOnlySpan<float> source, int sourceStride, Span<float> destination, int destinationStride, int width,
        ReadOnlySpan<int> lengths, int steps, int batch, bool accumulate)
    {
        int rows = steps * batch;
        CheckStrided(source.Length, sourceStride, width, rows, nameof(source));
        CheckStrided(destination.Length, destinationStride, width, rows, nameof(destination));
        for (int b = 0; b < batch; b++)
        {
            int length = lengths.IsEmpty ? steps : lengths[b];
            for (int t = 0; t < steps; t++)
            {
                var to = destination.Slice(((t * batch) + b) * destinationStride, width);
                if (t >= length)
                {
                    if (!accumulate)
                    {
                        to.Clear();
                    }

                    continue;
                }

                var from = source.Slice((((length - 1 - t) * batch) + b) * sourceStride, width);
                if (accumulate)
                {
                    Vec.Add(from, to);
                }
                else
                {
                    from.CopyTo(to);
                }
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="rows"/> rows of <paramref name="width"/> values between layouts with different row
    /// strides: <c>destination[r·destinationStride + j] = source[r·sourceStride + j]</c>. Writes one half of
    /// <c>[h→; h←]</c> or reads it back.
    /// </summary>
    /// <param name="source">Source rows.</param>
    /// <param name="sourceStride">Distance between the starts of two source rows.</param>
    /// <param name="destination">Destination rows.</param>
    /// <param name="destinationStride">Distance between the starts of two destination rows.</param>
    /// <param name="width">Values per row.</param>
    /// <param name="rows">Number of rows.</param>
    public static void CopyRows(ReadOnlySpan<float> source, int sourceStride, Span<float> destination, int destinationStride, int width, int rows)
    {
        CheckStrided(source.Length, sourceStride, width, rows, nameof(source));
        CheckStrided(destination.Length, destinationStride, width, rows, nameof(destination));
        for (int r = 0; r < rows; r++)
        {
            source.Slice(r * sourceStride, width).CopyTo(destination.Slice(r * destinationStride, width));
        }
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual < expected)
        {
            throw new ArgumentException($"Expected at least {expected} values, got {actual}.", name);
        }
    }

    private static void CheckStrided(int length, int stride, int width, int rows, string name)
    {
        if (width > stride || (rows > 0 && length < ((rows - 1) * stride) + width))
        {
            throw new ArgumentException($"{rows} rows of {width} values, {stride} apart, need {((rows - 1) * (long)stride) + width} values; got {length}.", name);
        }
    }
}
