using System;

namespace RnnGen.Samples.CharRnn;

/// <summary>
/// Cuts a text into <see cref="Streams"/> contiguous streams read side by side, <see cref="Window"/> steps
/// at a time: batch k holds steps [k·T, (k+1)·T) of every stream. Because stream b of batch k+1 continues
/// where stream b of batch k stopped, the trainer can carry each stream's hidden state across batches
/// (truncated backpropagation through time) and the model still sees the text in order.
/// </summary>
internal sealed class StreamBatches
{
    private readonly int[] _symbols;

    /// <summary>Splits <paramref name="symbols"/> (alphabet classes) into streams.</summary>
    public StreamBatches(int[] symbols, int streams, int window)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        _symbols = symbols;
        Streams = streams;
        Window = window;
        // Every input character needs the next one as its target, hence one character fewer.
        StreamLength = (symbols.Length - 1) / streams;
        if (StreamLength < 2)
        {
            throw new ArgumentException($"A text of {symbols.Length} characters is too short for {streams} streams.", nameof(symbols));
        }
    }

    /// <summary>Number of streams, the batch size <c>B</c>.</summary>
    public int Streams { get; }

    /// <summary>Steps per batch, <c>T</c>, the truncation length of backpropagation through time.</summary>
    public int Window { get; }

    /// <summary>Characters each stream reads per epoch.</summary>
    public int StreamLength { get; }

    /// <summary>Batches per epoch; the last may be shorter than <see cref="Window"/>.</summary>
    public int BatchCount => (StreamLength + Window - 1) / Window;

    /// <summary>Characters trained on per epoch.</summary>
    public int CharactersPerEpoch => StreamLength * Streams;

    /// <summary>
    /// Writes batch <paramref name="index"/>: one-hot inputs <c>[T, B, V]</c> (time-major) and the next
    /// character of each as the target <c>[T, B]</c>. Returns its number of steps.
    /// </summary>
    public int Fill(int index, Span<float> input, Span<int> targets)
    {
        int start = index * Window;
        int steps = Math.Min(Window, StreamLength - start);
        input.Slice(0, steps * Streams * Alphabet.Size).Clear();
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < Streams; b++)
            {
                int position = (b * StreamLength) + start + t;
                int row = (t * Streams) + b;
                input[(row * Alphabet.Size) + _symbols[position]] = 1f;
                targets[row] = _symbols[position + 1];
            }
        }

        return steps;
    }
}
