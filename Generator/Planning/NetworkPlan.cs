using RnnGen.Generator.Model;

namespace RnnGen.Generator.Planning;

/// <summary>One parameter tensor at a fixed arena offset.</summary>
/// <param name="Name">Tensor name inside its layer, PyTorch style (<c>weight_ih</c>).</param>
/// <param name="Symbol">The equation symbol it stands for (<c>W_ih</c>).</param>
/// <param name="OffsetConstant">Name of the generated offset constant (<c>Rnn_WeightIh</c>).</param>
/// <param name="Offset">Offset in the parameter (and gradient) arena.</param>
/// <param name="Shape">Row-major shape.</param>
/// <param name="InitBound">Initialisation draws from U(−bound, bound), or from N(0, bound²) when <see cref="Normal"/>.</param>
internal sealed record TensorPlan(string Name, string Symbol, string OffsetConstant, int Offset, EquatableArray<int> Shape, float InitBound)
{
    /// <summary>Whether the tensor belongs to the reverse direction of a bidirectional layer (named <c>..._reverse</c>).</summary>
    public bool Reverse { get; init; }

    /// <summary>Whether initialisation draws from the normal distribution N(0, <see cref="InitBound"/>²) rather than a uniform one.</summary>
    public bool Normal { get; init; }

    /// <summary>The symbol as equations write it: <c>W_ih</c>, or <c>W_ih←</c> for the reverse direction.</summary>
    public string DisplaySymbol => Reverse ? Symbol + "←" : Symbol;

    public int Length
    {
        get
        {
            int n = 1;
            foreach (var d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>A layer with its sizes resolved and its parameters placed.</summary>
/// <param name="Spec">The layer as declared.</param>
/// <param name="Index">Position in the model.</param>
/// <param name="InputSize">Features the layer reads per row; for an embedding, its vocabulary (each row reads one id).</param>
/// <param name="OutputSize">Features the layer writes per row: its units, or <c>2H</c> for a bidirectional layer.</param>
/// <param name="InputIsSequence">Whether its input has a time axis (<c>[T, B, I]</c>) or not (<c>[B, I]</c>).</param>
/// <param name="OutputIsSequence">Whether its output has a time axis.</param>
/// <param name="ParameterOffset">Arena offset of the layer's first parameter.</param>
/// <param name="ParameterCount">Number of parameters.</param>
/// <param name="Tensors">The layer's parameter tensors in arena order.</param>
internal sealed record LayerPlan(
    LayerSpec Spec,
    int Index,
    int InputSize,
    int OutputSize,
    bool InputIsSequence,
    bool OutputIsSequence,
    int ParameterOffset,
    int ParameterCount,
    EquatableArray<TensorPlan> Tensors)
{
    public string Name => Spec.Name;

    /// <summary>Number of directions: 2 for a bidirectional recurrent layer, else 1.</summary>
    public int Directions => Spec.IsRecurrent && Spec.Bidirectional ? 2 : 1;

    /// <summary>Hidden units of one direction of a recurrent layer (<c>H</c>); the outputs of a dense layer.</summary>
    public int HiddenSize => Spec.Size;

    /// <summary>The tensors of one direction (0 forward, 1 reverse), in arena order.</summary>
    public EquatableArray<TensorPlan> DirectionTensors(int direction)
    {
        var list = new System.Collections.Generic.List<TensorPlan>();
        foreach (var t in Tensors)
        {
            if (t.Reverse == (direction == 1))
            {
                list.Add(t);
            }
        }

        return new EquatableArray<TensorPlan>(list);
    }
}

/// <summary>
/// The model with every size and offset fixed: what the emitter writes as constants.
/// </summary>
/// <param name="Spec">The model as declared.</param>
/// <param name="Layers">Planned layers in order.</param>
/// <param name="InputSize">Input features per step; 1 (one token id) when the first layer is an embedding.</param>
/// <param name="OutputSize">Output features per row.</param>
/// <param name="OutputIsSequence">Whether the model outputs a row per step (<c>[T, B, O]</c>) or per sequence (<c>[B, O]</c>).</param>
/// <param name="Output">How the output is read and trained.</param>
/// <param name="ParameterCount">Size of the parameter arena.</param>
internal sealed record NetworkPlan(
    NetworkSpec Spec,
    EquatableArray<LayerPlan> Layers,
    int InputSize,
    int OutputSize,
    bool OutputIsSequence,
    OutputKind Output,
    int ParameterCount)
{
    /// <summary>Whether the first layer is an embedding, so the model reads token ids <c>[T, B]</c>.</summary>
    public bool ReadsTokens => Spec.ReadsTokens;

    /// <summary>The embedding's vocabulary when <see cref="ReadsTokens"/>; 0 otherwise.</summary>
    public int VocabularySize => ReadsTokens ? Layers[0].InputSize : 0;
}
