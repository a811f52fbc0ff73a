using System;
using System.ComponentModel;

namespace RnnGen;

/// <summary>
/// Parameters of an Elman layer, laid out as PyTorch's <c>torch.nn.RNN</c>:
/// <c>weight_ih [H, I]</c>, <c>weight_hh [H, H]</c>, <c>bias_ih [H]</c>, <c>bias_hh [H]</c>, in that order; a
/// bidirectional layer has the same four again for the reverse direction (<c>weight_ih_reverse</c>, ...).
/// </summary>
public sealed class SimpleRnnLayer : Layer
{
    /// <summary>Creates the view; called by generated code.</summary>
    /// <param name="name">Layer name.</param>
    /// <param name="arena">The model's parameter arena.</param>
    /// <param name="offset">Offset of <c>weight_ih</c>.</param>
    /// <param name="inputSize">Input features per step, <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units, <c>H</c>.</param>
    /// <param name="activation">The layer's nonlinearity.</param>
    /// <param name="bidirectional">Whether the layer runs in both directions.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public SimpleRnnLayer(string name, float[] arena, int offset, int inputSize, int hiddenSize, RnnActivation activation, bool bidirectional = false)
        : base(name, arena, offset, (bidirectional ? 2 : 1) * ParameterCountOf(inputSize, hiddenSize))
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Activation = activation;
        Bidirectional = bidirectional;
    }

    /// <summary>Input features per step, <c>I</c>.</summary>
    public int InputSize { get; }

    /// <summary>Hidden units, <c>H</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>The nonlinearity.</summary>
    public RnnActivation Activation { get; }

    /// <summary>
    /// Whether the layer runs in both directions (<see cref="BidirectionalAttribute"/>): the reverse direction's
    /// tensors, named with PyTorch's <c>_reverse</c> suffix, follow the forward direction's in the same order.
    /// </summary>
    public bool Bidirectional { get; }

    /// <summary>Number of directions: 1, or 2 for a bidirectional layer (whose output is <c>[h→; h←]</c>, <c>2H</c> wide).</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary><c>W_ih</c>, <c>[H, I]</c> row-major.</summary>
    public Span<float> InputWeights => Slice(0, HiddenSize * InputSize);

    /// <summary><c>W_hh</c>, <c>[H, H]</c> row-major.</summary>
    public Span<float> RecurrentWeights => Slice(HiddenSize * InputSize, HiddenSize * HiddenSize);

    /// <summary><c>b_ih</c>, <c>[H]</c>.</summary>
    public Span<float> InputBias => Slice(HiddenSize * (InputSize + HiddenSize), HiddenSize);

    /// <summary><c>b_hh</c>, <c>[H]</c>.</summary>
    public Span<float> RecurrentBias => Slice((HiddenSize * (InputSize + HiddenSize)) + HiddenSize, HiddenSize);

    /// <summary>The reverse direction's <c>W_ih</c>, <c>[H, I]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseInputWeights => ReverseSlice(Bidirectional, ParameterCountOf(InputSize, HiddenSize), 0, HiddenSize * InputSize);

    /// <summary>The reverse direction's <c>W_hh</c>, <c>[H, H]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseRecurrentWeights => ReverseSlice(Bidirectional, ParameterCountOf(InputSize, HiddenSize), HiddenSize * InputSize, HiddenSize * HiddenSize);

    /// <summary>The reverse direction's <c>b_ih</c>, <c>[H]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseInputBias => ReverseSlice(Bidirectional, ParameterCountOf(InputSize, HiddenSize), HiddenSize * (InputSize + HiddenSize), HiddenSize);

    /// <summary>The reverse direction's <c>b_hh</c>, <c>[H]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseRecurrentBias => ReverseSlice(Bidirectional, ParameterCountOf(InputSize, HiddenSize), (HiddenSize * (InputSize + HiddenSize)) + HiddenSize, HiddenSize);

    /// <summary>Number of parameters of one direction of an Elman layer: <c>H·I + H·H + 2H</c>.</summary>
    public static int ParameterCountOf(int inputSize, int hiddenSize) => hiddenSize * (inputSize + hiddenSize + 2);
}
