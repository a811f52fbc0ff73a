using System.Collections.Generic;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Embedding: <c>x_t = E[token_t]</c>, a row of the table <c>E [V, D]</c> per token id. Always the model's first
/// layer, so its forward and backward read the token ids <c>[T, B]</c> instead of a float input, and nothing is
/// passed back beyond it: its backward only scatters the rows of <c>dL/dx</c> into the rows of <c>dE</c>.
/// </summary>
internal sealed class EmbeddingEmitter : LayerEmitter
{
    public static readonly EmbeddingEmitter Instance = new();

    public override string Describe(LayerPlan layer) => $"Embedding of {layer.InputSize} token ids → {layer.OutputSize}";

    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        yield return new($"{layer.Name}_Y", $"maxSteps * maxBatch * {layer.OutputSize}", $"x = E[token] [T, B, {layer.OutputSize}]", false);
        yield return new($"{layer.Name}_dY", $"maxSteps * maxBatch * {layer.OutputSize}", $"dL/dx [T, B, {layer.OutputSize}]", true);
    }

    public override string Output(LayerPlan layer) => $"ws.{layer.Name}_Y.Slice(0, steps * batch * {layer.OutputSize})";

    public override void EmitForward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        w.Line($"/// <summary>{n} forward: {Describe(layer)}, token ids [T, B] → x [T, B, {layer.OutputSize}].</summary>");
        w.Line($"private void {n}_Forward(Workspace ws, ReadOnlySpan<int> tokens, int batch, int steps)");
        w.Open();
        w.Line($"const int D = {layer.OutputSize}; // features per token; the table has V = {layer.InputSize} rows");
        EmitParameterViews(w, layer, gradients: false);
        w.Line($"int rows = steps * batch;");
        w.Line($"Span<float> x = ws.{n}_Y.Slice(0, rows * D); // x [rows, D]");
        w.Blank();
        w.Line($"// x_t = E[token_t]: row token_t of the [V, D] table, for every step of every sequence (ids checked on entry)");
        w.Line($"for (int r = 0; r < rows; r++)");
        w.Open();
        w.Line($"e.Slice(tokens[r] * D, D).CopyTo(x.Slice(r * D, D));");
        w.Close();
        w.Close();
    }

    public override void EmitBackward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        w.Line($"/// <summary>{n} backward: dL/dx [T, B, {layer.OutputSize}] → dE, scattered into the rows of the tokens read.</summary>");
        w.Line($"private void {n}_Backward(Workspace ws, ReadOnlySpan<int> tokens, int batch, int steps)");
        w.Open();
        w.Line($"const int D = {layer.OutputSize}; // features per token; the table has V = {layer.InputSize} rows");
        var table = layer.Tensors[0];
        w.Line($"Span<float> dE = ws.Gradients.Slice({table.OffsetConstant}, {table.Length}); // d{table.Symbol} {table.ShapeText}");
        w.Line($"int rows = steps * batch;");
        w.Line($"ReadOnlySpan<float> dx = ws.{n}_dY.Slice(0, rows * D); // dL/dx [rows, D]");
        w.Blank();
        w.Line($"// dE[token_t] += dx_t: each row's gradient added into its token's row (a token read twice gets both)");
        w.Line($"for (int r = 0; r < rows; r++)");
        w.Open();
        w.Line($"Vec.Add(dx.Slice(r * D, D), dE.Slice(tokens[r] * D, D));");
        w.Close();
        w.Close();
    }

    public override IEnumerable<StateBuffer> StateBuffers(LayerPlan layer)
    {
        yield return new($"{layer.Name}_Y", layer.OutputSize, $"x = E[token] [{layer.OutputSize}] of the last step");
    }

    public override string StepOutput(LayerPlan layer) => $"s.{layer.Name}_Y";

    public override void EmitStep(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        w.Line($"/// <summary>{n} step: {Describe(layer)}, one token id → x [{layer.OutputSize}], one stream.</summary>");
        w.Line($"private void {n}_Step(State s, int token)");
        w.Open();
        w.Line($"const int D = {layer.OutputSize}; // features per token; the table has V = {layer.InputSize} rows");
        EmitParameterViews(w, layer, gradients: false);
        w.Blank();
        w.Line($"// x_t = E[token_t] (the id checked on entry)");
        w.Line($"e.Slice(token * D, D).CopyTo(s.{n}_Y);");
        w.Close();
    }
}
