using System.Collections.Generic;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Elman layer: <c>h_t = f(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)</c>, f = tanh or relu. The input
/// projection of all steps is one product; each step adds one recurrent product. Hidden states are kept
/// for all steps as <c>h [T+1, B, H]</c> with <c>h[0] = h_0</c>, which is all backward needs.
/// </summary>
internal sealed class SimpleRnnEmitter : RecurrentEmitter
{
    public static readonly SimpleRnnEmitter Instance = new();

    private const int Relu = 1;

    public override string Describe(LayerPlan layer) => layer.Spec.Activation == Relu ? "Elman RNN (relu)" : "Elman RNN (tanh)";

    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        int h = layer.OutputSize;
        string n = layer.Name;
        yield return new($"{n}_H", $"(maxSteps + 1) * maxBatch * {h}", $"h [T+1, B, {h}]: hidden states, h[0] = h_0", false);
        yield return new($"{n}_InitialState", $"maxBatch * {h}", $"h_0 [B, {h}]", false);
        yield return new($"{n}_FinalState", $"maxBatch * {h}", $"h_T [B, {h}]", false);
        yield return new($"{n}_dY", layer.OutputIsSequence ? $"maxSteps * maxBatch * {h}" : $"maxBatch * {h}", $"dL/dy {Shape(layer.OutputIsSequence, h)}: gradient of the layer's output", true);
        yield return new($"{n}_dA", $"maxSteps * maxBatch * {h}", $"dL/da [T, B, {h}]: gradient of the pre-activations", true);
        yield return new($"{n}_dH", $"maxBatch * {h}", $"dL/dh_t [B, {h}] carried back through time", true);
        yield return new($"{n}_InitialStateGradient", $"maxBatch * {h}", $"dL/dh_0 [B, {h}]", true);
        yield return new($"{n}_FinalStateGradient", $"maxBatch * {h}", $"dL/dh_T [B, {h}], given", true);
    }

    public override string ViewArguments(LayerPlan layer) =>
        $"{layer.InputSize}, {layer.OutputSize}, global::RnnGen.RnnActivation.{(layer.Spec.Activation == Relu ? "Relu" : "Tanh")}";

    public override void EmitForward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        bool relu = layer.Spec.Activation == Relu;
        w.Line($"/// <summary>{n} forward: {Describe(layer)}, x [T, B, {layer.InputSize}] → {(layer.OutputIsSequence ? "h" : "h_T")} {Shape(layer.OutputIsSequence, layer.OutputSize)}.</summary>");
        w.Line($"private void {n}_Forward(Workspace ws, ReadOnlySpan<float> x, int batch, int steps)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, H = {layer.OutputSize};");
        EmitParameterViews(w, layer, gradients: false);
        w.Line($"int bh = batch * H;");
        w.Line($"Span<float> h = ws.{n}_H.Slice(0, (steps + 1) * bh); // h [T+1, B, H]");
        w.Blank();
        w.Line($"// h[0] = h_0, the initial state");
        w.Line($"ws.{n}_InitialState.Slice(0, bh).CopyTo(h);");
        w.Line($"// a_t = W_ih x_t + b_ih + b_hh for every t at once: one [T·B, I] × [I, H] product into h[1..T]");
        w.Line($"Span<float> a = h.Slice(bh, steps * bh);");
        w.Line($"Gemm.MatMulNT(x, wIh, a, steps * batch, H, I, accumulate: false);");
        w.Line($"Vec.AddToRows(bIh, a, steps * batch);");
        w.Line($"Vec.AddToRows(bHh, a, steps * batch);");
        w.Line($"for (int t = 0; t < steps; t++)");
        w.Open();
        w.Line($"Span<float> at = h.Slice((t + 1) * bh, bh);");
        w.Line($"// a_t += W_hh h_{{t−1}}");
        w.Line($"Gemm.MatMulNT(h.Slice(t * bh, bh), wHh, at, batch, H, H, accumulate: true);");
        if (relu)
        {
            w.Line($"// h_t = max(0, a_t)");
            w.Line($"Activations.Relu(at);");
        }
        else
        {
            w.Line($"// h_t = tanh(a_t)");
            w.Line($"Activations.Tanh(at);");
        }

        w.Close();
        w.Blank();
        w.Line($"// h_T, the final state");
        w.Line($"h.Slice(steps * bh, bh).CopyTo(ws.{n}_FinalState);");
        w.Close();
    }

    public override void EmitBackward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        bool relu = layer.Spec.Activation == Relu;
        w.Line($"/// <summary>{n} backward through time: dL/dy {Shape(layer.OutputIsSequence, layer.OutputSize)} and dL/dh_T → dW_ih, dW_hh, db_ih, db_hh, dL/dh_0 and dx [T, B, {layer.InputSize}].</summary>");
        w.Line($"private void {n}_Backward(Workspace ws, ReadOnlySpan<float> x, Span<float> dx, int batch, int steps)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, H = {layer.OutputSize};");
        EmitParameterViews(w, layer, gradients: true);
        w.Line($"int bh = batch * H;");
        w.Line($"ReadOnlySpan<float> h = ws.{n}_H.Slice(0, (steps + 1) * bh); // h [T+1, B, H]");
        w.Line($"ReadOnlySpan<float> dy = ws.{n}_dY.Slice(0, {(layer.OutputIsSequence ? "steps * bh" : "bh")}); // dL/dy {Shape(layer.OutputIsSequence, layer.OutputSize).Replace(layer.OutputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), "H")}");
        w.Line($"Span<float> dA = ws.{n}_dA.Slice(0, steps * bh); // dL/da [T, B, H]");
        w.Line($"Span<float> dh = ws.{n}_dH.Slice(0, bh); // dL/dh_t through the recurrence [B, H]");
        w.Blank();
        w.Line($"// dh_T = ∂L/∂h_T, the gradient of the final state");
        w.Line($"ws.{n}_FinalStateGradient.Slice(0, bh).CopyTo(dh);");
        if (!layer.OutputIsSequence)
        {
            w.Line($"// dh_T += dy: the layer above read only h_T");
            w.Line($"Vec.Add(dy, dh);");
        }

        w.Line($"for (int t = steps - 1; t >= 0; t--)");
        w.Open();
        w.Line($"Span<float> dAt = dA.Slice(t * bh, bh);");
        if (layer.OutputIsSequence)
        {
            w.Line($"// dh_t = dy_t + W_hhᵀ da_{{t+1}}");
            w.Line($"Vec.Sum(dy.Slice(t * bh, bh), dh, dAt);");
        }
        else
        {
            w.Line($"// dh_t = W_hhᵀ da_{{t+1}} (plus dy at t = T)");
            w.Line($"dh.CopyTo(dAt);");
        }

        if (relu)
        {
            w.Line($"// da_t = dh_t ⊙ [h_t > 0]");
            w.Line($"Activations.ReluBackward(h.Slice((t + 1) * bh, bh), dAt);");
        }
        else
        {
            w.Line($"// da_t = dh_t ⊙ (1 − h_t²)");
            w.Line($"Activations.TanhBackward(h.Slice((t + 1) * bh, bh), dAt);");
        }

        w.Line($"// W_hhᵀ da_t, the recurrent part of dh_{{t−1}}");
        w.Line($"Gemm.MatMulNN(dAt, wHh, dh, batch, H, H, accumulate: false);");
        w.Close();
        w.Blank();
        w.Line($"// dL/dh_0");
        w.Line($"dh.CopyTo(ws.{n}_InitialStateGradient);");
        w.Line($"// dW_ih += Σ_t da_tᵀ x_t: one [H, T·B] × [T·B, I] product");
        w.Line($"Gemm.MatMulTN(dA, x, dWIh, H, I, steps * batch, accumulate: true);");
        w.Line($"// dW_hh += Σ_t da_tᵀ h_{{t−1}}");
        w.Line($"Gemm.MatMulTN(dA, h.Slice(0, steps * bh), dWHh, H, H, steps * batch, accumulate: true);");
        w.Line($"// db_ih += Σ_t da_t; db_hh += Σ_t da_t");
        w.Line($"Vec.AddColumnSums(dA, steps * batch, dBIh);");
        w.Line($"Vec.AddColumnSums(dA, steps * batch, dBHh);");
        w.Line($"// dx_t = W_ihᵀ da_t");
        w.Line($"if (!dx.IsEmpty)");
        w.Open();
        w.Line($"Gemm.MatMulNN(dA, wIh, dx, steps * batch, I, H, accumulate: false);");
        w.Close();
        w.Close();
    }

    public override IEnumerable<StateBuffer> StateBuffers(LayerPlan layer)
    {
        int h = layer.OutputSize;
        yield return HiddenStateBuffer(layer);
        yield return new($"{layer.Name}_A", h, $"a_t [{h}]: pre-activation of one step");
    }

    public override void EmitStep(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        bool relu = layer.Spec.Activation == Relu;
        w.Line($"/// <summary>{n} step: {Describe(layer)}, x_t [{layer.InputSize}] and h_{{t−1}} → h_t [{layer.OutputSize}], one stream.</summary>");
        w.Line($"private void {n}_Step(State s, ReadOnlySpan<float> x)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, H = {layer.OutputSize};");
        EmitParameterViews(w, layer, gradients: false);
        w.Line($"Span<float> h = s.{n}_H; // h_{{t−1}} [H], then h_t");
        w.Line($"Span<float> a = s.{n}_A; // a_t [H]");
        w.Blank();
        w.Line($"// a_t = W_ih x_t + b_ih + b_hh");
        w.Line($"MatVec.Multiply(wIh, x, a, H, I, accumulate: false);");
        w.Line($"Vec.Add(bIh, a);");
        w.Line($"Vec.Add(bHh, a);");
        w.Line($"// a_t += W_hh h_{{t−1}}");
        w.Line($"MatVec.Multiply(wHh, h, a, H, H, accumulate: true);");
        if (relu)
        {
            w.Line($"// h_t = max(0, a_t)");
            w.Line($"Activations.Relu(a);");
        }
        else
        {
            w.Line($"// h_t = tanh(a_t)");
            w.Line($"Activations.Tanh(a);");
        }

        w.Line($"a.CopyTo(h);");
        w.Close();
    }
}
