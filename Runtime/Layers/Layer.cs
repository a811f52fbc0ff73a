using System;
using System.ComponentModel;

namespace RnnGen;

/// <summary>
/// A view of one layer's parameters inside a generated model's parameter arena. Layers own no memory:
/// the spans they return alias the model's arena, so writing to them changes the model.
/// </summary>
public abstract class Layer
{
    private readonly float[] _arena;

    /// <summary>Creates a view of <paramref name="count"/> parameters at <paramref name="offset"/>.</summary>
    /// <param name="name">The layer's name (the property name in the model class).</param>
    /// <param name="arena">The model's parameter arena.</param>
    /// <param name="offset">Offset of the layer's first parameter.</param>
    /// <param name="count">Number of parameters of the layer.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected Layer(string name, float[] arena, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(arena);
        if (offset < 0 || count < 0 || offset + count > arena.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"Layer '{name}' needs parameters [{offset}, {offset + count}) but the arena holds {arena.Length}.");
        }

        Name = name;
        _arena = arena;
        Offset = offset;
        ParameterCount = count;
    }

    /// <summary>The layer's name, as declared in the model class.</summary>
    public string Name { get; }

    /// <summary>Offset of the layer's first parameter in the model's parameter arena.</summary>
    public int Offset { get; }

    /// <summary>Number of trainable parameters of the layer.</summary>
    public int ParameterCount { get; }

    /// <summary>
    /// The model's parameter version, told of every writable span this view hands out (the caller may write through
    /// it), so that the model's streaming copy of the weights is rebuilt before its next step. Set by generated code.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ParameterVersion? ParameterVersion { get; init; }

    /// <summary>All parameters of the layer, in arena order.</summary>
    public Span<float> Parameters => Slice(0, ParameterCount);

    /// <summary>A slice of the layer's parameters, <paramref name="start"/> relative to the layer.</summary>
    protected Span<float> Slice(int start, int length)
    {
        ParameterVersion?.Changed();
        return _arena.AsSpan(Offset + start, length);
    }

    /// <summary>
    /// A slice of the reverse direction's parameters of a bidirectional layer, whose tensors follow the forward
    /// direction's <paramref name="directionCount"/> parameters in the same order; empty for one direction.
    /// </summary>
    protected Span<float> ReverseSlice(bool bidirectional, int directionCount, int start, int length) =>
        bidirectional ? Slice(directionCount + start, length) : Span<float>.Empty;
}
