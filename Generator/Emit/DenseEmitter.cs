using System.Collections.Generic;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Dense layer: <c>y = act(W x + b)</c> on every row (every step of every sequence, or every sequence),
/// with an optional softmax over the outputs when it is the model's classifier.
/// </summary>
internal sealed class DenseEmitter : LayerEmitter
{
    public static readonly DenseEmitter Instance = new();

    private static readonly string[] ActivationNames = { "linear", "tanh", "relu", "sigmoid" };

    public override string Describe(LayerPlan layer) =>
        $"Dense {layer.InputSize} → {layer.OutputSize}" + (layer.Spec.Softmax ? ", softmax" : layer.Spec.Activation is > 0 and < 4 ? ", " + ActivationNames[layer.Spec.Activation] : string.Empty);

    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        string rows = layer.InputIsSequence ? "maxSteps * maxBatch" : "maxBatch";
        string shape = Shape(layer.InputIsSequence, layer.OutputSize);
        yield return new($"{layer.Name}_Y", $"{rows} * {layer.OutputSize}", $"y {shape}", false);
        yield return new($"{layer.Name}_dY", $"{rows} * {layer.OutputSize}", $"dL/dy, then dL/dz {shape}", true);
    }

    public override string Output(LayerPlan layer) => $"ws.{layer.Name}_Y.Slice(0, {Rows(layer.InputIsSequence)} * {layer.OutputSize})";

    public override void EmitForward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        w.Line($"/// <summary>{n} forward: {Describe(layer)}, x {Shape(layer.InputIsSequence, layer.InputSize)} → y {Shape(layer.InputIsSequence, layer.OutputSize)}.</summary>");
        w.Line($"private void {n}_Forward(Workspace ws, ReadOnlySpan<float> x, int batch, int steps)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, O = {layer.OutputSize};");
        EmitParameterViews(w, layer, gradients: false);
        w.Line($"int rows = {Rows(layer.InputIsSequence)};");
        w.Line($"Span<float> y = ws.{n}_Y.Slice(0, rows * O); // y [rows, O]");
        w.Blank();
        w.Line($"// z = W x + b for every row: one [rows, I] × [I, O] product");
        w.Line($"Gemm.MatMulNT(x, w, y, rows, O, I, accumulate: false);");
        w.Line($"Vec.AddToRows(b, y, rows);");
        EmitActivation(w, layer, "y", rows: "rows");
        w.Close();
    }

    public override void EmitBackward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        bool softmax = layer.Spec.Softmax;
        w.Line($"/// <summary>{n} backward: dL/dy {Shape(layer.InputIsSequence, layer.OutputSize)} → dW, db and dx {Shape(layer.InputIsSequence, layer.InputSize)}.</summary>");
        w.Line(softmax
            ? (System.FormattableString)$"private void {n}_Backward(Workspace ws, ReadOnlySpan<float> x, Span<float> dx, int batch, int steps, bool dyIsLogitGradient)"
            : $"private void {n}_Backward(Workspace ws, ReadOnlySpan<float> x, Span<float> dx, int batch, int steps)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, O = {layer.OutputSize};");
        EmitParameterViews(w, layer, gradients: true);
        w.Line($"int rows = {Rows(layer.InputIsSequence)};");
        w.Line($"ReadOnlySpan<float> y = ws.{n}_Y.Slice(0, rows * O); // y [rows, O]");
        w.Line($"Span<float> dz = ws.{n}_dY.Slice(0, rows * O); // dL/dy [rows, O], turned into dL/dz in place");
        w.Blank();
        if (softmax)
        {
            w.Line($"// dz = y ⊙ (dy − Σ_j dy_j y_j), unless the loss already gave dL/dz = (y − onehot)/N");
            w.Line($"if (!dyIsLogitGradient)");
            w.Open();
            w.Line($"Activations.SoftmaxRowsBackward(y, dz, rows, O);");
            w.Close();
            w.Blank();
        }
        else
        {
            switch (layer.Spec.Activation)
            {
                case 1:
                    w.Line($"// dz = dy ⊙ (1 − y²)");
                    w.Line($"Activations.TanhBackward(y, dz);");
                    break;
                case 2:
                    w.Line($"// dz = dy ⊙ [y > 0]");
                    w.Line($"Activations.ReluBackward(y, dz);");
                    break;
                case 3:
                    w.Line($"// dz = dy ⊙ y(1 − y)");
                    w.Line($"Activations.SigmoidBackward(y, dz);");
                    break;
                default:
                    w.Line($"// dz = dy (linear)");
                    break;
            }
        }

        w.Line($"// dW += dzᵀ x: one [O, rows] × [rows, I] product");
        w.Line($"Gemm.MatMulTN(dz, x, dW, O, I, rows, accumulate: true);");
        w.Line($"// db += Σ_rows dz");
        w.Line($"Vec.AddColumnSums(dz, rows, dB);");
        w.Line($"// dx = dz W");
        w.Line($"if (!dx.IsEmpty)");
        w.Open();
        w.Line($"Gemm.MatMulNN(dz, w, dx, rows, I, O, accumulate: false);");
        w.Close();
        w.Close();
    }

    public override IEnumerable<StateBuffer> StateBuffers(LayerPlan layer)
    {
        yield return new($"{layer.Name}_Y", layer.OutputSize, $"y [{layer.OutputSize}] of the last step");
    }

    public override string StepOutput(LayerPlan layer) => $"s.{layer.Name}_Y";

    public override void EmitStep(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        w.Line($"/// <summary>{n} step: {Describe(layer)}, x [{layer.InputSize}] → y [{layer.OutputSize}], one stream.</summary>");
        w.Line($"private void {n}_Step(State s, ReadOnlySpan<float> x)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, O = {layer.OutputSize};");
        EmitParameterViews(w, layer, gradients: false);
        w.Line($"Span<float> y = s.{n}_Y; // y [O]");
        w.Blank();
        w.Line($"// z = W x + b: one [O, I] × [I] product and the bias");
        w.Line($"MatVec.Affine(w, b, x, y, O, I);");
        EmitActivation(w, layer, "y", rows: "1");
        w.Close();
    }

    /// <summary>The layer's activation of <paramref name="y"/> in place, with its equation.</summary>
    private static void EmitActivation(CodeWriter w, LayerPlan layer, string y, string rows)
    {
        if (layer.Spec.Softmax)
        {
            w.Line($"// y = softmax(z) over the {layer.OutputSize} outputs of each row");
            w.Line($"Activations.SoftmaxRows({y}, {rows}, O);");
            return;
        }

        switch (layer.Spec.Activation)
        {
            case 1:
                w.Line($"// y = tanh(z)");
                w.Line($"Activations.Tanh({y});");
                break;
            case 2:
                w.Line($"// y = max(0, z)");
                w.Line($"Activations.Relu({y});");
                break;
            case 3:
                w.Line($"// y = σ(z)");
                w.Line($"Activations.Sigmoid({y});");
                break;
            default:
                w.Line($"// y = z (linear)");
                break;
        }
    }
}
