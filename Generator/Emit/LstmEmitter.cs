using System.Collections.Generic;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit;

/// <summary>
/// LSTM layer, optionally with peepholes and with coupled input and forget gates:
/// <c>i = σ(a_i [+ p_i ⊙ c_{t−1}])</c> (or <c>1 − f</c>), <c>f = σ(a_f [+ p_f ⊙ c_{t−1}])</c>, <c>g = tanh(a_g)</c>,
/// <c>c_t = f ⊙ c_{t−1} + i ⊙ g</c>, <c>o = σ(a_o [+ p_o ⊙ c_t])</c>, <c>h_t = o ⊙ tanh(c_t)</c>, with
/// <c>a = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh</c>. The input projection of all steps is one product; each step adds
/// one recurrent product for all gates, then one fused elementwise pass (<c>LstmCell</c>). Gate activations and
/// <c>h</c>, <c>c</c> of every step stay in the workspace: that is all backward needs.
/// </summary>
internal sealed class LstmEmitter : RecurrentEmitter
{
    public static readonly LstmEmitter Instance = new();

    private static readonly RecurrentState[] LstmStates =
    {
        new("State", "h", "state"),
        new("CellState", "c", "cell state"),
    };

    protected override IReadOnlyList<RecurrentState> States(LayerPlan layer) => LstmStates;

    protected override string CellName(LayerPlan layer)
    {
        var spec = layer.Spec;
        return (spec.Peephole, spec.CoupledInputForget) switch
        {
            (true, true) => "LSTM (peephole, coupled input-forget)",
            (true, false) => "LSTM (peephole)",
            (false, true) => "LSTM (coupled input-forget)",
            _ => "LSTM",
        };
    }

    protected override string CellViewArguments(LayerPlan layer) =>
        $"{layer.InputSize}, {layer.HiddenSize}, peephole: {Bool(layer.Spec.Peephole)}, coupledInputForget: {Bool(layer.Spec.CoupledInputForget)}";

    protected override string SizeConstants(LayerPlan layer) => $"const int I = {layer.InputSize}, H = {layer.HiddenSize}, G = {GateCount(layer)} * H;";

    protected override string ForwardSummaryTail(LayerPlan layer) => $"; gate blocks {GateText(layer)}";

    protected override string BackwardSummary(LayerPlan layer) =>
        $", dL/dh_T and dL/dc_T → dW_ih, dW_hh, db_ih, db_hh{(layer.Spec.Peephole ? ", dW_peephole" : string.Empty)}, dL/dh_0, dL/dc_0";

    protected override IEnumerable<WorkspaceBuffer> ForwardBuffers(LayerPlan layer, Direction d)
    {
        int h = layer.HiddenSize;
        yield return new(d.Field("Gates"), $"maxSteps * maxBatch * {GateRows(layer)}", $"gates{d.Arrow} [T, B, {GateCount(layer)}·{h}], blocks {GateText(layer)}: pre-activations, then activations", false);
        yield return new(d.Field("H"), $"(maxSteps + 1) * maxBatch * {h}", $"h{d.Arrow} [T+1, B, {h}]: hidden states, h[0] = h_0", false);
        yield return new(d.Field("C"), $"(maxSteps + 1) * maxBatch * {h}", $"c{d.Arrow} [T+1, B, {h}]: cell states, c[0] = c_0", false);
    }

    protected override IEnumerable<WorkspaceBuffer> BackwardBuffers(LayerPlan layer, Direction d)
    {
        int h = layer.HiddenSize;
        yield return new(d.Field("dGates"), $"maxSteps * maxBatch * {GateRows(layer)}", $"dL/da{d.Arrow} [T, B, {GateCount(layer)}·{h}], blocks {GateText(layer)}: gradient of the gate pre-activations", true);
        yield return new(d.Field("dH"), $"maxBatch * {h}", $"dL/dh{d.Arrow}_t [B, {h}] carried back through time", true);
        yield return new(d.Field("dC"), $"maxBatch * {h}", $"dL/dc{d.Arrow}_t [B, {h}] carried back through time", true);
    }

    protected override void EmitDirectionForward(CodeWriter w, LayerPlan layer, Direction d)
    {
        var spec = layer.Spec;
        EmitDirectionViews(w, d, gradients: false);
        w.Line($"Span<float> gates = {d.Buffer("Gates")}.Slice(0, steps * bg); // [T, B, {GateCount(layer)}H], blocks {GateText(layer)}");
        w.Line($"Span<float> h = {d.Buffer("H")}.Slice(0, (steps + 1) * bh); // h{d.Arrow} [T+1, B, H]");
        w.Line($"Span<float> c = {d.Buffer("C")}.Slice(0, (steps + 1) * bh); // c{d.Arrow} [T+1, B, H]");
        w.Blank();
        w.Line($"// h[0] = h_0, c[0] = c_0: the initial states");
        w.Line($"{d.State("InitialState")}.CopyTo(h);");
        w.Line($"{d.State("InitialCellState")}.CopyTo(c);");
        w.Line($"// a_t = W_ih x_t + b_ih + b_hh for every t at once: one [T·B, I] × [I, {GateCount(layer)}H] product");
        w.Line($"Gemm.MatMulNT({d.Input}, wIh, gates, steps * batch, G, I, accumulate: false);");
        w.Line($"Vec.AddToRows(bIh, gates, steps * batch);");
        w.Line($"Vec.AddToRows(bHh, gates, steps * batch);");
        w.Line($"for (int t = 0; t < steps; t++)");
        w.Open();
        w.Line($"Span<float> gt = gates.Slice(t * bg, bg);");
        w.Line($"// a_t += W_hh h_{{t−1}}: one [B, H] × [H, {GateCount(layer)}H] product for all gates");
        w.Line($"Gemm.MatMulNT(h.Slice(t * bh, bh), wHh, gt, batch, G, H, accumulate: true);");
        EmitCellComment(w, spec);
        w.Line($"LstmCell.{(spec.CoupledInputForget ? "ForwardCoupled" : "Forward")}(gt, c.Slice(t * bh, bh), c.Slice((t + 1) * bh, bh), h.Slice((t + 1) * bh, bh), {Peephole(layer, gradient: false)}, batch, H);");
        EmitForwardStepMask(w, layer);
        w.Close();
        w.Blank();
        EmitFinalStates(w, layer, d);
    }

    protected override void EmitDirectionBackward(CodeWriter w, LayerPlan layer, Direction d)
    {
        var spec = layer.Spec;
        EmitDirectionViews(w, d, gradients: true);
        w.Line($"ReadOnlySpan<float> gates = {d.Buffer("Gates")}.Slice(0, steps * bg); // activations [T, B, {GateCount(layer)}H], blocks {GateText(layer)}");
        w.Line($"ReadOnlySpan<float> h = {d.Buffer("H")}.Slice(0, (steps + 1) * bh); // h{d.Arrow} [T+1, B, H]");
        w.Line($"ReadOnlySpan<float> c = {d.Buffer("C")}.Slice(0, (steps + 1) * bh); // c{d.Arrow} [T+1, B, H]");
        w.Line($"Span<float> dy = {d.Buffer("dY")}.Slice(0, {(layer.OutputIsSequence ? "steps * bh" : "bh")}); // dL/dh{d.Arrow} from above {OutputGradientShape(layer)}");
        w.Line($"Span<float> dGates = {d.Buffer("dGates")}.Slice(0, steps * bg); // dL/da [T, B, {GateCount(layer)}H]");
        w.Line($"Span<float> dh = {d.Buffer("dH")}.Slice(0, bh); // dL/dh_t through the recurrence [B, H]");
        w.Line($"Span<float> dc = {d.Buffer("dC")}.Slice(0, bh); // dL/dc_t through the recurrence [B, H]");
        EmitCarryBuffers(w, layer);
        w.Blank();
        w.Line($"// dh_T = ∂L/∂h_T, dc_T = ∂L/∂c_T: the gradients of the final states");
        w.Line($"{d.State("FinalStateGradient")}.CopyTo(dh);");
        w.Line($"{d.State("FinalCellStateGradient")}.CopyTo(dc);");
        if (!layer.OutputIsSequence)
        {
            w.Line($"// dh_T += dy: the layer above read only h_T");
            w.Line($"Vec.Add(dy, dh);");
        }

        EmitOutputGradientMask(w, layer);
        w.Line($"for (int t = steps - 1; t >= 0; t--)");
        w.Open();
        w.Line($"Span<float> dGt = dGates.Slice(t * bg, bg);");
        EmitBackwardStepMaskStart(w, layer);
        if (layer.OutputIsSequence)
        {
            w.Line($"// dh_t = dy_t + W_hhᵀ da_{{t+1}}");
            w.Line($"Vec.Add(dy.Slice(t * bh, bh), dh);");
        }

        string peepO = spec.Peephole ? " + da_o ⊙ p_o" : string.Empty;
        w.Raw($"// da_o = dh_t ⊙ tanh(c_t) ⊙ o(1 − o); dc_t += dh_t ⊙ o ⊙ (1 − tanh²(c_t)){peepO}");
        if (spec.CoupledInputForget)
        {
            w.Raw("// da_f = dc_t ⊙ (c_{t−1} − g) ⊙ f(1 − f), da_g = dc_t ⊙ (1 − f) ⊙ (1 − g²)");
            w.Raw($"// dc_{{t−1}} = dc_t ⊙ f{(spec.Peephole ? " + da_f ⊙ p_f" : string.Empty)}");
            if (spec.Peephole)
            {
                w.Raw("// dp_f += Σ_b da_f ⊙ c_{t−1}, dp_o += Σ_b da_o ⊙ c_t");
            }
        }
        else
        {
            w.Raw("// da_i = dc_t ⊙ g ⊙ i(1 − i), da_f = dc_t ⊙ c_{t−1} ⊙ f(1 − f), da_g = dc_t ⊙ i ⊙ (1 − g²)");
            w.Raw($"// dc_{{t−1}} = dc_t ⊙ f{(spec.Peephole ? " + da_i ⊙ p_i + da_f ⊙ p_f" : string.Empty)}");
            if (spec.Peephole)
            {
                w.Raw("// dp_i += Σ_b da_i ⊙ c_{t−1}, dp_f += Σ_b da_f ⊙ c_{t−1}, dp_o += Σ_b da_o ⊙ c_t");
            }
        }

        w.Line($"LstmCell.{(spec.CoupledInputForget ? "BackwardCoupled" : "Backward")}(gates.Slice(t * bg, bg), c.Slice(t * bh, bh), c.Slice((t + 1) * bh, bh), {Peephole(layer, gradient: false)}, dh, dc, dGt, {Peephole(layer, gradient: true)}, batch, H);");
        w.Line($"// dh_{{t−1}} = W_hhᵀ da_t: one [B, {GateCount(layer)}H] × [{GateCount(layer)}H, H] product");
        w.Line($"Gemm.MatMulNN(dGt, wHh, dh, batch, H, G, accumulate: false);");
        EmitBackwardStepMaskEnd(w, layer);
        w.Close();
        w.Blank();
        w.Line($"// dL/dh_0, dL/dc_0");
        w.Line($"dh.CopyTo({d.State("InitialStateGradient")});");
        w.Line($"dc.CopyTo({d.State("InitialCellStateGradient")});");
        w.Line($"// dW_ih += Σ_t da_tᵀ x_t: one [{GateCount(layer)}H, T·B] × [T·B, I] product");
        w.Line($"Gemm.MatMulTN(dGates, {d.Input}, dWIh, G, I, steps * batch, accumulate: true);");
        w.Line($"// dW_hh += Σ_t da_tᵀ h_{{t−1}}");
        w.Line($"Gemm.MatMulTN(dGates, h.Slice(0, steps * bh), dWHh, G, H, steps * batch, accumulate: true);");
        w.Line($"// db_ih += Σ_t da_t; db_hh += Σ_t da_t");
        w.Line($"Vec.AddColumnSums(dGates, steps * batch, dBIh);");
        w.Line($"Vec.AddColumnSums(dGates, steps * batch, dBHh);");
        w.Line($"// dx_t = W_ihᵀ da_t");
        w.Line($"if (!{d.InputGradient}.IsEmpty)");
        w.Open();
        w.Line($"Gemm.MatMulNN(dGates, wIh, {d.InputGradient}, steps * batch, I, G, accumulate: false);");
        w.Close();
    }

    public override IEnumerable<StateBuffer> StateBuffers(LayerPlan layer)
    {
        int h = layer.HiddenSize;
        string n = layer.Name;
        yield return HiddenStateBuffer(layer);
        yield return new($"{n}_C", StepLayout.Padded(h), $"c [{h}], padded to {StepLayout.Padded(h)}: c_{{t−1}} before a step, c_t after it", n + "Cell", $"Cell state <c>c_t</c> of <c>{n}</c> after the last step, <c>[{h}]</c>", h);
        yield return ScratchBuffer(layer, StepLayout.Scratch(layer.InputSize, h));
    }

    public override int StepWeightsLength(LayerPlan layer) =>
        StepLayout.LstmLength(layer.InputSize, layer.HiddenSize, layer.Spec.Peephole, layer.Spec.CoupledInputForget);

    public override void EmitPackStepWeights(CodeWriter w, LayerPlan layer)
    {
        string[] t = TensorSlices(layer);
        string peephole = layer.Spec.Peephole ? t[4] : "ReadOnlySpan<float>.Empty";
        w.Line($"// {layer.Name}: W_ih, W_hh, b_ih + b_hh{(layer.Spec.Peephole ? ", peepholes" : string.Empty)} → per block of units, the biases of gates {GateText(layer)}, then their weights for each input of [x; h]{(layer.Spec.Peephole ? ", then the peepholes" : string.Empty)}");
        w.Line($"StreamingStep.PackLstm({t[0]}, {t[1]}, {t[2]}, {t[3]}, {peephole}, {layer.InputSize}, {layer.HiddenSize}, coupled: {(layer.Spec.CoupledInputForget ? "true" : "false")}, packed.Slice({layer.Name}_StepWeights, {StepWeightsLength(layer)}));");
    }

    public override void EmitStep(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        var spec = layer.Spec;
        OpenStep(w, layer, $"{Describe(layer)}, x_t [{layer.InputSize}], h_{{t−1}} and c_{{t−1}} → h_t, c_t [{layer.HiddenSize}]");
        w.Line($"// a = W_ih x_t + b_ih + W_hh h_{{t−1}} + b_hh, gates {GateText(layer)}, one block of units at a time over the packed weights");
        EmitCellComment(w, spec);
        w.Line($"StreamingStep.Lstm({PackedSlice(layer)}, x, s.{n}_H, s.{n}_C, s.{n}_Scratch, I, H, peephole: {(spec.Peephole ? "true" : "false")}, coupled: {(spec.CoupledInputForget ? "true" : "false")});");
        w.Close();
    }

    /// <summary>The equations of one cell update, with the peephole terms when the layer has them.</summary>
    private static void EmitCellComment(CodeWriter w, LayerSpec spec)
    {
        // The peephole terms: i and f look at the previous cell state, o at the new one.
        string PeepPrevious(string gate) => spec.Peephole ? " + p_" + gate + " ⊙ c_{t−1}" : string.Empty;
        string peepNew = spec.Peephole ? " + p_o ⊙ c_t" : string.Empty;
        if (spec.CoupledInputForget)
        {
            w.Raw("// f = σ(a_f" + PeepPrevious("f") + "), i = 1 − f, g = tanh(a_g)");
            w.Raw("// c_t = f ⊙ c_{t−1} + (1 − f) ⊙ g, o = σ(a_o" + peepNew + "), h_t = o ⊙ tanh(c_t)");
        }
        else
        {
            w.Raw("// i = σ(a_i" + PeepPrevious("i") + "), f = σ(a_f" + PeepPrevious("f") + "), g = tanh(a_g)");
            w.Raw("// c_t = f ⊙ c_{t−1} + i ⊙ g, o = σ(a_o" + peepNew + "), h_t = o ⊙ tanh(c_t)");
        }
    }

    private static int GateCount(LayerPlan layer) => layer.Spec.CoupledInputForget ? 3 : 4;

    private static int GateRows(LayerPlan layer) => GateCount(layer) * layer.HiddenSize;

    private static string GateText(LayerPlan layer) => layer.Spec.CoupledInputForget ? "f, g, o" : "i, f, g, o";

    /// <summary>The peephole weights (or their gradient) as a kernel argument; an empty span without peepholes.</summary>
    private static string Peephole(LayerPlan layer, bool gradient)
    {
        if (!layer.Spec.Peephole)
        {
            return gradient ? "dPeephole: Span<float>.Empty" : "peephole: ReadOnlySpan<float>.Empty";
        }

        return gradient ? "dWPeephole" : "wPeephole";
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
