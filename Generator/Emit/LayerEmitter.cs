using System;
using System.Collections.Generic;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit;

/// <summary>A buffer a layer needs in the workspace.</summary>
/// <param name="Field">Member name (<c>Rnn_H</c>).</param>
/// <param name="Length">C# expression of its length in <c>maxBatch</c> and <c>maxSteps</c>.</param>
/// <param name="Description">Shape and meaning, written as a comment.</param>
/// <param name="TrainingOnly">Whether only a training workspace allocates it.</param>
internal sealed record WorkspaceBuffer(string Field, string Length, string Description, bool TrainingOnly);

/// <summary>A buffer a layer needs in a streaming <c>State</c> (one stream, batch 1).</summary>
/// <param name="Field">Member name (<c>Rnn_H</c>).</param>
/// <param name="Length">Number of floats.</param>
/// <param name="Description">Shape and meaning, written as a comment.</param>
/// <param name="PublicName">Name of the public span over it when it is state a caller may read or set (<c>RnnHidden</c>); <see langword="null"/> for scratch.</param>
/// <param name="PublicDescription">What the public span holds, for its XML summary.</param>
/// <param name="PublicLength">Length of the public span when the buffer is padded past it (<see langword="null"/>: the whole buffer).</param>
internal sealed record StateBuffer(string Field, int Length, string Description, string? PublicName = null, string? PublicDescription = null, int? PublicLength = null);

/// <summary>
/// Emits one layer kind: its workspace buffers, and its forward and backward methods side by side with
/// the same variable names. Forward methods are <c>{Name}_Forward(ws, x, batch, steps)</c>; backward
/// methods <c>{Name}_Backward(ws, x, dx, batch, steps)</c> read the gradient of the layer's output from
/// its own <c>{Name}_dY</c> buffer, add parameter gradients to the gradient arena and write <c>dx</c>
/// (skipped when <c>dx</c> is empty). Step methods <c>{Name}_Step(s, x)</c> advance one stream by one time
/// step, batch 1, reading and writing the layer's buffers in the streaming state <c>s</c>.
/// </summary>
internal abstract class LayerEmitter
{
    public static LayerEmitter For(LayerKind kind) => kind switch
    {
        LayerKind.SimpleRnn => SimpleRnnEmitter.Instance,
        LayerKind.Dense => DenseEmitter.Instance,
        LayerKind.Lstm => LstmEmitter.Instance,
        LayerKind.Gru => GruEmitter.Instance,
        LayerKind.Embedding => EmbeddingEmitter.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No emitter for this layer kind."),
    };

    /// <summary>One-line description for summaries: "Elman RNN (tanh)".</summary>
    public abstract string Describe(LayerPlan layer);

    /// <summary>The workspace buffers of the layer.</summary>
    public abstract IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer);

    /// <summary>Arguments of the layer view's constructor after name, arena and offset: sizes and options.</summary>
    public virtual string ViewArguments(LayerPlan layer) => $"{layer.InputSize}, {layer.OutputSize}";

    /// <summary>Expression for the layer's output span, valid inside forward/backward code.</summary>
    public abstract string Output(LayerPlan layer);

    /// <summary>Expression for the span holding the gradient of the layer's output.</summary>
    public string OutputGradient(LayerPlan layer) => $"ws.{layer.Name}_dY.Slice(0, {Rows(layer.OutputIsSequence)} * {layer.OutputSize})";

    /// <summary>Public workspace members for state (initial and final) of recurrent layers.</summary>
    public virtual void EmitStateMembers(CodeWriter w, LayerPlan layer)
    {
    }

    /// <summary>Statements that zero the layer's initial state (inside the workspace).</summary>
    public virtual IEnumerable<string> ResetStatements(LayerPlan layer) => Array.Empty<string>();

    /// <summary>Statements that copy the final state to the initial state (inside the workspace).</summary>
    public virtual IEnumerable<string> CarryStatements(LayerPlan layer) => Array.Empty<string>();

    public abstract void EmitForward(CodeWriter w, LayerPlan layer);

    public abstract void EmitBackward(CodeWriter w, LayerPlan layer);

    /// <summary>Whether the layer can run one time step at a time, seeing only the past (a unidirectional layer).</summary>
    public virtual bool CanStep(LayerPlan layer) => true;

    /// <summary>The layer's buffers in a streaming state: its carried state, then the scratch of one step.</summary>
    public abstract IEnumerable<StateBuffer> StateBuffers(LayerPlan layer);

    /// <summary>Expression for the layer's output after a step, valid inside step code (the state is <c>s</c>).</summary>
    public abstract string StepOutput(LayerPlan layer);

    public abstract void EmitStep(CodeWriter w, LayerPlan layer);

    /// <summary>
    /// Floats of the layer's weights in the streaming step's packed layout (0: the step reads the parameters as they
    /// are). A layer with packed weights has <c>{Name}_Step(s, x, packed)</c>, where <c>packed</c> is the model's packed copy.
    /// </summary>
    public virtual int StepWeightsLength(LayerPlan layer) => 0;

    /// <summary>
    /// Statements that pack the layer's weights, inside the model's packing method where <c>p</c> is the parameter
    /// arena and <c>packed</c> the packed copy (only for layers with <see cref="StepWeightsLength"/> above 0).
    /// </summary>
    public virtual void EmitPackStepWeights(CodeWriter w, LayerPlan layer)
    {
    }

    /// <summary>Number of rows in a tensor with or without a time axis.</summary>
    public static string Rows(bool sequence) => sequence ? "steps * batch" : "batch";

    /// <summary>Shape text of a tensor with or without a time axis.</summary>
    public static string Shape(bool sequence, int features) => sequence ? $"[T, B, {features}]" : $"[B, {features}]";

    /// <summary>Declares read-only views of the layer's parameters and, for backward, of their gradients.</summary>
    protected static void EmitParameterViews(CodeWriter w, LayerPlan layer, bool gradients)
    {
        w.Line($"ReadOnlySpan<float> p = _parameters;");
        foreach (var t in layer.Tensors)
        {
            w.Line($"ReadOnlySpan<float> {Local(t)} = p.Slice({t.OffsetConstant}, {t.Length}); // {t.Symbol} {t.ShapeText}");
        }

        if (gradients)
        {
            w.Line($"Span<float> g = ws.Gradients;");
            foreach (var t in layer.Tensors)
            {
                w.Line($"Span<float> d{Capitalized(Local(t))} = g.Slice({t.OffsetConstant}, {t.Length}); // d{t.Symbol} {t.ShapeText}");
            }
        }
    }

    /// <summary>Local variable name of a parameter tensor: <c>W_ih</c> → <c>wIh</c>.</summary>
    protected static string Local(TensorPlan t)
    {
        var parts = t.Symbol.Split('_');
        var name = parts[0].ToLowerInvariant();
        for (int i = 1; i < parts.Length; i++)
        {
            name += Capitalized(parts[i]);
        }

        return name;
    }

    protected static string Capitalized(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
}
