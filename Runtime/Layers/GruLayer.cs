using System;
using System.ComponentModel;

namespace RnnGen;

/// <summary>
/// Parameters of a GRU layer, laid out as PyTorch's <c>torch.nn.GRU</c> with gate order r, z, n:
/// <c>weight_ih [3H, I]</c>, <c>weight_hh [3H, H]</c>, <c>bias_ih [3H]</c>, <c>bias_hh [3H]</c>, in that order; a
/// bidirectional layer has the same four again for the reverse direction (<c>weight_ih_reverse</c>, ...).
/// </summary>
public sealed class GruLayer : Layer
{
    /// <summary>Creates the view; called by generated code.</summary>
    /// <param name="name">Layer name.</param>
    /// <param name="arena">The model's parameter arena.</param>
    /// <param name="offset">Offset of <c>weight_ih</c>.</param>
    /// <param name="inputSize">Input features per step, <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units, <c>H</c>.</param>
    /// <param name="resetAfter">Whether the reset gate acts after the recurrent product (PyTorch's form).</param>
    /// <param name="bidirectional">Whether the layer runs in both directions.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public GruLayer(string name, float[] arena, int offset, int inputSize, int hiddenSize, bool resetAfter, bool bidirectional = false)
        : base(name, arena, offset, (bidirectional ? 2 : 1) * ParameterCountOf(inputSize, hiddenSize))
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        ResetAfter = resetAfter;
        Bidirectional = bidirectional;
    }

    /// <summary>Input features per step, <c>I</c>.</summary>
    public int InputSize { get; }

    /// <summary>Hidden units, <c>H</c>.</summary>
    public int HiddenSize { get; }

    /// <summary>
    /// <see langword="true"/>: <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c> (PyTorch, cuDNN, ONNX
    /// <c>linear_before_reset = 1</c>); <see langword="false"/>: <c>n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)</c>
    /// (Cho et al. 2014, ONNX <c>linear_before_reset = 0</c>).
    /// </summary>
    public bool ResetAfter { get; }

    /// <summary>
    /// Whether the layer runs in both directions (<see cref="BidirectionalAttribute"/>): the reverse direction's
    /// tensors, named with PyTorch's <c>_reverse</c> suffix, follow the forward direction's in the same order.
    /// </summary>
    public bool Bidirectional { get; }

    /// <summary>Number of directions: 1, or 2 for a bidirectional layer (whose output is <c>[h→; h←]</c>, <c>2H</c> wide).</summary>
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary><c>W_ih</c>, <c>[3H, I]</c> row-major, gate blocks r, z, n.</summary>
    public Span<float> InputWeights => Slice(0, 3 * HiddenSize * InputSize);

    /// <summary><c>W_hh</c>, <c>[3H, H]</c> row-major, gate blocks r, z, n.</summary>
    public Span<float> RecurrentWeights => Slice(3 * HiddenSize * InputSize, 3 * HiddenSize * HiddenSize);

    /// <summary><c>b_ih</c>, <c>[3H]</c>.</summary>
    public Span<float> InputBias => Slice(3 * HiddenSize * (InputSize + HiddenSize), 3 * HiddenSize);

    /// <summary><c>b_hh</c>, <c>[3H]</c>.</summary>
    public Span<float> RecurrentBias => Slice((3 * HiddenSize * (InputSize + HiddenSize)) + (3 * HiddenSize), 3 * HiddenSize);

    /// <summary>The reverse direction's <c>W_ih</c>, <c>[3H, I]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseInputWeights => ReverseSlice(Bidirectional, ParameterCountOf(InputSize, HiddenSize), 0, 3 * HiddenSize * InputSize);

    /// <summary>The reverse direction's <c>W_hh</c>, <c>[3H, H]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseRecurrentWeights => ReverseSlice(Bidirectional, ParameterCountOf(InputSize, HiddenSize), 3 * HiddenSize * InputSize, 3 * HiddenSize * HiddenSize);

    /// <summary>The reverse direction's <c>b_ih</c>, <c>[3H]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseInputBias => ReverseSlice(Bidirectional, ParameterCountOf(InputSize, HiddenSize), 3 * HiddenSize * (InputSize + HiddenSize), 3 * HiddenSize);

    /// <summary>The reverse direction's <c>b_hh</c>, <c>[3H]</c>; empty unless <see cref="Bidirectional"/>.</summary>
    public Span<float> ReverseRecurrentBias => ReverseSlice(Bidirectional, ParameterCountOf(InputSize, HiddenSize), (3 * HiddenSize * (InputSize + HiddenSize)) + (3 * HiddenSize), 3 * HiddenSize);

    /// <summary>Number of parameters of one direction of a GRU layer: <c>3H·(I + H + 2)</c>.</summary>
    public static int ParameterCountOf(int inputSize, int hiddenSize) => 3 * hiddenSize * (inputSize + hiddenSize + 2);
}
