using System.Collections.Generic;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit;

/// <summary>
/// GRU layer, gate order r, z, n: <c>r = σ(a_r + â_r)</c>, <c>z = σ(a_z + â_z)</c>, <c>h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}</c>,
/// with the candidate <c>n = tanh(a_n + r ⊙ â_n)</c> when the reset acts after the recurrent product (PyTorch's form,
/// <c>â = W_hh h_{t−1} + b_hh</c>) or <c>n = tanh(a_n + W_hn (r ⊙ h_{t−1}))</c> when it acts before (Cho et al. 2014),
/// where <c>a = W_ih x_t + b_ih</c>. The input projection of all steps is one product. Reset after: each step one
/// recurrent product for all gates and one fused pass. Reset before: the candidate's recurrent product reads
/// <c>r ⊙ h_{t−1}</c>, so each step is the (r, z) product, a fused pass, the n product, a fused pass; the gradients
/// of the (r, z) and n pre-activations are then kept as two blocks because their weight gradients multiply
/// different inputs (<c>h_{t−1}</c> and <c>r ⊙ h_{t−1}</c>).
/// </summary>
internal sealed class GruEmitter : RecurrentEmitter
{
    public static readonly GruEmitter Instance = new();

    protected override string CellName(LayerPlan layer) => layer.Spec.ResetAfter ? "GRU (reset after)" : "GRU (reset before)";

    protected override string CellViewArguments(LayerPlan layer) =>
        $"{layer.InputSize}, {layer.HiddenSize}, resetAfter: {(layer.Spec.ResetAfter ? "true" : "false")}";

    protected override string SizeConstants(LayerPlan layer) => $"const int I = {layer.InputSize}, H = {layer.HiddenSize}, G = 3 * H;";

    protected override string ForwardSummaryTail(LayerPlan layer) => "; gate blocks r, z, n";

    protected override string BackwardSummary(LayerPlan layer) => " and dL/dh_T → dW_ih, dW_hh, db_ih, db_hh, dL/dh_0";

    protected override IEnumerable<WorkspaceBuffer> ForwardBuffers(LayerPlan layer, Direction d)
    {
        int h = layer.HiddenSize;
        string a = d.Arrow;
        if (layer.Spec.ResetAfter)
        {
            yield return new(d.Field("Gates"), $"maxSteps * maxBatch * {3 * h}", $"gates{a} [T, B, 3·{h}], blocks r, z, n: W_ih x_t + b_ih, then activations", false);
            yield return new(d.Field("HiddenGates"), $"maxSteps * maxBatch * {3 * h}", $"â{a} [T, B, 3·{h}], blocks r, z, n: W_hh h_{{t−1}} + b_hh", false);
        }
        else
        {
            yield return new(d.Field("Gates"), $"maxSteps * maxBatch * {3 * h}", $"gates{a} [T, B, 3·{h}], blocks r, z, n: W_ih x_t + b_ih + b_hh, then activations", false);
            yield return new(d.Field("ResetHidden"), $"maxSteps * maxBatch * {h}", $"r_t ⊙ h_{{t−1}}{a} [T, B, {h}]", false);
            yield return new(d.Field("HiddenResetUpdate"), $"maxBatch * {2 * h}", $"â_{{r,z}}{a} [B, 2·{h}]: W_h{{r,z}} h_{{t−1}} of one step", false);
            yield return new(d.Field("HiddenCandidate"), $"maxBatch * {h}", $"â_n{a} [B, {h}]: W_hn (r ⊙ h_{{t−1}}) of one step", false);
        }

        yield return new(d.Field("H"), $"(maxSteps + 1) * maxBatch * {h}", $"h{a} [T+1, B, {h}]: hidden states, h[0] = h_0", false);
    }

    protected override IEnumerable<WorkspaceBuffer> BackwardBuffers(LayerPlan layer, Direction d)
    {
        int h = layer.HiddenSize;
        string a = d.Arrow;
        if (layer.Spec.ResetAfter)
        {
            yield return new(d.Field("dGates"), $"maxSteps * maxBatch * {3 * h}", $"dL/da{a} [T, B, 3·{h}], blocks r, z, n", true);
            yield return new(d.Field("dHiddenGates"), $"maxSteps * maxBatch * {3 * h}", $"dL/dâ{a} [T, B, 3·{h}], blocks r, z, n", true);
        }
        else
        {
            yield return new(d.Field("dResetUpdate"), $"maxSteps * maxBatch * {2 * h}", $"dL/da_{{r,z}}{a} [T, B, 2·{h}], blocks r, z", true);
            yield return new(d.Field("dCandidate"), $"maxSteps * maxBatch * {h}", $"dL/da_n{a} [T, B, {h}]", true);
            yield return new(d.Field("dResetHidden"), $"maxBatch * {h}", $"dL/d(r ⊙ h_{{t−1}}){a} [B, {h}] of one step", true);
        }

        yield return new(d.Field("dH"), $"maxBatch * {h}", $"dL/dh{a}_t [B, {h}] carried back through time", true);
    }

    protected override void EmitDirectionForward(CodeWriter w, LayerPlan layer, Direction d)
    {
        EmitDirectionViews(w, d, gradients: false);
        if (layer.Spec.ResetAfter)
        {
            EmitForwardResetAfter(w, layer, d);
        }
        else
        {
            EmitForwardResetBefore(w, layer, d);
        }

        w.Blank();
        EmitFinalStates(w, layer, d);
    }

    protected override void EmitDirectionBackward(CodeWriter w, LayerPlan layer, Direction d)
    {
        EmitDirectionViews(w, d, gradients: true);
        w.Line($"ReadOnlySpan<float> gates = {d.Buffer("Gates")}.Slice(0, steps * bg); // activations [T, B, 3H], blocks r, z, n");
        w.Line($"ReadOnlySpan<float> h = {d.Buffer("H")}.Slice(0, (steps + 1) * bh); // h{d.Arrow} [T+1, B, H]");
        w.Line($"Span<float> dy = {d.Buffer("dY")}.Slice(0, {(layer.OutputIsSequence ? "steps * bh" : "bh")}); // dL/dh{d.Arrow} from above {OutputGradientShape(layer)}");
        if (layer.Spec.ResetAfter)
        {
            EmitBackwardResetAfter(w, layer, d);
        }
        else
        {
            EmitBackwardResetBefore(w, layer, d);
        }
    }

    public override IEnumerable<StateBuffer> StateBuffers(LayerPlan layer)
    {
        yield return HiddenStateBuffer(layer);
        yield return ScratchBuffer(layer, layer.Spec.ResetAfter
            ? StepLayout.Scratch(layer.InputSize, layer.HiddenSize)
            : StepLayout.GruResetBeforeScratch(layer.InputSize, layer.HiddenSize));
    }

    public override int StepWeightsLength(LayerPlan layer) => StepLayout.GruLength(layer.InputSize, layer.HiddenSize, layer.Spec.ResetAfter);

    public override void EmitPackStepWeights(CodeWriter w, LayerPlan layer)
    {
        string[] t = TensorSlices(layer);
        string layout = layer.Spec.ResetAfter
            ? "per block of units, the biases b_ir + b_hr, b_iz + b_hz, b_in, b_hn, then the weights of r, z, n for each input of [x; h]"
            : "per block of units, the biases b_ir + b_hr, b_iz + b_hz, b_in + b_hn, the weights of r, z, n for each input of x and of r, z for each of h; then W_hn block by block";
        w.Line($"// {layer.Name}: W_ih, W_hh, b_ih, b_hh → {layout}");
        w.Line($"StreamingStep.PackGru({t[0]}, {t[1]}, {t[2]}, {t[3]}, {layer.InputSize}, {layer.HiddenSize}, resetAfter: {(layer.Spec.ResetAfter ? "true" : "false")}, packed.Slice({layer.Name}_StepWeights, {StepWeightsLength(layer)}));");
    }

    public override void EmitStep(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        bool after = layer.Spec.ResetAfter;
        OpenStep(w, layer, $"{Describe(layer)}, x_t [{layer.InputSize}] and h_{{t−1}} → h_t [{layer.HiddenSize}]; gates r, z, n");
        w.Line($"// r = σ(W_ir x_t + b_ir + W_hr h_{{t−1}} + b_hr), z = σ(W_iz x_t + b_iz + W_hz h_{{t−1}} + b_hz)");
        w.Raw(after
            ? $"// n = tanh(W_in x_t + b_in + r ⊙ (W_hn h_{{t−1}} + b_hn)), one block of units at a time over the packed weights"
            : $"// n = tanh(W_in x_t + b_in + W_hn (r ⊙ h_{{t−1}}) + b_hn): r and z for every block first, then n block by block");
        w.Line($"// h_t = (1 − z) ⊙ n + z ⊙ h_{{t−1}}");
        w.Line($"StreamingStep.Gru({PackedSlice(layer)}, x, s.{n}_H, s.{n}_Scratch, I, H, resetAfter: {(after ? "true" : "false")});");
        w.Close();
    }

    private void EmitForwardResetAfter(CodeWriter w, LayerPlan layer, Direction d)
    {
        w.Line($"Span<float> gates = {d.Buffer("Gates")}.Slice(0, steps * bg); // a = W_ih x + b_ih [T, B, 3H], blocks r, z, n; then activations");
        w.Line($"Span<float> hiddenGates = {d.Buffer("HiddenGates")}.Slice(0, steps * bg); // â = W_hh h_{{t−1}} + b_hh [T, B, 3H]");
        w.Line($"Span<float> h = {d.Buffer("H")}.Slice(0, (steps + 1) * bh); // h{d.Arrow} [T+1, B, H]");
        w.Blank();
        w.Line($"// h[0] = h_0, the initial state");
        w.Line($"{d.State("InitialState")}.CopyTo(h);");
        w.Line($"// a_t = W_ih x_t + b_ih for every t at once: one [T·B, I] × [I, 3H] product");
        w.Line($"Gemm.MatMulNT({d.Input}, wIh, gates, steps * batch, G, I, accumulate: false);");
        w.Line($"Vec.AddToRows(bIh, gates, steps * batch);");
        w.Line($"for (int t = 0; t < steps; t++)");
        w.Open();
        w.Line($"Span<float> hiddenGatesT = hiddenGates.Slice(t * bg, bg);");
        w.Line($"// â_t = W_hh h_{{t−1}} + b_hh: one [B, H] × [H, 3H] product for all gates");
        w.Line($"Gemm.MatMulNT(h.Slice(t * bh, bh), wHh, hiddenGatesT, batch, G, H, accumulate: false);");
        w.Line($"Vec.AddToRows(bHh, hiddenGatesT, batch);");
        w.Line($"// r = σ(a_r + â_r), z = σ(a_z + â_z), n = tanh(a_n + r ⊙ â_n), h_t = (1 − z) ⊙ n + z ⊙ h_{{t−1}}");
        w.Line($"GruCell.ForwardResetAfter(gates.Slice(t * bg, bg), hiddenGatesT, h.Slice(t * bh, bh), h.Slice((t + 1) * bh, bh), batch, H);");
        EmitForwardStepMask(w, layer);
        w.Close();
    }

    private void EmitBackwardResetAfter(CodeWriter w, LayerPlan layer, Direction d)
    {
        w.Line($"ReadOnlySpan<float> hiddenGates = {d.Buffer("HiddenGates")}.Slice(0, steps * bg); // â = W_hh h_{{t−1}} + b_hh [T, B, 3H]");
        w.Line($"Span<float> dGates = {d.Buffer("dGates")}.Slice(0, steps * bg); // dL/da [T, B, 3H]");
        w.Line($"Span<float> dHiddenGates = {d.Buffer("dHiddenGates")}.Slice(0, steps * bg); // dL/dâ [T, B, 3H]");
        w.Line($"Span<float> dh = {d.Buffer("dH")}.Slice(0, bh); // dL/dh_t through the recurrence [B, H]");
        EmitCarryBuffers(w, layer);
        w.Blank();
        EmitFinalStateGradient(w, layer, d);
        w.Line($"for (int t = steps - 1; t >= 0; t--)");
        w.Open();
        w.Line($"Span<float> dHiddenGatesT = dHiddenGates.Slice(t * bg, bg);");
        EmitBackwardStepMaskStart(w, layer);
        EmitStepOutputGradient(w, layer);
        w.Line($"// da_n = dh_t ⊙ (1 − z) ⊙ (1 − n²), da_z = dh_t ⊙ (h_{{t−1}} − n) ⊙ z(1 − z), da_r = da_n ⊙ â_n ⊙ r(1 − r)");
        w.Line($"// dâ = (da_r, da_z, r ⊙ da_n); dh_{{t−1}} = dh_t ⊙ z, the path that skips the gates");
        w.Line($"GruCell.BackwardResetAfter(gates.Slice(t * bg, bg), hiddenGates.Slice(t * bg, bg), h.Slice(t * bh, bh), dh, dGates.Slice(t * bg, bg), dHiddenGatesT, batch, H);");
        w.Line($"// dh_{{t−1}} += W_hhᵀ dâ_t: one [B, 3H] × [3H, H] product");
        w.Line($"Gemm.MatMulNN(dHiddenGatesT, wHh, dh, batch, H, G, accumulate: true);");
        EmitBackwardStepMaskEnd(w, layer);
        w.Close();
        w.Blank();
        w.Line($"// dL/dh_0");
        w.Line($"dh.CopyTo({d.State("InitialStateGradient")});");
        w.Line($"// dW_ih += Σ_t da_tᵀ x_t: one [3H, T·B] × [T·B, I] product");
        w.Line($"Gemm.MatMulTN(dGates, {d.Input}, dWIh, G, I, steps * batch, accumulate: true);");
        w.Line($"// dW_hh += Σ_t dâ_tᵀ h_{{t−1}}");
        w.Line($"Gemm.MatMulTN(dHiddenGates, h.Slice(0, steps * bh), dWHh, G, H, steps * batch, accumulate: true);");
        w.Line($"// db_ih += Σ_t da_t; db_hh += Σ_t dâ_t");
        w.Line($"Vec.AddColumnSums(dGates, steps * batch, dBIh);");
        w.Line($"Vec.AddColumnSums(dHiddenGates, steps * batch, dBHh);");
        w.Line($"// dx_t = W_ihᵀ da_t");
        w.Line($"if (!{d.InputGradient}.IsEmpty)");
        w.Open();
        w.Line($"Gemm.MatMulNN(dGates, wIh, {d.InputGradient}, steps * batch, I, G, accumulate: false);");
        w.Close();
    }

    private void EmitForwardResetBefore(CodeWriter w, LayerPlan layer, Direction d)
    {
        w.Line($"ReadOnlySpan<float> wHrz = wHh.Slice(0, 2 * H * H); // W_h{{r,z}} [2H, H]");
        w.Line($"ReadOnlySpan<float> wHn = wHh.Slice(2 * H * H, H * H); // W_hn [H, H]");
        w.Line($"Span<float> gates = {d.Buffer("Gates")}.Slice(0, steps * bg); // a = W_ih x + b_ih + b_hh [T, B, 3H], blocks r, z, n; then activations");
        w.Line($"Span<float> resetHidden = {d.Buffer("ResetHidden")}.Slice(0, steps * bh); // r_t ⊙ h_{{t−1}} [T, B, H]");
        w.Line($"Span<float> hiddenResetUpdate = {d.Buffer("HiddenResetUpdate")}.Slice(0, 2 * bh); // â_{{r,z}} [B, 2H], one step");
        w.Line($"Span<float> hiddenCandidate = {d.Buffer("HiddenCandidate")}.Slice(0, bh); // â_n [B, H], one step");
        w.Line($"Span<float> h = {d.Buffer("H")}.Slice(0, (steps + 1) * bh); // h{d.Arrow} [T+1, B, H]");
        w.Blank();
        w.Line($"// h[0] = h_0, the initial state");
        w.Line($"{d.State("InitialState")}.CopyTo(h);");
        w.Line($"// a_t = W_ih x_t + b_ih + b_hh for every t at once (b_hn is outside the reset in this form): one [T·B, I] × [I, 3H] product");
        w.Line($"Gemm.MatMulNT({d.Input}, wIh, gates, steps * batch, G, I, accumulate: false);");
        w.Line($"Vec.AddToRows(bIh, gates, steps * batch);");
        w.Line($"Vec.AddToRows(bHh, gates, steps * batch);");
        w.Line($"for (int t = 0; t < steps; t++)");
        w.Open();
        w.Line($"Span<float> gt = gates.Slice(t * bg, bg);");
        w.Line($"ReadOnlySpan<float> hPrevious = h.Slice(t * bh, bh);");
        w.Line($"Span<float> resetHiddenT = resetHidden.Slice(t * bh, bh);");
        w.Line($"// â_{{r,z}} = W_h{{r,z}} h_{{t−1}}: one [B, H] × [H, 2H] product");
        w.Line($"Gemm.MatMulNT(hPrevious, wHrz, hiddenResetUpdate, batch, 2 * H, H, accumulate: false);");
        w.Line($"// r = σ(a_r + â_r), z = σ(a_z + â_z), and r ⊙ h_{{t−1}}");
        w.Line($"GruCell.ForwardGatesResetBefore(gt, hiddenResetUpdate, hPrevious, resetHiddenT, batch, H);");
        w.Line($"// â_n = W_hn (r ⊙ h_{{t−1}}): one [B, H] × [H, H] product");
        w.Line($"Gemm.MatMulNT(resetHiddenT, wHn, hiddenCandidate, batch, H, H, accumulate: false);");
        w.Line($"// n = tanh(a_n + â_n), h_t = (1 − z) ⊙ n + z ⊙ h_{{t−1}}");
        w.Line($"GruCell.ForwardCandidateResetBefore(gt, hiddenCandidate, hPrevious, h.Slice((t + 1) * bh, bh), batch, H);");
        EmitForwardStepMask(w, layer);
        w.Close();
    }

    private void EmitBackwardResetBefore(CodeWriter w, LayerPlan layer, Direction d)
    {
        w.Line($"ReadOnlySpan<float> resetHidden = {d.Buffer("ResetHidden")}.Slice(0, steps * bh); // r_t ⊙ h_{{t−1}} [T, B, H]");
        w.Line($"ReadOnlySpan<float> wIrz = wIh.Slice(0, 2 * H * I), wIn = wIh.Slice(2 * H * I, H * I); // W_i{{r,z}} [2H, I], W_in [H, I]");
        w.Line($"ReadOnlySpan<float> wHrz = wHh.Slice(0, 2 * H * H), wHn = wHh.Slice(2 * H * H, H * H); // W_h{{r,z}} [2H, H], W_hn [H, H]");
        w.Line($"Span<float> dWIrz = dWIh.Slice(0, 2 * H * I), dWIn = dWIh.Slice(2 * H * I, H * I); // dW_i{{r,z}} [2H, I], dW_in [H, I]");
        w.Line($"Span<float> dWHrz = dWHh.Slice(0, 2 * H * H), dWHn = dWHh.Slice(2 * H * H, H * H); // dW_h{{r,z}} [2H, H], dW_hn [H, H]");
        w.Line($"Span<float> dResetUpdate = {d.Buffer("dResetUpdate")}.Slice(0, steps * 2 * bh); // dL/da_{{r,z}} [T, B, 2H]");
        w.Line($"Span<float> dCandidate = {d.Buffer("dCandidate")}.Slice(0, steps * bh); // dL/da_n [T, B, H]");
        w.Line($"Span<float> dResetHidden = {d.Buffer("dResetHidden")}.Slice(0, bh); // dL/d(r ⊙ h_{{t−1}}) [B, H], one step");
        w.Line($"Span<float> dh = {d.Buffer("dH")}.Slice(0, bh); // dL/dh_t through the recurrence [B, H]");
        EmitCarryBuffers(w, layer);
        w.Blank();
        EmitFinalStateGradient(w, layer, d);
        w.Line($"for (int t = steps - 1; t >= 0; t--)");
        w.Open();
        w.Line($"ReadOnlySpan<float> gt = gates.Slice(t * bg, bg);");
        w.Line($"ReadOnlySpan<float> hPrevious = h.Slice(t * bh, bh);");
        w.Line($"Span<float> dResetUpdateT = dResetUpdate.Slice(t * 2 * bh, 2 * bh);");
        w.Line($"Span<float> dCandidateT = dCandidate.Slice(t * bh, bh);");
        EmitBackwardStepMaskStart(w, layer);
        EmitStepOutputGradient(w, layer);
        w.Line($"// da_n = dh_t ⊙ (1 − z) ⊙ (1 − n²), da_z = dh_t ⊙ (h_{{t−1}} − n) ⊙ z(1 − z); dh_{{t−1}} = dh_t ⊙ z, the path that skips the gates");
        w.Line($"GruCell.BackwardCandidateResetBefore(gt, hPrevious, dh, dResetUpdateT, dCandidateT, batch, H);");
        w.Line($"// d(r ⊙ h_{{t−1}}) = W_hnᵀ da_n: one [B, H] × [H, H] product");
        w.Line($"Gemm.MatMulNN(dCandidateT, wHn, dResetHidden, batch, H, H, accumulate: false);");
        w.Line($"// da_r = d(r ⊙ h_{{t−1}}) ⊙ h_{{t−1}} ⊙ r(1 − r); dh_{{t−1}} += d(r ⊙ h_{{t−1}}) ⊙ r");
        w.Line($"GruCell.BackwardGatesResetBefore(gt, hPrevious, dResetHidden, dh, dResetUpdateT, batch, H);");
        w.Line($"// dh_{{t−1}} += W_h{{r,z}}ᵀ da_{{r,z}}: one [B, 2H] × [2H, H] product");
        w.Line($"Gemm.MatMulNN(dResetUpdateT, wHrz, dh, batch, H, 2 * H, accumulate: true);");
        EmitBackwardStepMaskEnd(w, layer);
        w.Close();
        w.Blank();
        w.Line($"// dL/dh_0");
        w.Line($"dh.CopyTo({d.State("InitialStateGradient")});");
        w.Line($"// The (r, z) rows and the n rows of W_hh multiply different inputs, h_{{t−1}} and r ⊙ h_{{t−1}}, so each block gets");
        w.Line($"// its own product over all steps.");
        w.Line($"// dW_i{{r,z}} += Σ_t da_{{r,z}}ᵀ x_t; dW_in += Σ_t da_nᵀ x_t: [2H, T·B] × [T·B, I] and [H, T·B] × [T·B, I]");
        w.Line($"Gemm.MatMulTN(dResetUpdate, {d.Input}, dWIrz, 2 * H, I, steps * batch, accumulate: true);");
        w.Line($"Gemm.MatMulTN(dCandidate, {d.Input}, dWIn, H, I, steps * batch, accumulate: true);");
        w.Line($"// dW_h{{r,z}} += Σ_t da_{{r,z}}ᵀ h_{{t−1}}; dW_hn += Σ_t da_nᵀ (r_t ⊙ h_{{t−1}})");
        w.Line($"Gemm.MatMulTN(dResetUpdate, h.Slice(0, steps * bh), dWHrz, 2 * H, H, steps * batch, accumulate: true);");
        w.Line($"Gemm.MatMulTN(dCandidate, resetHidden, dWHn, H, H, steps * batch, accumulate: true);");
        w.Line($"// db_ih += Σ_t (da_r, da_z, da_n), and db_hh the same: in this form both biases add straight into every pre-activation");
        w.Line($"Vec.AddColumnSums(dResetUpdate, steps * batch, dBIh.Slice(0, 2 * H));");
        w.Line($"Vec.AddColumnSums(dCandidate, steps * batch, dBIh.Slice(2 * H, H));");
        w.Line($"Vec.AddColumnSums(dResetUpdate, steps * batch, dBHh.Slice(0, 2 * H));");
        w.Line($"Vec.AddColumnSums(dCandidate, steps * batch, dBHh.Slice(2 * H, H));");
        w.Line($"// dx_t = W_i{{r,z}}ᵀ da_{{r,z}} + W_inᵀ da_n");
        w.Line($"if (!{d.InputGradient}.IsEmpty)");
        w.Open();
        w.Line($"Gemm.MatMulNN(dResetUpdate, wIrz, {d.InputGradient}, steps * batch, I, 2 * H, accumulate: false);");
        w.Line($"Gemm.MatMulNN(dCandidate, wIn, {d.InputGradient}, steps * batch, I, H, accumulate: true);");
        w.Close();
    }

    /// <summary>Starts dh from the given gradient of the final state, plus dy when the layer returns only <c>h_T</c>.</summary>
    private static void EmitFinalStateGradient(CodeWriter w, LayerPlan layer, Direction d)
    {
        w.Line($"// dh_T = ∂L/∂h_T, the gradient of the final state");
        w.Line($"{d.State("FinalStateGradient")}.CopyTo(dh);");
        if (!layer.OutputIsSequence)
        {
            w.Line($"// dh_T += dy: the layer above read only h_T");
            w.Line($"Vec.Add(dy, dh);");
        }

        EmitOutputGradientMask(w, layer);
    }

    /// <summary>Adds the step's output gradient to dh when the layer returns every step.</summary>
    private static void EmitStepOutputGradient(CodeWriter w, LayerPlan layer)
    {
        if (layer.OutputIsSequence)
        {
            w.Line($"// dh_t = dy_t + (what h_t fed into step t+1)");
            w.Line($"Vec.Add(dy.Slice(t * bh, bh), dh);");
        }
    }
}
