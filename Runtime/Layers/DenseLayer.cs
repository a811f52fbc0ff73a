using System;
using System.ComponentModel;

namespace RnnGen;

/// <summary>
/// Parameters of a dense layer, laid out as PyTorch's <c>torch.nn.Linear</c>:
/// <c>weight [O, I]</c> then <c>bias [O]</c>.
/// </summary>
public sealed class DenseLayer : Layer
{
    /// <summary>Creates the view; called by generated code.</summary>
    /// <param name="name">Layer name.</param>
    /// <param name="arena">The model's parameter arena.</param>
    /// <param name="offset">Offset of <c>weight</c>.</param>
    /// <param name="inputSize">Inputs, <c>I</c>.</param>
    /// <param name="outputSize">Outputs, <c>O</c>.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public DenseLayer(string name, float[] arena, int offset, int inputSize, int outputSize)
        : base(name, arena, offset, ParameterCountOf(inputSize, outputSize))
    {
        InputSize = inputSize;
        OutputSize = outputSize;
    }

    /// <summary>Inputs, <c>I</c>.</summary>
    public int InputSize { get; }

    /// <summary>Outputs, <c>O</c>.</summary>
    public int OutputSize { get; }

    /// <summary><c>W</c>, <c>[O, I]</c> row-major.</summary>
    public Span<float> Weights => Slice(0, OutputSize * InputSize);

    /// <summary><c>b</c>, <c>[O]</c>.</summary>
    public Span<float> Bias => Slice(OutputSize * InputSize, OutputSize);

    /// <summary>Number of parameters of a dense layer: <c>O·I + O</c>.</summary>
    public static int ParameterCountOf(int inputSize, int outputSize) => outputSize * (inputSize + 1);
}
