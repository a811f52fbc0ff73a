using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace RnnGen.Training;

/// <summary>Argument checks used by generated code; each failure names the expected size.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ShapeCheck
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, int expected, string parameter, string shape)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, parameter, shape);
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <c>1 ≤ value ≤ max</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Range(int value, int max, string parameter, string what)
    {
        if (value < 1 || value > max)
        {
            ThrowRange(value, max, parameter, what);
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless <paramref name="lengths"/> holds one length per sequence
    /// (<paramref name="batch"/> values), each between 1 and <paramref name="steps"/>.
    /// </summary>
    public static void Lengths(ReadOnlySpan<int> lengths, int batch, int steps, string parameter)
    {
        if (lengths.Length != batch)
        {
            throw new ArgumentException($"Expected {batch} sequence lengths ([B], one per sequence) but the span has {lengths.Length}.", parameter);
        }

        for (int b = 0; b < lengths.Length; b++)
        {
            if (lengths[b] < 1 || lengths[b] > steps)
            {
                throw new ArgumentException($"Sequence {b} has length {lengths[b]}; every length must be between 1 and the number of steps, {steps}.", parameter);
            }
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> unless every token id in <paramref name="tokens"/>, laid out
    /// <c>[T, B]</c> with <paramref name="batch"/> sequences, is in <c>0..vocabularySize−1</c>. The message names the
    /// first id out of range, its step and sequence, and the vocabulary size.
    /// </summary>
    public static void Tokens(ReadOnlySpan<int> tokens, int batch, int vocabularySize, string parameter)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabularySize)
            {
                ThrowToken(tokens[i], i, batch, vocabularySize, parameter);
            }
        }
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="token"/> is in <c>0..vocabularySize−1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Token(int token, int vocabularySize, string parameter)
    {
        if ((uint)token >= (uint)vocabularySize)
        {
            ThrowToken(token, vocabularySize, parameter);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowToken(int token, int index, int batch, int vocabularySize, string parameter) =>
        throw new ArgumentOutOfRangeException(
            parameter,
            token,
            $"Token id {token} at {parameter}[{index}] (step {index / batch}, sequence {index % batch}) is outside the vocabulary: ids must be between 0 and {vocabularySize - 1} (vocabulary size {vocabularySize}).");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowToken(int token, int vocabularySize, string parameter) =>
        throw new ArgumentOutOfRangeException(
            parameter,
            token,
            $"Token id {token} is outside the vocabulary: ids must be between 0 and {vocabularySize - 1} (vocabulary size {vocabularySize}).");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int actual, int expected, string parameter, string shape) =>
        throw new ArgumentException($"Expected {expected} elements ({shape}) but the span has {actual}.", parameter);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowRange(int value, int max, string parameter, string what) =>
        throw new ArgumentOutOfRangeException(parameter, value, $"{what} must be between 1 and {max} (the workspace's maximum).");
}
