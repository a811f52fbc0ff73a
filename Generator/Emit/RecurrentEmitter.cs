using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit;

/// <summary>One recurrent state of a layer: <c>h</c>, and for the LSTM the cell state <c>c</c>.</summary>
/// <param name="Member">Member stem: <c>State</c> gives <c>{Layer}InitialState</c>, <c>{Layer}FinalState</c>, ...</param>
/// <param name="Symbol">Equation symbol, <c>h</c> or <c>c</c>.</param>
/// <param name="Description">Words for documentation, <c>state</c> or <c>cell state</c>.</param>
internal sealed record RecurrentState(string Member, string Symbol, string Description)
{
    /// <summary>The buffer carrying <c>dL/d{symbol}_t</c> back through time, <c>dH</c> or <c>dC</c>.</summary>
    public string Gradient => "d" + Symbol.ToUpperInvariant();

    /// <summary>The local holding it in generated code, <c>dh</c> or <c>dc</c>.</summary>
    public string GradientLocal => "d" + Symbol;
}

/// <summary>
/// One direction of a recurrent layer, and the names its code uses. A unidirectional layer has one, whose buffers
/// carry no suffix; a bidirectional layer has a forward and a reverse direction with buffers suffixed
/// <c>Forward</c> and <c>Reverse</c>. The reverse direction runs the very same code on each sequence read back to
/// front (<c>xReverse</c>), so both directions are one template.
/// </summary>
internal sealed class Direction
{
    public Direction(LayerPlan layer, int index)
    {
        Layer = layer;
        Index = index;
    }

    public LayerPlan Layer { get; }

    /// <summary>0 forward, 1 reverse.</summary>
    public int Index { get; }

    public bool IsReverse => Index == 1;

    public bool IsOnly => Layer.Directions == 1;

    public string Suffix => IsOnly ? string.Empty : IsReverse ? "Reverse" : "Forward";

    /// <summary>The local holding the direction's input <c>[T, B, I]</c>.</summary>
    public string Input => IsReverse ? "xReverse" : "x";

    /// <summary>The local receiving the direction's input gradient.</summary>
    public string InputGradient => IsReverse ? "dxReverse" : "dx";

    /// <summary>An arrow for comments: → or ←, nothing for a unidirectional layer.</summary>
    public string Arrow => IsOnly ? string.Empty : IsReverse ? "←" : "→";

    public IReadOnlyList<TensorPlan> Tensors => Layer.DirectionTensors(Index);

    /// <summary>The direction's own workspace buffer: <c>ws.{Layer}_{name}{Suffix}</c>.</summary>
    public string Buffer(string name) => $"ws.{Layer.Name}_{name}{Suffix}";

    /// <summary>The field name of that buffer.</summary>
    public string Field(string name) => $"{Layer.Name}_{name}{Suffix}";

    /// <summary>The direction's block of a state buffer laid out <c>[D, MaxBatch, H]</c>: <c>[B, H]</c>.</summary>
    public string State(string member) => $"ws.{Layer.Name}_{member}.Slice({(IsReverse ? "ws.MaxBatch * H" : "0")}, bh)";
}

/// <summary>
/// What every recurrent layer emits the same way. Each direction keeps its hidden states for all steps as
/// <c>H [T+1, B, H]</c> with <c>h[0] = h_0</c> (a unidirectional layer that returns sequences hands a slice of it to
/// the next layer); the public initial and final states and their gradients are <c>[D, MaxBatch, H]</c>. Forward and
/// backward are a template: the subclass writes one direction's body (<see cref="EmitDirectionForward"/>,
/// <see cref="EmitDirectionBackward"/>) and this class runs it once, or for a bidirectional layer twice, the second
/// time on every sequence reversed within its own length, then joins the directions' outputs into <c>[h→; h←]</c>.
/// With variable lengths, rows past a sequence's end are masked: zero output, state left at its last valid step,
/// no gradient; without lengths the masks are skipped. In a streaming state a unidirectional layer keeps <c>h</c> of
/// one stream as <c>{Name}_H [H]</c>, which is also its step output; a bidirectional layer cannot step, since its
/// reverse direction needs the whole sequence.
/// </summary>
internal abstract class RecurrentEmitter : LayerEmitter
{
    /// <summary>The layer's recurrent states: <c>h</c>, and <c>c</c> for the LSTM.</summary>
    protected virtual IReadOnlyList<RecurrentState> States(LayerPlan layer) => new[] { new RecurrentState("State", "h", "state") };

    /// <summary>Declarations of sizes at the top of both methods (<c>const int I = …, H = …</c>).</summary>
    protected abstract string SizeConstants(LayerPlan layer);

    /// <summary>Whether the step methods use <c>bg = batch · G</c>.</summary>
    protected virtual bool HasGates => true;

    /// <summary>Buffers one direction needs for forward (kept for backward too).</summary>
    protected abstract IEnumerable<WorkspaceBuffer> ForwardBuffers(LayerPlan layer, Direction d);

    /// <summary>Buffers one direction needs only for backward.</summary>
    protected abstract IEnumerable<WorkspaceBuffer> BackwardBuffers(LayerPlan layer, Direction d);

    /// <summary>One direction's forward pass; <c>p</c>, <c>lengths</c>, <c>bh</c> (and <c>bg</c>) are declared.</summary>
    protected abstract void EmitDirectionForward(CodeWriter w, LayerPlan layer, Direction d);

    /// <summary>One direction's backward pass; <c>p</c>, <c>g</c>, <c>lengths</c>, <c>bh</c> (and <c>bg</c>) are declared.</summary>
    protected abstract void EmitDirectionBackward(CodeWriter w, LayerPlan layer, Direction d);

    /// <summary>The shape the forward summary names: "LSTM", "GRU (reset after)", ...</summary>
    protected abstract string CellName(LayerPlan layer);

    public sealed override string Describe(LayerPlan layer) => layer.Directions == 2 ? "bidirectional " + CellName(layer) : CellName(layer);

    /// <summary>Whether the layer's output is a slice of its hidden states (unidirectional, every step) rather than its own <c>Y</c> buffer.</summary>
    protected static bool OutputIsStates(LayerPlan layer) => layer.Directions == 1 && layer.OutputIsSequence;

    public override string Output(LayerPlan layer) => OutputIsStates(layer)
        ? $"ws.{layer.Name}_H.Slice(batch * {layer.HiddenSize}, steps * batch * {layer.HiddenSize})"
        : $"ws.{layer.Name}_Y.Slice(0, {Rows(layer.OutputIsSequence)} * {layer.OutputSize})";

    public override string ViewArguments(LayerPlan layer) => layer.Directions == 2 ? CellViewArguments(layer) + ", bidirectional: true" : CellViewArguments(layer);

    /// <summary>The view's constructor arguments after name, arena and offset, without the direction.</summary>
    protected virtual string CellViewArguments(LayerPlan layer) => $"{layer.InputSize}, {layer.HiddenSize}";

    public static IReadOnlyList<Direction> DirectionsOf(LayerPlan layer) =>
        layer.Directions == 2 ? new[] { new Direction(layer, 0), new Direction(layer, 1) } : new[] { new Direction(layer, 0) };

    public sealed override IEnumerable<WorkspaceBuffer> Buffers(LayerPlan layer)
    {
        string n = layer.Name;
        int h = layer.HiddenSize, i = layer.InputSize;
        bool bi = layer.Directions == 2;
        string stateShape = bi ? $"[2, B, {h}], forward then reverse" : $"[B, {h}]";
        string stateLength = bi ? $"2 * maxBatch * {h}" : $"maxBatch * {h}";
        var directions = DirectionsOf(layer);
        foreach (var d in directions)
        {
            foreach (var b in ForwardBuffers(layer, d))
            {
                yield return b;
            }
        }

        foreach (var s in States(layer))
        {
            yield return new($"{n}_Initial{s.Member}", stateLength, $"{s.Symbol}_0 {stateShape}", false);
            yield return new($"{n}_Final{s.Member}", stateLength, $"{s.Symbol}_T {stateShape}", false);
        }

        if (bi)
        {
            yield return new($"{n}_InputReverse", $"maxSteps * maxBatch * {i}", $"x← [T, B, {i}]: every sequence back to front within its length, the reverse direction's input", false);
        }

        if (!OutputIsStates(layer))
        {
            yield return new($"{n}_Y", $"{(layer.OutputIsSequence ? "maxSteps * maxBatch" : "maxBatch")} * {layer.OutputSize}", bi
                ? $"y {Shape(layer.OutputIsSequence, layer.OutputSize)}: [h→; h←], the layer's output"
                : $"y [B, {h}]: h_T, the layer's output", false);
        }

        yield return new($"{n}_dY", layer.OutputIsSequence ? $"maxSteps * maxBatch * {layer.OutputSize}" : $"maxBatch * {layer.OutputSize}", $"dL/dy {Shape(layer.OutputIsSequence, layer.OutputSize)}: gradient of the layer's output", true);
        if (bi)
        {
            foreach (var d in directions)
            {
                yield return new(d.Field("dY"), layer.OutputIsSequence ? $"maxSteps * maxBatch * {h}" : $"maxBatch * {h}", $"dL/dh{d.Arrow} {Shape(layer.OutputIsSequence, h)}: the {(d.IsReverse ? "reverse" : "forward")} half of dL/dy{(d.IsReverse && layer.OutputIsSequence ? ", in the reverse direction's order" : string.Empty)}", true);
            }
        }

        foreach (var d in directions)
        {
            foreach (var b in BackwardBuffers(layer, d))
            {
                yield return b;
            }
        }

        foreach (var s in States(layer))
        {
            yield return new($"{n}_{s.Gradient}Carry", $"maxBatch * {h}", $"dL/d{s.Symbol}_t [B, {h}] of sequences past their end, set aside during a step", true);
        }

        if (bi)
        {
            yield return new($"{n}_dInputReverse", $"maxSteps * maxBatch * {i}", $"dL/dx← [T, B, {i}]: the reverse direction's input gradient, in its order", true);
        }

        foreach (var s in States(layer))
        {
            yield return new($"{n}_Initial{s.Member}Gradient", stateLength, $"dL/d{s.Symbol}_0 {stateShape}", true);
            yield return new($"{n}_Final{s.Member}Gradient", stateLength, $"dL/d{s.Symbol}_T {stateShape}, given", true);
        }
    }

    public override void EmitStateMembers(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        int h = layer.HiddenSize;
        string shape = layer.Directions == 2 ? $"[2, MaxBatch, {h}]" : $"[MaxBatch, {h}]";
        string layout = layer.Directions == 2
            ? $" Both directions, forward first: direction d (0 →, 1 ←) of sequence b starts at <c>(d·MaxBatch + b)·{h}</c>."
            : string.Empty;
        string read = layer.Directions == 2 ? $"the first <c>batch·{h}</c> values of each direction" : $"the first <c>batch·{h}</c> values";
        foreach (var s in States(layer))
        {
            string description = s.Description;
            w.Line($"/// <summary>Initial {description} <c>{s.Symbol}_0</c> of <c>{n}</c>, <c>{shape}</c>; Forward reads {read}. Zero until written.{layout}</summary>");
            w.Line($"public Span<float> {n}Initial{s.Member} => {n}_Initial{s.Member};");
            w.Blank();
            w.Line($"/// <summary>Final {description} <c>{s.Symbol}_T</c> of <c>{n}</c> after the last Forward, <c>{shape}</c> ({read}); with sequence lengths, each sequence's {description} after its own last step.{layout}</summary>");
            w.Line($"public Span<float> {n}Final{s.Member} => {n}_Final{s.Member};");
            w.Blank();
            w.Line($"/// <summary>Gradient <c>dL/d{s.Symbol}_0</c> of <c>{n}</c>'s initial {description}, written by Backward, <c>{shape}</c>. Empty for an inference workspace.</summary>");
            w.Line($"public Span<float> {n}Initial{s.Member}Gradient => {n}_Initial{s.Member}Gradient;");
            w.Blank();
            w.Line($"/// <summary>Gradient <c>dL/d{s.Symbol}_T</c> of <c>{n}</c>'s final {description}, read by Backward, <c>{shape}</c>. Zero unless written (the loss does not depend on {s.Symbol}_T).</summary>");
            w.Line($"public Span<float> {n}Final{s.Member}Gradient => {n}_Final{s.Member}Gradient;");
            w.Blank();
        }
    }

    public override IEnumerable<string> ResetStatements(LayerPlan layer)
    {
        foreach (var s in States(layer))
        {
            yield return $"{layer.Name}_Initial{s.Member}.Clear();";
        }
    }

    public override IEnumerable<string> CarryStatements(LayerPlan layer)
    {
        foreach (var s in States(layer))
        {
            yield return $"{layer.Name}_Final{s.Member}.CopyTo({layer.Name}_Initial{s.Member});";
        }
    }

    /// <summary>Only a unidirectional layer can step: the reverse direction starts at the sequence's end.</summary>
    public override bool CanStep(LayerPlan layer) => layer.Directions == 1;

    public override string StepOutput(LayerPlan layer) => $"s.{layer.Name}_H.Slice(0, {layer.HiddenSize})";

    /// <summary>The hidden state of one stream in a streaming state, public as <c>{Name}Hidden</c>; padded to whole registers.</summary>
    protected static StateBuffer HiddenStateBuffer(LayerPlan layer) =>
        new($"{layer.Name}_H", StepLayout.Padded(layer.HiddenSize), $"h [{layer.HiddenSize}], padded to {StepLayout.Padded(layer.HiddenSize)}: h_{{t−1}} before a step, h_t after it", layer.Name + "Hidden",
            $"Hidden state <c>h_t</c> of <c>{layer.Name}</c> after the last step, <c>[{layer.HiddenSize}]</c>", layer.HiddenSize);

    /// <summary>The scratch of one step: <c>z = [x_t; h_{t−1}]</c>, and what else the cell keeps between its phases (the reset-before GRU).</summary>
    protected static StateBuffer ScratchBuffer(LayerPlan layer, int length) =>
        new($"{layer.Name}_Scratch", length, $"scratch of one step [{length}]: z = [x_t; h_{{t−1}}], the copy of h_{{t−1}} read while h_t is written");

    /// <summary>The layer's part of the model's packed step weights, in step code.</summary>
    protected string PackedSlice(LayerPlan layer) => $"packed.Slice({layer.Name}_StepWeights, {StepWeightsLength(layer)})";

    /// <summary>The layer's parameter tensors as slices of the arena <c>p</c>, in arena order (W_ih, W_hh, b_ih, b_hh, then any peephole).</summary>
    protected static string[] TensorSlices(LayerPlan layer) =>
        layer.DirectionTensors(0).Select(t => $"p.Slice({t.OffsetConstant}, {t.Length})").ToArray();

    /// <summary>Opens a layer's step method: summary, signature and size constants.</summary>
    protected static void OpenStep(CodeWriter w, LayerPlan layer, string summary)
    {
        w.Line($"/// <summary>{layer.Name} step: {summary}, one stream, over the layer's packed weights.</summary>");
        w.Line($"private static void {layer.Name}_Step(State s, ReadOnlySpan<float> x, ReadOnlySpan<float> packed)");
        w.Open();
        w.Line($"const int I = {layer.InputSize}, H = {layer.HiddenSize};");
    }

    public sealed override void EmitForward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        bool bi = layer.Directions == 2;
        string result = bi ? (layer.OutputIsSequence ? "[h→; h←]" : "[h→_T; h←_1]") : (layer.OutputIsSequence ? "h" : "h_T");
        w.Line($"/// <summary>{n} forward: {Describe(layer)}, x [T, B, {layer.InputSize}] → {result} {Shape(layer.OutputIsSequence, layer.OutputSize)}{ForwardSummaryTail(layer)}.</summary>");
        w.Line($"private void {n}_Forward(Workspace ws, ReadOnlySpan<float> x, int batch, int steps)");
        w.Open();
        w.Raw(SizeConstants(layer));
        w.Line($"ReadOnlySpan<float> p = _parameters;");
        w.Line($"ReadOnlySpan<int> lengths = ws.Lengths; // valid steps per sequence [B]; empty when every sequence has all T steps");
        w.Raw(HasGates ? "int bh = batch * H, bg = batch * G;" : "int bh = batch * H;");
        if (!bi)
        {
            EmitDirectionForward(w, layer, new Direction(layer, 0));
            if (!layer.OutputIsSequence)
            {
                w.Blank();
                w.Line($"// y = h_T: the final state (with lengths, each sequence's at its own last step)");
                w.Line($"ws.{n}_FinalState.Slice(0, bh).CopyTo(ws.{n}_Y);");
            }

            w.Close();
            return;
        }

        var forward = new Direction(layer, 0);
        var reverse = new Direction(layer, 1);
        w.Line($"// → the forward direction reads x_0, x_1, …, x_{{T−1}}");
        w.Open();
        EmitDirectionForward(w, layer, forward);
        w.Close();
        w.Blank();
        w.Line($"// ← the reverse direction runs the same recurrence on every sequence read back to front from its own last step: x←_τ = x_{{L−1−τ}}");
        w.Line($"Span<float> xReverse = ws.{n}_InputReverse.Slice(0, steps * batch * I); // x← [T, B, I]");
        w.Line($"Sequences.Reverse(x, I, xReverse, I, I, lengths, steps, batch, accumulate: false);");
        w.Open();
        EmitDirectionForward(w, layer, reverse);
        w.Close();
        w.Blank();
        if (layer.OutputIsSequence)
        {
            w.Line($"// y_t = [h→_t; h←_t]: h→ as computed, h← put back in time order, h←_t = h←[L−t] (rows past a sequence's end stay 0)");
            w.Line($"Span<float> y = ws.{n}_Y.Slice(0, steps * batch * 2 * H); // [T, B, 2H]");
            w.Line($"Sequences.CopyRows(ws.{n}_HForward.Slice(bh, steps * bh), H, y, 2 * H, H, steps * batch);");
            w.Line($"Sequences.Reverse(ws.{n}_HReverse.Slice(bh, steps * bh), H, y.Slice(H), 2 * H, H, lengths, steps, batch, accumulate: false);");
        }
        else
        {
            w.Line($"// y = [h→_T; h←_1]: each direction's final state (the reverse direction has read the whole sequence at t = 1)");
            w.Line($"Span<float> y = ws.{n}_Y.Slice(0, batch * 2 * H); // [B, 2H]");
            w.Line($"Sequences.CopyRows(ws.{n}_FinalState.Slice(0, bh), H, y, 2 * H, H, batch);");
            w.Line($"Sequences.CopyRows(ws.{n}_FinalState.Slice(ws.MaxBatch * H, bh), H, y.Slice(H), 2 * H, H, batch);");
        }

        w.Close();
    }

    public sealed override void EmitBackward(CodeWriter w, LayerPlan layer)
    {
        string n = layer.Name;
        bool bi = layer.Directions == 2;
        w.Line($"/// <summary>{n} backward through time: dL/dy {Shape(layer.OutputIsSequence, layer.OutputSize)}{BackwardSummary(layer)} and dx [T, B, {layer.InputSize}].</summary>");
        w.Line($"private void {n}_Backward(Workspace ws, ReadOnlySpan<float> x, Span<float> dx, int batch, int steps)");
        w.Open();
        w.Raw(SizeConstants(layer));
        w.Line($"ReadOnlySpan<float> p = _parameters;");
        w.Line($"Span<float> g = ws.Gradients;");
        w.Line($"ReadOnlySpan<int> lengths = ws.Lengths; // valid steps per sequence [B]; empty when every sequence has all T steps");
        w.Raw(HasGates ? "int bh = batch * H, bg = batch * G;" : "int bh = batch * H;");
        if (!bi)
        {
            EmitDirectionBackward(w, layer, new Direction(layer, 0));
            w.Close();
            return;
        }

        var forward = new Direction(layer, 0);
        var reverse = new Direction(layer, 1);
        if (layer.OutputIsSequence)
        {
            w.Line($"ReadOnlySpan<float> dOutput = ws.{n}_dY.Slice(0, steps * batch * 2 * H); // dL/dy [T, B, 2H]");
            w.Line($"// dL/dh→_t and dL/dh←: the halves of dL/dy_t, the reverse half in the reverse direction's order");
            w.Line($"Sequences.CopyRows(dOutput, 2 * H, ws.{n}_dYForward.Slice(0, steps * bh), H, H, steps * batch);");
            w.Line($"Sequences.Reverse(dOutput.Slice(H), 2 * H, ws.{n}_dYReverse.Slice(0, steps * bh), H, H, lengths, steps, batch, accumulate: false);");
        }
        else
        {
            w.Line($"ReadOnlySpan<float> dOutput = ws.{n}_dY.Slice(0, batch * 2 * H); // dL/dy [B, 2H]");
            w.Line($"// dL/dh→_T and dL/dh←_1: the halves of dL/dy");
            w.Line($"Sequences.CopyRows(dOutput, 2 * H, ws.{n}_dYForward.Slice(0, bh), H, H, batch);");
            w.Line($"Sequences.CopyRows(dOutput.Slice(H), 2 * H, ws.{n}_dYReverse.Slice(0, bh), H, H, batch);");
        }

        w.Blank();
        w.Line($"// → the forward direction, which writes dx");
        w.Open();
        EmitDirectionBackward(w, layer, forward);
        w.Close();
        w.Blank();
        w.Line($"// ← the reverse direction, on x← as its forward pass read it");
        w.Line($"ReadOnlySpan<float> xReverse = ws.{n}_InputReverse.Slice(0, steps * batch * I); // x← [T, B, I]");
        w.Line($"Span<float> dxReverse = dx.IsEmpty ? default : ws.{n}_dInputReverse.Slice(0, steps * batch * I); // dL/dx← [T, B, I]");
        w.Open();
        EmitDirectionBackward(w, layer, reverse);
        w.Close();
        w.Blank();
        w.Line($"// dx_t += dL/dx←_{{L−1−t}}: the reverse direction's input gradient back in time order");
        w.Line($"if (!dx.IsEmpty)");
        w.Open();
        w.Line($"Sequences.Reverse(dxReverse, I, dx, I, I, lengths, steps, batch, accumulate: true);");
        w.Close();
        w.Close();
    }

    /// <summary>Shape text of one direction's output gradient with <c>H</c> for the hidden size: <c>[T, B, H]</c> or <c>[B, H]</c>.</summary>
    protected static string OutputGradientShape(LayerPlan layer) => layer.OutputIsSequence ? "[T, B, H]" : "[B, H]";

    /// <summary>Words after the shapes in the forward summary, such as the gate order.</summary>
    protected virtual string ForwardSummaryTail(LayerPlan layer) => string.Empty;

    /// <summary>What backward produces, after "dL/dy [..]" in its summary.</summary>
    protected abstract string BackwardSummary(LayerPlan layer);

    /// <summary>Declares one direction's parameter views (and gradient views) under the same names for either direction.</summary>
    protected static void EmitDirectionViews(CodeWriter w, Direction d, bool gradients)
    {
        foreach (var t in d.Tensors)
        {
            w.Line($"ReadOnlySpan<float> {Local(t)} = p.Slice({t.OffsetConstant}, {t.Length}); // {t.DisplaySymbol} {t.ShapeText}");
        }

        if (gradients)
        {
            foreach (var t in d.Tensors)
            {
                w.Line($"Span<float> d{Capitalized(Local(t))} = g.Slice({t.OffsetConstant}, {t.Length}); // d{t.DisplaySymbol} {t.ShapeText}");
            }
        }
    }

    /// <summary>
    /// After a step of forward: rows of sequences that have ended are set to zero (their output), for every state.
    /// The final state is read from each sequence's last valid step after the loop.
    /// </summary>
    protected void EmitForwardStepMask(CodeWriter w, LayerPlan layer)
    {
        w.Line($"if (!lengths.IsEmpty)");
        w.Open();
        w.Line($"// past a sequence's end: output 0 (its state stays at the last valid step, read after the loop)");
        foreach (var s in States(layer))
        {
            w.Line($"Sequences.ZeroEnded({s.Symbol}.Slice((t + 1) * bh, bh), lengths, t, H);");
        }

        w.Close();
    }

    /// <summary>After forward's loop: each state's final value, per sequence at its own last step.</summary>
    protected void EmitFinalStates(CodeWriter w, LayerPlan layer, Direction d)
    {
        var states = States(layer);
        w.Line($"// {string.Join(", ", StateSymbols(states, "_T"))}: the final state{(states.Count > 1 ? "s" : string.Empty)}, each sequence's after its own last step");
        foreach (var s in states)
        {
            w.Line($"Sequences.LastStates({s.Symbol}, {d.State("Final" + s.Member)}, lengths, steps, batch, H);");
        }
    }

    /// <summary>
    /// Before backward's loop, for a layer that returns every step: dL/dy past a sequence's end does not count (the
    /// output there is 0 whatever the weights).
    /// </summary>
    protected static void EmitOutputGradientMask(CodeWriter w, LayerPlan layer)
    {
        if (!layer.OutputIsSequence)
        {
            return;
        }

        w.Line($"if (!lengths.IsEmpty)");
        w.Open();
        w.Line($"// dL/dy past a sequence's end does not count: the output there is 0 whatever the weights");
        w.Line($"Sequences.ZeroPadding(dy, lengths, steps, batch, H);");
        w.Close();
    }

    /// <summary>
    /// At the start of a backward step: sequences that ended before step t skip it, so their carried gradients are set
    /// aside and the step runs on zeros for them (every gate gradient comes out 0).
    /// </summary>
    protected void EmitBackwardStepMaskStart(CodeWriter w, LayerPlan layer)
    {
        w.Line($"if (!lengths.IsEmpty)");
        w.Open();
        w.Line($"// a sequence past its end skips step t: set its {string.Join(", ", GradientSymbols(States(layer)))} aside and run the step on zeros");
        foreach (var s in States(layer))
        {
            w.Line($"Sequences.CopyEnded({s.GradientLocal}, {s.GradientLocal}Carry, lengths, t, H);");
            w.Line($"Sequences.ZeroEnded({s.GradientLocal}, lengths, t, H);");
        }

        w.Close();
    }

    /// <summary>At the end of a backward step: the set-aside gradients pass on to step t−1 unchanged.</summary>
    protected void EmitBackwardStepMaskEnd(CodeWriter w, LayerPlan layer)
    {
        w.Line($"if (!lengths.IsEmpty)");
        w.Open();
        w.Line($"// ... and hand them on to step t−1 unchanged");
        foreach (var s in States(layer))
        {
            w.Line($"Sequences.CopyEnded({s.GradientLocal}Carry, {s.GradientLocal}, lengths, t, H);");
        }

        w.Close();
    }

    /// <summary>Declares the set-aside buffers of the masked backward step.</summary>
    protected void EmitCarryBuffers(CodeWriter w, LayerPlan layer)
    {
        foreach (var s in States(layer))
        {
            w.Line($"Span<float> {s.GradientLocal}Carry = ws.{layer.Name}_{s.Gradient}Carry.Slice(0, bh); // dL/d{s.Symbol}_t of sequences past their end [B, H]");
        }
    }

    private static IEnumerable<string> StateSymbols(IReadOnlyList<RecurrentState> states, string subscript)
    {
        foreach (var s in states)
        {
            yield return s.Symbol + subscript;
        }
    }

    private static IEnumerable<string> GradientSymbols(IReadOnlyList<RecurrentState> states)
    {
        foreach (var s in states)
        {
            yield return "dL/d" + s.Symbol + "_t";
        }
    }
}
