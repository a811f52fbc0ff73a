using System.Collections.Generic;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit;

/// <summary>
/// What every recurrent layer emits the same way: hidden states kept for all steps as <c>{Name}_H [T+1, B, H]</c>
/// with <c>h[0] = h_0</c> (so the layer's output is a slice of it), and the public initial and final state of
/// <c>h</c> with their gradients. Layers with more state (the LSTM's cell) add theirs to these hooks. In a
/// streaming state the layer keeps <c>h</c> of one stream as <c>{Name}_H [H]</c>, which is also its step output.
/// </summary>
internal abstract class RecurrentEmitter : LayerEmitter
{
    public override string Output(LayerPlan layer) => layer.OutputIsSequence
        ? $"ws.{layer.Name}_H.Slice(batch * {layer.OutputSize}, steps * batch * {layer.OutputSize})"
        : $"ws.{layer.Name}_H.Slice(steps * batch * {layer.OutputSize}, batch * {layer.OutputSize})";

    public override void EmitStateMembers(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        int h = layer.OutputSize;
        w.Line($"/// <summary>Initial state <c>h_0</c> of <c>{n}</c>, <c>[MaxBatch, {h}]</c>; Forward reads the first <c>batch·{h}</c> values. Zero until written.</summary>");
        w.Line($"public Span<float> {n}InitialState => {n}_InitialState;");
        w.Blank();
        w.Line($"/// <summary>Final state <c>h_T</c> of <c>{n}</c> after the last Forward, <c>[MaxBatch, {h}]</c> (first <c>batch·{h}</c> values).</summary>");
        w.Line($"public Span<float> {n}FinalState => {n}_FinalState;");
        w.Blank();
        w.Line($"/// <summary>Gradient <c>dL/dh_0</c> of <c>{n}</c>'s initial state, written by Backward, <c>[MaxBatch, {h}]</c>. Empty for an inference workspace.</summary>");
        w.Line($"public Span<float> {n}InitialStateGradient => {n}_InitialStateGradient;");
        w.Blank();
        w.Line($"/// <summary>Gradient <c>dL/dh_T</c> of <c>{n}</c>'s final state, read by Backward, <c>[MaxBatch, {h}]</c>. Zero unless written (the loss does not depend on h_T).</summary>");
        w.Line($"public Span<float> {n}FinalStateGradient => {n}_FinalStateGradient;");
        w.Blank();
    }

    public override IEnumerable<string> ResetStatements(LayerPlan layer)
    {
        yield return $"{layer.Name}_InitialState.Clear();";
    }

    public override IEnumerable<string> CarryStatements(LayerPlan layer)
    {
        yield return $"{layer.Name}_FinalState.CopyTo({layer.Name}_InitialState);";
    }

    public override string StepOutput(LayerPlan layer) => $"s.{layer.Name}_H";

    /// <summary>The hidden state of one stream in a streaming state, public as <c>{Name}Hidden</c>.</summary>
    protected static StateBuffer HiddenStateBuffer(LayerPlan layer) =>
        new($"{layer.Name}_H", layer.OutputSize, $"h [{layer.OutputSize}]: h_{{t−1}} before a step, h_t after it", layer.Name + "Hidden",
            $"Hidden state <c>h_t</c> of <c>{layer.Name}</c> after the last step, <c>[{layer.OutputSize}]</c>");

    /// <summary>The layer's output gradient buffer: every step's, or only the last step's when the layer returns <c>h_T</c>.</summary>
    protected static WorkspaceBuffer OutputGradientBuffer(LayerPlan layer) =>
        new($"{layer.Name}_dY", layer.OutputIsSequence ? $"maxSteps * maxBatch * {layer.OutputSize}" : $"maxBatch * {layer.OutputSize}", $"dL/dy {Shape(layer.OutputIsSequence, layer.OutputSize)}: gradient of the layer's output", true);

    /// <summary>Shape text of the output gradient with <c>H</c> for the hidden size: <c>[T, B, H]</c> or <c>[B, H]</c>.</summary>
    protected static string OutputGradientShape(LayerPlan layer) => layer.OutputIsSequence ? "[T, B, H]" : "[B, H]";
}
