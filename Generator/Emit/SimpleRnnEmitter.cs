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

    protected override bool HasGates => false;

    protected override string CellName(LayerPlan layer) => layer.Spec.Activation == Relu ? "Elman RNN (relu)" : "Elman RNN (tanh)";

    protected override string SizeConstants(LayerPlan layer) => $"const int I = {layer.InputSize}, H = {layer.HiddenSize};";

    protected override IEnumerable<WorkspaceBuffer> ForwardBuffers(LayerPlan layer, Direction d)
    {
        int h = layer.HiddenSize;
        yield return new(d.Field("H"), $"(maxSteps + 1) * maxBatch * {h}", $"h{d.Arrow} [T+1, B, {h}]: hidden states, h[0] = h_0", false);
    }

    protected override IEnumerable<WorkspaceBuffer> BackwardBuffers(LayerPlan layer, Direction d)
    {
        int h = layer.HiddenSize;
        yield return new(d.Field("dA"), $"maxSteps * maxBatch * {h}", $"dL/da{d.Arrow} [T, B, {h}]: gradient of the pre-activations", true);
        yield return new(d.Field("dH"), $"maxBatch * {h}", $"dL/dh{d.Arrow}_t [B, {h}] carried back through time", true);
    }

    protected override string CellViewArguments(LayerPlan layer) =>
        $"{layer.InputSize}, {layer.HiddenSize}, global::RnnGen.RnnActivation.{(layer.Spec.Activation == Relu ? "Relu" : "Tanh")}";

    protected override string BackwardSummary(LayerPlan layer) => " and dL/dh_T → dW_ih, dW_hh, db_ih, db_hh, dL/dh_0";

    protected override void EmitDirectionForward(CodeWriter w, LayerPlan layer, Direction d)
    {
        bool relu = layer.Spec.Activation == Relu;
        EmitDirectionViews(w, d, gradients: false);
        w.Line($"Span<float> h = {d.Buffer("H")}.Slice(0, (steps + 1) * bh); // h{d.Arrow} [T+1, B, H]");
        w.Blank();
        w.Line($"// h[0] = h_0, the initial state");
        w.Line($"{d.State("InitialState")}.CopyTo(h);");
        w.Line($"// a_t = W_ih x_t + b_ih + b_hh for every t at once: one [T·B, I] × [I, H] product into h[1..T]");
        w.Line($"Span<float> a = h.Slice(bh, steps * bh);");
        w.Line($"Gemm.MatMulNT({d.Input}, wIh, a, steps * batch, H, I, accumulate: false);");
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

        EmitForwardStepMask(w, layer);
        w.Close();
        w.Blank();
        EmitFinalStates(w, layer, d);
    }

    protected override void EmitDirectionBackward(CodeWriter w, LayerPlan layer, Direction d)
    {
        bool relu = layer.Spec.Activation == Relu;
        EmitDirectionViews(w, d, gradients: true);
        w.Line($"ReadOnlySpan<float> h = {d.Buffer("H")}.Slice(0, (steps + 1) * bh); // h{d.Arrow} [T+1, B, H]");
        w.Line($"Span<float> dy = {d.Buffer("dY")}.Slice(0, {(layer.OutputIsSequence ? "steps * bh" : "bh")}); // dL/dh{d.Arrow} from above {OutputGradientShape(layer)}");
        w.Line($"Span<float> dA = {d.Buffer("dA")}.Slice(0, steps * bh); // dL/da [T, B, H]");
        w.Line($"Span<float> dh = {d.Buffer("dH")}.Slice(0, bh); // dL/dh_t through the recurrence [B, H]");
        EmitCarryBuffers(w, layer);
        w.Blank();
        w.Line($"// dh_T = ∂L/∂h_T, the gradient of the final state");
        w.Line($"{d.State("FinalStateGradient")}.CopyTo(dh);");
        if (!layer.OutputIsSequence)
        {
            w.Line($"// dh_T += dy: the layer above read only h_T");
            w.Line($"Vec.Add(dy, dh);");
        }

        EmitOutputGradientMask(w, layer);
        w.Line($"for (int t = steps - 1; t >= 0; t--)");
        w.Open();
        w.Line($"Span<float> dAt = dA.Slice(t * bh, bh);");
        EmitBackwardStepMaskStart(w, layer);
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
        EmitBackwardStepMaskEnd(w, layer);
        w.Close();
        w.Blank();
        w.Line($"// dL/dh_0");
        w.Line($"dh.CopyTo({d.State("InitialStateGradient")});");
        w.Line($"// dW_ih += Σ_t da_tᵀ x_t: one [H, T·B] × [T·B, I] product");
        w.Line($"Gemm.MatMulTN(dA, {d.Input}, dWIh, H, I, steps * batch, accumulate: true);");
        w.Line($"// dW_hh += Σ_t da_tᵀ h_{{t−1}}");
        w.Line($"Gemm.MatMulTN(dA, h.Slice(0, steps * bh), dWHh, H, H, steps * batch, accumulate: true);");
        w.Line($"// db_ih += Σ_t da_t; db_hh += Σ_t da_t");
        w.Line($"Vec.AddColumnSums(dA, steps * batch, dBIh);");
        w.Line($"Vec.AddColumnSums(dA, steps * batch, dBHh);");
        w.Line($"// dx_t = W_ihᵀ da_t");
        w.Line($"if (!{d.InputGradient}.IsEmpty)");
        w.Open();
        w.Line($"Gemm.MatMulNN(dA, wIh, {d.InputGradient}, steps * batch, I, H, accumulate: false);");
        w.Close();
    }

    public override IEnumerable<StateBuffer> StateBuffers(LayerPlan layer)
    {
        yield return HiddenStateBuffer(layer);
        yield return ScratchBuffer(layer, StepLayout.Scratch(layer.InputSize, layer.HiddenSize));
    }

    public override int StepWeightsLength(LayerPlan layer) => StepLayout.ElmanLength(layer.InputSize, layer.HiddenSize);

    public override void EmitPackStepWeights(CodeWriter w, LayerPlan layer)
    {
        string[] t = TensorSlices(layer);
        w.Line($"// {layer.Name}: W_ih, W_hh, b_ih + b_hh → per block of units, the bias, then the weights of each input of [x; h]");
        w.Line($"StreamingStep.PackElman({t[0]}, {t[1]}, {t[2]}, {t[3]}, {layer.InputSize}, {layer.HiddenSize}, packed.Slice({layer.Name}_StepWeights, {StepWeightsLength(layer)}));");
    }

    public override void EmitStep(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        bool relu = layer.Spec.Activation == Relu;
        OpenStep(w, layer, $"{Describe(layer)}, x_t [{layer.InputSize}] and h_{{t−1}} → h_t [{layer.HiddenSize}]");
        w.Line($"// a_t = W_ih x_t + b_ih + W_hh h_{{t−1}} + b_hh, one block of units at a time over the packed weights");
        w.Raw(relu ? "// h_t = max(0, a_t)" : "// h_t = tanh(a_t)");
        w.Line($"StreamingStep.Elman({PackedSlice(layer)}, x, s.{n}_H, s.{n}_Scratch, I, H, relu: {(relu ? "true" : "false")});");
        w.Close();
    }
}
