using System;

namespace RnnGen;

/// <summary>
/// Marks a <c>partial</c> class as a recurrent network. Its layers are the properties that carry a
/// layer attribute (<see cref="SimpleRnnAttribute"/>, <see cref="DenseAttribute"/>, ...), applied in
/// declaration order. The source generator emits the forward pass, backpropagation through time, a
/// workspace and a trainer for exactly that network.
/// </summary>
/// <example>
/// <code>
/// [RnnModel(InputSize = 8)]
/// public partial class Tagger
/// {
///     [SimpleRnn(hidden: 32)]
///     public partial SimpleRnnLayer Encoder { get; }
///
///     [Dense(5), Softmax]
///     public partial DenseLayer Output { get; }
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RnnModelAttribute : Attribute
{
    /// <summary>
    /// Number of input features per time step: the model reads inputs laid out as <c>[T, B, InputSize]</c>.
    /// Required unless the first layer is an <see cref="EmbeddingAttribute">[Embedding]</see>: such a model reads one token id
    /// per step, <c>[T, B]</c>, and must leave this unset (its generated <c>InputSize</c> constant is 1).
    /// </summary>
    public int InputSize { get; set; }

    /// <summary>
    /// Declares that the model is meant to run over a live stream, one time step per call, with the generated
    /// <c>Step(State, input, output)</c> and a <c>State</c> per stream that carries every recurrent layer's state from
    /// one call to the next. Every recurrent layer of such a model must be unidirectional, since a step cannot see the
    /// future. <c>Step</c> and <c>State</c> are generated for every model whose recurrent layers are unidirectional,
    /// whether or not this is set; setting it records the intent.
    /// </summary>
    public bool Streaming { get; set; }
}
