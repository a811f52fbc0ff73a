using System;
using System.ComponentModel;

namespace RnnGen;

/// <summary>
/// Parameters of an LSTM layer, laid out as PyTorch's <c>torch.nn.LSTM</c> with gate order i, f, g, o:
/// <c>weight_ih [4H, I]</c>, <c>weight_hh [4H, H]</c>, <c>bias_ih [4H]</c>, <c>bias_hh [4H]</c>, then, for a peephole
/// layer, <c>peephole [3, H]</c> (rows p_i, p_f, p_o). A layer with coupled input and forget gates has no input gate:
/// three gates f, g, o (<c>[3H, ·]</c> tensors) and <c>peephole [2, H]</c> (rows p_f, p_o). A bidirectional layer has
/// the same tensors again for the reverse direction (<c>weight_ih_reverse</c>, ..., <c>peephole_reverse</c>).
/// </summary>
public sealed class LstmLayer : Layer
{
    /// <summary>Creates the view; called by generated code.</summary>
    /// <param name="name">Layer name.</param>
    /// <param name="arena">The model's parameter arena.</param>
    /// <param name="offset">Offset of <c>weight_ih</c>.</param>
    /// <param name="inputSize">Input features per step, <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units, <c>H</c>.</param>
    /// <param name="peephole">Whether the gates see the cell state.</param>
    /// <param name="coupledInputForget">Whether <c>i = 1 − f</c> (no input-gate weights).</param>
    /// <param name="bidirectional">Whether the layer runs in both directions.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public LstmLayer(string name, float[] arena, int offset, int inputSize, int hiddenSize, bool peephole, bool coupledInputForget, bool bidirectional = false)
        : base(name, arena, offset, (bidirectional ? 2 : 1) * ParameterCountOf(inputSize, hiddenSize, peephole, coupledInputForget))
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        Peephole = peephole;
        CoupledInputForget = coupledInputForget;
        Bidirectional = bidirectional;
    }

    /// <summary>Input features per step, <c>I</c>.</summary>
    public int InputSize { get; }

    /// <summary>Hidden units, <c>H</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>Whether the layer has peephole connections.</summary>
    public bool Peephole { get; }

    /// <summary>Whether the input gate is tied to the forget gate, <c>i = 1 − f</c>.</summary>
    public bool CoupledInputForget { get; }

    /// <summary>
    /// Whether the layer runs in both directions (<see cref="BidirectionalAttribute"/>): the reverse direction's
    /// tensors, named with PyTorch's <c>_reverse</c> suffix, follow the forward direction's in the same order.
    /// </summary>
    public bool Bidirectional { get; }

    /// <summary>Number of directions: 1, or 2 for a bidirectional layer (whose output is <c>[h→; h←]</c>, <c>2H</c> wide).</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Number of learned gates: 4 (i, f, g, o), or 3 (f, g, o) when the input gate is coupled.</summary>
    public int GateCount => GateCountOf(CoupledInputForget);

    /// <summary><c>W_ih</c>, <c>[G·H, I]</c> row-major, gate blocks in the order of <see cref="GateCount"/>.</summary>
    public Span<float> InputWeights => Slice(0, GateRows * InputSize);

    /// <summary><c>W_hh</c>, <c>[G·H, H]</c> row-major.</summary>
    public Span<float> RecurrentWeights => Slice(GateRows * InputSize, GateRows * HiddenSize);

    /// <summary><c>b_ih</c>, <c>[G·H]</c>.</summary>
    public Span<float> InputBias => Slice(GateRows * (InputSize + HiddenSize), GateRows);

    /// <summary><c>b_hh</c>, <c>[G·H]</c>.</summary>
    public Span<float> RecurrentBias => Slice((GateRows * (InputSize + HiddenSize)) + GateRows, GateRows);

    /// <summary>
    /// Peephole weights, <c>[3, H]</c> (rows p_i, p_f, p_o) or, coupled, <c>[2, H]</c> (rows p_f, p_o); empty for a
    /// layer without peepholes.
    /// </summary>
    public Span<float> PeepholeWeights => Peephole
        ? Slice(GateRows * (InputSize + HiddenSize + 2), PeepholeCountOf(CoupledInputForget) * HiddenSize)
        : Span<float>.Empty;

    /// <summary>The reverse direction's <c>W_ih</c>, <c>[G·H, I]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseInputWeights => ReverseSlice(Bidirectional, DirectionCount, 0, GateRows * InputSize);

    /// <summary>The reverse direction's <c>W_hh</c>, <c>[G·H, H]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseRecurrentWeights => ReverseSlice(Bidirectional, DirectionCount, GateRows * InputSize, GateRows * HiddenSize);

    /// <summary>The reverse direction's <c>b_ih</c>, <c>[G·H]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseInputBias => ReverseSlice(Bidirectional, DirectionCount, GateRows * (InputSize + HiddenSize), GateRows);

    /// <summary>The reverse direction's <c>b_hh</c>, <c>[G·H]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseRecurrentBias => ReverseSlice(Bidirectional, DirectionCount, (GateRows * (InputSize + HiddenSize)) + GateRows, GateRows);

    /// <summary>The reverse direction's peephole weights, laid out as <see cref="PeepholeWeights"/>; empty unless both <see cref="Bidirectional"/> and <see cref="Peephole"/>.</summary>
    public Span<float> ReversePeepholeWeights => Peephole
        ? ReverseSlice(Bidirectional, DirectionCount, GateRows * (InputSize + HiddenSize + 2), PeepholeCountOf(CoupledInputForget) * HiddenSize)
        : Span<float>.Empty;

    private int GateRows => GateCount * HiddenSize;

    private int DirectionCount => ParameterCountOf(InputSize, HiddenSize, Peephole, CoupledInputForget);

    /// <summary>Number of learned gates: 4, or 3 with coupled input and forget gates.</summary>
    public static int GateCountOf(bool coupledInputForget) => coupledInputForget ? 3 : 4;

    /// <summary>Number of peephole vectors: 3 (i, f, o), or 2 (f, o) with coupled input and forget gates.</summary>
    public static int PeepholeCountOf(bool coupledInputForget) => coupledInputForget ? 2 : 3;

    /// <summary>
    /// Number of parameters of one direction of an LSTM layer: <c>G·H·(I + H + 2)</c>, plus <c>P·H</c> peephole weights, with
    /// <c>G</c> = <see cref="GateCountOf"/> and <c>P</c> = <see cref="PeepholeCountOf"/>.
    /// </summary>
    public static int ParameterCountOf(int inputSize, int hiddenSize, bool peephole, bool coupledInputForget) =>
        (GateCountOf(coupledInputForget) * hiddenSize * (inputSize + hiddenSize + 2))
        + (peephole ? PeepholeCountOf(coupledInputForget) * hiddenSize : 0);
}
