using System;

namespace RnnGen;

/// <summary>Nonlinearity of an Elman (simple) recurrent layer.</summary>
public enum RnnActivation
{
    /// <summary><c>s_t = tanh(U x_t + W s_{t-1} + b)</c>, the classic Elman network.</summary>
    Tanh = 0,

    /// <summary><c>s_t = max(0, U x_t + W s_{t-1} + b)</c>.</summary>
    Relu = 1,
}

/// <summary>Elementwise activation applied after a dense layer's affine map.</summary>
public enum DenseActivation
{
    /// <summary>No activation: <c>y = W x + b</c>.</summary>
    Linear = 0,

    /// <summary><c>y = tanh(W x + b)</c>.</summary>
    Tanh = 1,

    /// <summary><c>y = max(0, W x + b)</c>.</summary>
    Relu = 2,

    /// <summary><c>y = σ(W x + b)</c>.</summary>
    Sigmoid = 3,
}

/// <summary>
/// An Elman recurrent layer, <c>h_t = f(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)</c>, with the same
/// parameters at every step. Parameters are laid out as PyTorch's <c>torch.nn.RNN</c> lays them out.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class SimpleRnnAttribute : Attribute
{
    /// <summary>Declares an Elman layer with <paramref name="hidden"/> units.</summary>
    /// <param name="hidden">Number of hidden units (the size of <c>h_t</c>).</param>
    public SimpleRnnAttribute(int hidden) => Hidden = hidden;

    /// <summary>Number of hidden units.</summary>
    public int Hidden { get; }

    /// <summary>The nonlinearity <c>f</c>; <see cref="RnnActivation.Tanh"/> by default.</summary>
    public RnnActivation Activation { get; set; } = RnnActivation.Tanh;

    /// <summary>
    /// <see langword="true"/> (the default) passes <c>h_t</c> of every step to the next layer
    /// (many-to-many); <see langword="false"/> passes only the last step's <c>h_T</c> (many-to-one).
    /// </summary>
    public bool ReturnSequences { get; set; } = true;
}

/// <summary>
/// An embedding: the model reads one token id per step, <c>[T, B]</c> integers in <c>0..vocabulary−1</c>, and this layer
/// looks each one up in a table of one row per id, <c>x_t = E[token_t]</c>, passing
/// <c>[T, B, size]</c> on. Only the first layer of a model can be an embedding; such a model has no
/// <see cref="RnnModelAttribute.InputSize"/>. The table is laid out as PyTorch's <c>torch.nn.Embedding</c>,
/// <c>weight [vocabulary, size]</c>, and initialised as there, from <c>N(0, 1)</c>.
/// </summary>
/// <example>
/// <code>
/// [Embedding(vocabulary: 10_000, size: 200)]
/// public partial EmbeddingLayer Embed { get; }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class EmbeddingAttribute : Attribute
{
    /// <summary>Declares an embedding of <paramref name="vocabulary"/> token ids into vectors of <paramref name="size"/> features.</summary>
    /// <param name="vocabulary">Number of distinct token ids; ids run from 0 to <c>vocabulary − 1</c>.</param>
    /// <param name="size">Features of each token's vector.</param>
    public EmbeddingAttribute(int vocabulary, int size)
    {
        Vocabulary = vocabulary;
        Size = size;
    }

    /// <summary>Number of distinct token ids.</summary>
    public int Vocabulary { get; }

    /// <summary>Features of each token's vector.</summary>
    public int Size { get; }
}

/// <summary>
/// A fully connected layer, <c>y = act(W x + b)</c>. After a layer that yields a sequence it is applied
/// at every time step with the same weights.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a dense layer with <paramref name="units"/> outputs.</summary>
    /// <param name="units">Number of outputs.</param>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Number of outputs.</summary>
    public int Units { get; }

    /// <summary>Activation after the affine map; <see cref="DenseActivation.Linear"/> by default.</summary>
    public DenseActivation Activation { get; set; } = DenseActivation.Linear;
}

/// <summary>
/// Marks the last (output) dense layer as a softmax classifier: its outputs are class probabilities
/// and the trainer minimises softmax cross-entropy against integer class labels. Without it, the
/// output is used as is and the trainer minimises mean squared error.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class SoftmaxAttribute : Attribute
{
}
