using System;
using System.ComponentModel;

namespace RnnGen;

/// <summary>
/// Parameters of an embedding, laid out as PyTorch's <c>torch.nn.Embedding</c>: <c>weight [V, E]</c>, row <c>v</c>
/// being the vector of token id <c>v</c>.
/// </summary>
public sealed class EmbeddingLayer : Layer
{
    /// <summary>Creates the view; called by generated code.</summary>
    /// <param name="name">Layer name.</param>
    /// <param name="arena">The model's parameter arena.</param>
    /// <param name="offset">Offset of <c>weight</c>.</param>
    /// <param name="vocabularySize">Token ids, <c>V</c>.</param>
    /// <param name="size">Features per token, <c>E</c>.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public EmbeddingLayer(string name, float[] arena, int offset, int vocabularySize, int size)
        : base(name, arena, offset, ParameterCountOf(vocabularySize, size))
    {
        VocabularySize = vocabularySize;
        Size = size;
    }

    /// <summary>Number of token ids, <c>V</c>; ids run from 0 to <c>V − 1</c>.</summary>
    public int VocabularySize { get; }

    /// <summary>Features per token, <c>E</c>.</summary>
    public int Size { get; }

    /// <summary>The table <c>E</c>, <c>[V, E]</c> row-major.</summary>
    public Span<float> Weights => Slice(0, VocabularySize * Size);

    /// <summary>The vector of one token id, <c>[E]</c>.</summary>
    /// <param name="token">A token id in <c>0..V−1</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="token"/> is outside the vocabulary.</exception>
    public Span<float> Vector(int token)
    {
        if ((uint)token >= (uint)VocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token id {token} is outside the vocabulary of layer '{Name}': ids run from 0 to {VocabularySize - 1}.");
        }

        return Slice(token * Size, Size);
    }

    /// <summary>Number of parameters of an embedding: <c>V·E</c>.</summary>
    public static int ParameterCountOf(int vocabularySize, int size) => vocabularySize * size;
}
