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

    public override string Describe(LayerPlan layer)
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

    public override string ViewArguments(LayerPlan layer) =>
        $"{layer.InputSize}, {layer.OutputSize}, peephole: {Bool(layer.Spec.Peephole)}, coupledInputForget: {Bool(layer.Spec.CoupledInputForget)}";

    public override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        int h = layer.OutputSize;
        string n = layer.Name;
        string gates = GateText(layer);
        yield return new($"{n}_Gates", $"maxSteps * maxBatch * {GateRows(layer)}", $"gates [T, B, {GateCount(layer)}·{h}], blocks {gates}: pre-activations, then activations", false);
        yield return new($"{n}_H", $"(maxSteps + 1) * maxBatch * {h}", $"h [T+1, B, {h}]: hidden states, h[0] = h_0", false);
        yield return new($"{n}_C", $"(maxSteps + 1) * maxBatch * {h}", $"c [T+1, B, {h}]: cell states, c[0] = c_0", false);
        yield return new($"{n}_InitialState", $"maxBatch * {h}", $"h_0 [B, {h}]", false);
        yield return new($"{n}_FinalState", $"maxBatch * {h}", $"h_T [B, {h}]", false);
        yield return new($"{n}_InitialCellState", $"maxBatch * {h}", $"c_0 [B, {h}]", false);
        yield return new($"{n}_FinalCellState", $"maxBatch * {h}", $"c_T [B, {h}]", false);
        yield return OutputGradientBuffer(layer);
        yield return new($"{n}_dGates", $"maxSteps * maxBatch * {GateRows(layer)}", $"dL/da [T, B, {GateCount(layer)}·{h}], blocks {gates}: gradient of the gate pre-activations", true);
        yield return new($"{n}_dH", $"maxBatch * {h}", $"dL/dh_t [B, {h}] carried back through time", true);
        yield return new($"{n}_dC", $"maxBatch * {h}", $"dL/dc_t [B, {h}] carried back through time", true);
        yield return new($"{n}_InitialStateGradient", $"maxBatch * {h}", $"dL/dh_0 [B, {h}]", true);
        yield return new($"{n}_FinalStateGradient", $"maxBatch * {h}", $"dL/dh_T [B, {h}], given", true);
        yield return new($"{n}_InitialCellStateGradient", $"maxBatch * {h}", $"dL/dc_0 [B, {h}]", true);
        yield return new($"{n}_FinalCellStateGradient", $"maxBatch * {h}", $"dL/dc_T [B, {h}], given", true);
    }

    public override void EmitStateMembers(CodeWriter w, LayerPlan layer)
    {
        base.EmitStateMembers(w, layer);
        string n = layer.Name;
        int h = layer.OutputSize;
        w.Line($"/// <summary>Initial cell state <c>c_0</c> of <c>{n}</c>, <c>[MaxBatch, {h}]</c>; Forward reads the first <c>batch·{h}</c> values. Zero until written.</summary>");
        w.Line($"public Span<float> {n}InitialCellState => {n}_InitialCellState;");
        w.Blank();
        w.Line($"/// <summary>Final cell state <c>c_T</c> of <c>{n}</c> after the last Forward, <c>[MaxBatch, {h}]</c> (first <c>batch·{h}</c> values).</summary>");
        w.Line($"public Span<float> {n}FinalCellState => {n}_FinalCellState;");
        w.Blank();
        w.Line($"/// <summary>Gradient <c>dL/dc_0</c> of <c>{n}</c>'s initial cell state, written by Backward, <c>[MaxBatch, {h}]</c>. Empty for an inference workspace.</summary>");
        w.Line($"public Span<float> {n}InitialCellStateGradient => {n}_InitialCellStateGradient;");
        w.Blank();
        w.Line($"/// <summary>Gradient <c>dL/dc_T</c> of <c>{n}</c>'s final cell state, read by Backward, <c>[MaxBatch, {h}]</c>. Zero unless written (the loss does not depend on c_T).</summary>");
        w.Line($"public Span<float> {n}FinalCellStateGradient => {n}_FinalCellStateGradient;");
        w.Blank();
    }

    public override IEnumerable<string> ResetStatements(LayerPlan layer)
    {
        foreach (var statement in base.ResetStatements(layer))
        {
            yield return statement;
        }

        yield return $"{layer.Name}_InitialCellState.Clear();";
    }

    public override IEnumerable<string> CarryStatements(LayerPlan layer)
    {
        foreach (var statement in base.CarryStatements(layer))
        {
            yield return statement;
        }

        yield return $"{layer.Name}_FinalCellState.CopyTo({layer.Name}_InitialCellState);";
    }

    public override void EmitForward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        var spec = layer.Spec;
        w.Line($"/// <summary>{n} forward: {Describe(layer)}, x [T, B, {layer.InputSize}] → {(layer.OutputIsSequence ? "h" : "h_T")} {Shape(layer.OutputIsSequence, layer.OutputSize)}; gate blocks {GateText(layer)}.</summary>");
        w.Line($"private void {n}_Forward(Workspace ws, ReadOnlySpan<float> x, int batch, int steps)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, H = {layer.OutputSize}, G = {GateCount(layer)} * H;");
        EmitParameterViews(w, layer, gradients: false);
        w.Line($"int bh = batch * H, bg = batch * G;");
        w.Line($"Span<float> gates = ws.{n}_Gates.Slice(0, steps * bg); // [T, B, {GateCount(layer)}H], blocks {GateText(layer)}");
        w.Line($"Span<float> h = ws.{n}_H.Slice(0, (steps + 1) * bh); // h [T+1, B, H]");
        w.Line($"Span<float> c = ws.{n}_C.Slice(0, (steps + 1) * bh); // c [T+1, B, H]");
        w.Blank();
        w.Line($"// h[0] = h_0, c[0] = c_0: the initial states");
        w.Line($"ws.{n}_InitialState.Slice(0, bh).CopyTo(h);");
        w.Line($"ws.{n}_InitialCellState.Slice(0, bh).CopyTo(c);");
        w.Line($"// a_t = W_ih x_t + b_ih + b_hh for every t at once: one [T·B, I] × [I, {GateCount(layer)}H] product");
        w.Line($"Gemm.MatMulNT(x, wIh, gates, steps * batch, G, I, accumulate: false);");
        w.Line($"Vec.AddToRows(bIh, gates, steps * batch);");
        w.Line($"Vec.AddToRows(bHh, gates, steps * batch);");
        w.Line($"for (int t = 0; t < steps; t++)");
        w.Open();
        w.Line($"Span<float> gt = gates.Slice(t * bg, bg);");
        w.Line($"// a_t += W_hh h_{{t−1}}: one [B, H] × [H, {GateCount(layer)}H] product for all gates");
        w.Line($"Gemm.MatMulNT(h.Slice(t * bh, bh), wHh, gt, batch, G, H, accumulate: true);");
        EmitCellComment(w, spec);
        w.Line($"LstmCell.{(spec.CoupledInputForget ? "ForwardCoupled" : "Forward")}(gt, c.Slice(t * bh, bh), c.Slice((t + 1) * bh, bh), h.Slice((t + 1) * bh, bh), {Peephole(layer, gradient: false)}, batch, H);");
        w.Close();
        w.Blank();
        w.Line($"// h_T, c_T: the final states");
        w.Line($"h.Slice(steps * bh, bh).CopyTo(ws.{n}_FinalState);");
        w.Line($"c.Slice(steps * bh, bh).CopyTo(ws.{n}_FinalCellState);");
        w.Close();
    }

    public override void EmitBackward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        var spec = layer.Spec;
        string peepholeGradient = spec.Peephole ? ", dW_peephole" : string.Empty;
        w.Line($"/// <summary>{n} backward through time: dL/dy {Shape(layer.OutputIsSequence, layer.OutputSize)}, dL/dh_T and dL/dc_T → dW_ih, dW_hh, db_ih, db_hh{peepholeGradient}, dL/dh_0, dL/dc_0 and dx [T, B, {layer.InputSize}].</summary>");
        w.Line($"private void {n}_Backward(Workspace ws, ReadOnlySpan<float> x, Span<float> dx, int batch, int steps)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, H = {layer.OutputSize}, G = {GateCount(layer)} * H;");
        EmitParameterViews(w, layer, gradients: true);
        w.Line($"int bh = batch * H, bg = batch * G;");
        w.Line($"ReadOnlySpan<float> gates = ws.{n}_Gates.Slice(0, steps * bg); // activations [T, B, {GateCount(layer)}H], blocks {GateText(layer)}");
        w.Line($"ReadOnlySpan<float> h = ws.{n}_H.Slice(0, (steps + 1) * bh); // h [T+1, B, H]");
        w.Line($"ReadOnlySpan<float> c = ws.{n}_C.Slice(0, (steps + 1) * bh); // c [T+1, B, H]");
        w.Line($"ReadOnlySpan<float> dy = ws.{n}_dY.Slice(0, {(layer.OutputIsSequence ? "steps * bh" : "bh")}); // dL/dy {OutputGradientShape(layer)}");
        w.Line($"Span<float> dGates = ws.{n}_dGates.Slice(0, steps * bg); // dL/da [T, B, {GateCount(layer)}H]");
        w.Line($"Span<float> dh = ws.{n}_dH.Slice(0, bh); // dL/dh_t through the recurrence [B, H]");
        w.Line($"Span<float> dc = ws.{n}_dC.Slice(0, bh); // dL/dc_t through the recurrence [B, H]");
        w.Blank();
        w.Line($"// dh_T = ∂L/∂h_T, dc_T = ∂L/∂c_T: the gradients of the final states");
        w.Line($"ws.{n}_FinalStateGradient.Slice(0, bh).CopyTo(dh);");
        w.Line($"ws.{n}_FinalCellStateGradient.Slice(0, bh).CopyTo(dc);");
        if (!layer.OutputIsSequence)
        {
            w.Line($"// dh_T += dy: the layer above read only h_T");
            w.Line($"Vec.Add(dy, dh);");
        }

        w.Line($"for (int t = steps - 1; t >= 0; t--)");
        w.Open();
        w.Line($"Span<float> dGt = dGates.Slice(t * bg, bg);");
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
        w.Close();
        w.Blank();
        w.Line($"// dL/dh_0, dL/dc_0");
        w.Line($"dh.CopyTo(ws.{n}_InitialStateGradient);");
        w.Line($"dc.CopyTo(ws.{n}_InitialCellStateGradient);");
        w.Line($"// dW_ih += Σ_t da_tᵀ x_t: one [{GateCount(layer)}H, T·B] × [T·B, I] product");
        w.Line($"Gemm.MatMulTN(dGates, x, dWIh, G, I, steps * batch, accumulate: true);");
        w.Line($"// dW_hh += Σ_t da_tᵀ h_{{t−1}}");
        w.Line($"Gemm.MatMulTN(dGates, h.Slice(0, steps * bh), dWHh, G, H, steps * batch, accumulate: true);");
        w.Line($"// db_ih += Σ_t da_t; db_hh += Σ_t da_t");
        w.Line($"Vec.AddColumnSums(dGates, steps * batch, dBIh);");
        w.Line($"Vec.AddColumnSums(dGates, steps * batch, dBHh);");
        w.Line($"// dx_t = W_ihᵀ da_t");
        w.Line($"if (!dx.IsEmpty)");
        w.Open();
        w.Line($"Gemm.MatMulNN(dGates, wIh, dx, steps * batch, I, G, accumulate: false);");
        w.Close();
        w.Close();
    }

    public override IEnumerable<StateBuffer> StateBuffers(LayerPlan layer)
    {
        int h = layer.OutputSize;
        string n = layer.Name;
        yield return HiddenStateBuffer(layer);
        yield return new($"{n}_C", h, $"c [{h}]: c_{{t−1}} before a step, c_t after it", n + "Cell", $"Cell state <c>c_t</c> of <c>{n}</c> after the last step, <c>[{h}]</c>");
        yield return new($"{n}_Gates", GateRows(layer), $"gates [{GateCount(layer)}·{h}], blocks {GateText(layer)}: pre-activations, then activations of one step");
        yield return new($"{n}_NextC", h, $"c_t [{h}], written while c_{{t−1}} is still read");
    }

    public override void EmitStep(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        var spec = layer.Spec;
        w.Line($"/// <summary>{n} step: {Describe(layer)}, x_t [{layer.InputSize}], h_{{t−1}} and c_{{t−1}} → h_t, c_t [{layer.OutputSize}], one stream; gate blocks {GateText(layer)}.</summary>");
        w.Line($"private void {n}_Step(State s, ReadOnlySpan<float> x)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, H = {layer.OutputSize}, G = {GateCount(layer)} * H;");
        EmitParameterViews(w, layer, gradients: false);
        w.Line($"Span<float> gates = s.{n}_Gates; // [{GateCount(layer)}H], blocks {GateText(layer)}");
        w.Line($"Span<float> h = s.{n}_H; // h_{{t−1}} [H], then h_t");
        w.Line($"Span<float> c = s.{n}_C; // c_{{t−1}} [H], then c_t");
        w.Line($"Span<float> nextC = s.{n}_NextC; // c_t [H]");
        w.Blank();
        w.Line($"// a_t = W_ih x_t + b_ih + b_hh");
        w.Line($"MatVec.Multiply(wIh, x, gates, G, I, accumulate: false);");
        w.Line($"Vec.Add(bIh, gates);");
        w.Line($"Vec.Add(bHh, gates);");
        w.Line($"// a_t += W_hh h_{{t−1}}: one [{GateCount(layer)}H, H] × [H] product for all gates");
        w.Line($"MatVec.Multiply(wHh, h, gates, G, H, accumulate: true);");
        w.Line($"// h_t overwrites h_{{t−1}}, which the product above has consumed; c_t goes to nextC while c_{{t−1}} is read");
        EmitCellComment(w, spec);
        w.Line($"LstmCell.{(spec.CoupledInputForget ? "ForwardCoupled" : "Forward")}(gates, c, nextC, h, {Peephole(layer, gradient: false)}, 1, H);");
        w.Line($"nextC.CopyTo(c);");
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

    private static int GateRows(LayerPlan layer) => GateCount(layer) * layer.OutputSize;

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
