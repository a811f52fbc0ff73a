using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Reference;

namespace RnnGen.Tests.Gated;

/// <summary>What a forward and backward pass produced, named as the generated workspace names it.</summary>
/// <param name="Output">The model's output.</param>
/// <param name="Gradients">dL/dθ laid out as the parameter arena.</param>
/// <param name="InputGradient">dL/dx <c>[T, B, I]</c>.</param>
/// <param name="States">Final states and initial-state gradients by workspace member name (<c>EncoderFinalCellState</c>, ...).</param>
internal sealed record NetworkRun(float[] Output, float[] Gradients, float[] InputGradient, IReadOnlyDictionary<string, float[]> States);

/// <summary>
/// The layers of a generated model rebuilt from the runtime's double-precision reference implementations
/// (<see cref="ReferenceLstm"/>, <see cref="ReferenceGru"/>, <see cref="ReferenceElman"/>, <see cref="ReferenceDense"/>),
/// reading the same parameter arena. The backward pass is the chain rule written out layer by layer. A bidirectional
/// layer is two reference runs, the second in reverse, whose outputs are joined as <c>[h→; h←]</c>; with sequence
/// lengths each reference run reads each sequence for its own length.
/// </summary>
internal static class ReferenceNetwork
{
    /// <summary>
    /// Runs <paramref name="model"/>'s layers on <paramref name="input"/> with the initial states and final-state
    /// gradients that <paramref name="given"/> returns by workspace member name (<c>{Layer}InitialState</c>,
    /// <c>{Layer}InitialCellState</c>, <c>{Layer}FinalStateGradient</c>, <c>{Layer}FinalCellStateGradient</c>; for a
    /// bidirectional layer <c>[2, B, H]</c>, forward first), then backpropagates <paramref name="outputGradient"/>.
    /// With <paramref name="lengths"/>, output rows past a sequence's end are 0 and their gradient is ignored.
    /// </summary>
    public static NetworkRun Run(IGeneratedModel model, float[] parameters, float[] input, int batch, int steps, Func<string, float[]> given, float[] outputGradient, int[]? lengths = null)
    {
        var layers = model.Layers;
        var inputs = new float[layers.Count][];
        var outputs = new float[layers.Count][];
        var sequence = new bool[layers.Count + 1];
        var states = new Dictionary<string, float[]>(StringComparer.Ordinal);
        sequence[0] = true;
        float[] x = input;
        for (int l = 0; l < layers.Count; l++)
        {
            var info = layers[l];
            inputs[l] = x;
            if (info.Declaration is DenseAttribute dense)
            {
                var view = (DenseLayer)info.View;
                int rows = sequence[l] ? steps * batch : batch;
                x = ReferenceDense.Forward(Slice(parameters, view.Offset, view.OutputSize * view.InputSize), Slice(parameters, view.Offset + (view.OutputSize * view.InputSize), view.OutputSize), x, rows, view.InputSize, view.OutputSize, info.Softmax ? DenseActivation.Linear : dense.Activation);
                if (info.Softmax)
                {
                    x = ReferenceDense.Softmax(x, rows, view.OutputSize);
                }

                sequence[l + 1] = sequence[l];
            }
            else
            {
                bool returnSequences = ReturnsSequences(info);
                int hidden = HiddenSizeOf(info);
                var finals = new List<float[]>[] { new(), new() };
                var ys = new float[info.Directions][];
                for (int d = 0; d < info.Directions; d++)
                {
                    var run = RecurrentForward(info, parameters, d, x, Part(given(info.Name + "InitialState"), d, batch * hidden), PartOrEmpty(given, info.Name + "InitialCellState", d, batch * hidden), steps, batch, lengths);
                    ys[d] = run.Output;
                    finals[0].Add(run.FinalState);
                    if (run.FinalCellState is not null)
                    {
                        finals[1].Add(run.FinalCellState);
                    }
                }

                states[info.Name + "FinalState"] = Concat(finals[0]);
                if (finals[1].Count > 0)
                {
                    states[info.Name + "FinalCellState"] = Concat(finals[1]);
                }

                x = returnSequences ? JoinRows(ys, steps * batch, hidden) : JoinRows(finals[0].ToArray(), batch, hidden);
                sequence[l + 1] = returnSequences;
            }

            outputs[l] = x;
        }

        float[] dy = outputGradient;
        if (lengths is not null && sequence[layers.Count])
        {
            // Output rows past a sequence's end are 0, and their gradient does not count.
            int width = model.OutputSize;
            outputs[^1] = ZeroPadding(outputs[^1], lengths, steps, batch, width);
            dy = ZeroPadding(dy, lengths, steps, batch, width);
        }

        var gradients = new float[parameters.Length];
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            var info = layers[l];
            x = inputs[l];
            if (info.Declaration is DenseAttribute dense)
            {
                var view = (DenseLayer)info.View;
                int rows = sequence[l] ? steps * batch : batch;
                var dz = ActivationBackward(outputs[l], dy, rows, view.OutputSize, info.Softmax ? null : dense.Activation);
                var weight = Slice(parameters, view.Offset, view.OutputSize * view.InputSize);
                var g = ReferenceDense.Backward(weight, x, dz, rows, view.InputSize, view.OutputSize);
                Place(gradients, view.Offset, g.Weight, g.Bias);
                dy = g.Input;
                continue;
            }

            bool returnSequences = ReturnsSequences(info);
            int hidden = HiddenSizeOf(info);
            int block = batch * hidden;
            var dx = new float[x.Length];
            var initialGradients = new List<float[]>();
            var initialCellGradients = new List<float[]>();
            for (int d = 0; d < info.Directions; d++)
            {
                // This direction's share of dL/dy: its half of every row.
                var dyPart = SplitRows(dy, returnSequences ? steps * batch : batch, hidden, info.Directions, d);
                var dFinal = Part(given(info.Name + "FinalStateGradient"), d, block);
                float[] dOutput;
                if (returnSequences)
                {
                    dOutput = dyPart;
                }
                else
                {
                    dFinal = Add(dFinal, dyPart);
                    dOutput = new float[steps * block];
                }

                var run = RecurrentBackward(
                    info, parameters, d, x, Part(given(info.Name + "InitialState"), d, block), PartOrEmpty(given, info.Name + "InitialCellState", d, block),
                    steps, batch, dOutput, dFinal, PartOrEmpty(given, info.Name + "FinalCellStateGradient", d, block), lengths);
                Place(gradients, info.View.Offset + (d * (info.View.ParameterCount / info.Directions)), run.Tensors);
                initialGradients.Add(run.InitialState);
                if (run.InitialCellState is not null)
                {
                    initialCellGradients.Add(run.InitialCellState);
                }

                dx = Add(dx, run.Input);
            }

            states[info.Name + "InitialStateGradient"] = Concat(initialGradients);
            if (initialCellGradients.Count > 0)
            {
                states[info.Name + "InitialCellStateGradient"] = Concat(initialCellGradients);
            }

            dy = dx;
        }

        return new NetworkRun(outputs[^1], gradients, dy, states);
    }

    private sealed record DirectionForward(float[] Output, float[] FinalState, float[]? FinalCellState);

    private sealed record DirectionBackward(float[][] Tensors, float[] Input, float[] InitialState, float[]? InitialCellState);

    /// <summary>One direction of a recurrent layer through its reference implementation.</summary>
    private static DirectionForward RecurrentForward(LayerInfo info, float[] parameters, int direction, float[] x, float[] h0, float[] c0, int steps, int batch, int[]? lengths)
    {
        bool reverse = direction == 1;
        bool plain = lengths is null && !reverse;
        switch (info.View)
        {
            case LstmLayer view:
            {
                var w = LstmWeightsOf(view, parameters, direction);
                var (y, hT, cT) = plain ? ReferenceLstm.Forward(w, x, h0, c0, steps, batch) : ReferenceLstm.Forward(w, x, h0, c0, steps, batch, lengths, reverse);
                return new DirectionForward(y, hT, cT);
            }

            case GruLayer view:
            {
                var w = GruWeightsOf(view, parameters, direction);
                var (y, hT) = plain ? ReferenceGru.Forward(w, x, h0, steps, batch) : ReferenceGru.Forward(w, x, h0, steps, batch, lengths, reverse);
                return new DirectionForward(y, hT, null);
            }

            case SimpleRnnLayer view:
            {
                var w = ElmanWeightsOf(view, parameters, direction);
                var (y, hT) = plain ? ReferenceElman.Forward(w, x, h0, steps, batch) : ReferenceElman.Forward(w, x, h0, steps, batch, lengths, reverse);
                return new DirectionForward(y, hT, null);
            }

            default:
                throw new NotSupportedException(info.Declaration.GetType().Name);
        }
    }

    private static DirectionBackward RecurrentBackward(
        LayerInfo info, float[] parameters, int direction, float[] x, float[] h0, float[] c0, int steps, int batch,
        float[] dOutput, float[] dFinal, float[] dFinalCell, int[]? lengths)
    {
        bool reverse = direction == 1;
        bool plain = lengths is null && !reverse;
        switch (info.View)
        {
            case LstmLayer view:
            {
                var w = LstmWeightsOf(view, parameters, direction);
                var g = plain
                    ? ReferenceLstm.Backward(w, x, h0, c0, steps, batch, dOutput, dFinal, dFinalCell)
                    : ReferenceLstm.Backward(w, x, h0, c0, steps, batch, dOutput, dFinal, dFinalCell, lengths, reverse);
                return new DirectionBackward(new[] { g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh, g.PeepholeWeights }, g.Input, g.InitialState, g.InitialCellState);
            }

            case GruLayer view:
            {
                var w = GruWeightsOf(view, parameters, direction);
                var g = plain ? ReferenceGru.Backward(w, x, h0, steps, batch, dOutput, dFinal) : ReferenceGru.Backward(w, x, h0, steps, batch, dOutput, dFinal, lengths, reverse);
                return new DirectionBackward(new[] { g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh }, g.Input, g.InitialState, null);
            }

            case SimpleRnnLayer view:
            {
                var w = ElmanWeightsOf(view, parameters, direction);
                var g = plain ? ReferenceElman.Backward(w, x, h0, steps, batch, dOutput, dFinal) : ReferenceElman.Backward(w, x, h0, steps, batch, dOutput, dFinal, lengths, reverse);
                return new DirectionBackward(new[] { g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh }, g.Input, g.InitialState, null);
            }

            default:
                throw new NotSupportedException(info.Declaration.GetType().Name);
        }
    }

    private static bool ReturnsSequences(LayerInfo info) => info.Declaration switch
    {
        LstmAttribute a => a.ReturnSequences,
        GruAttribute a => a.ReturnSequences,
        SimpleRnnAttribute a => a.ReturnSequences,
        _ => throw new NotSupportedException(info.Declaration.GetType().Name),
    };

    /// <summary>Hidden units of one direction.</summary>
    public static int HiddenSizeOf(LayerInfo info) => info.View switch
    {
        LstmLayer l => l.HiddenSize,
        GruLayer g => g.HiddenSize,
        SimpleRnnLayer s => s.HiddenSize,
        _ => throw new ArgumentException($"Layer {info.Name} has no state.", nameof(info)),
    };

    /// <summary>The layer's weights in the reference's form, read from the arena.</summary>
    public static LstmWeights LstmWeightsOf(LstmLayer view, float[] parameters, int direction = 0)
    {
        int rows = view.GateCount * view.HiddenSize, i = view.InputSize, h = view.HiddenSize;
        int at = view.Offset + (direction * LstmLayer.ParameterCountOf(i, h, view.Peephole, view.CoupledInputForget));
        return new LstmWeights(
            i, h, view.Peephole, view.CoupledInputForget,
            Slice(parameters, at, rows * i),
            Slice(parameters, at + (rows * i), rows * h),
            Slice(parameters, at + (rows * (i + h)), rows),
            Slice(parameters, at + (rows * (i + h)) + rows, rows),
            view.Peephole ? Slice(parameters, at + (rows * (i + h + 2)), LstmLayer.PeepholeCountOf(view.CoupledInputForget) * h) : Array.Empty<float>());
    }

    /// <summary>The layer's weights in the reference's form, read from the arena.</summary>
    public static GruWeights GruWeightsOf(GruLayer view, float[] parameters, int direction = 0)
    {
        int rows = 3 * view.HiddenSize, i = view.InputSize, h = view.HiddenSize, at = view.Offset + (direction * GruLayer.ParameterCountOf(view.InputSize, view.HiddenSize));
        return new GruWeights(
            i, h, view.ResetAfter,
            Slice(parameters, at, rows * i),
            Slice(parameters, at + (rows * i), rows * h),
            Slice(parameters, at + (rows * (i + h)), rows),
            Slice(parameters, at + (rows * (i + h)) + rows, rows));
    }

    private static ElmanWeights ElmanWeightsOf(SimpleRnnLayer view, float[] parameters, int direction)
    {
        int i = view.InputSize, h = view.HiddenSize, at = view.Offset + (direction * SimpleRnnLayer.ParameterCountOf(view.InputSize, view.HiddenSize));
        return new ElmanWeights(i, h, Slice(parameters, at, h * i), Slice(parameters, at + (h * i), h * h), Slice(parameters, at + (h * (i + h)), h), Slice(parameters, at + (h * (i + h)) + h, h), view.Activation);
    }

    /// <summary>Block <paramref name="direction"/> of a state laid out <c>[D, B, H]</c>.</summary>
    private static float[] Part(float[] state, int direction, int block) => state.AsSpan(direction * block, block).ToArray();

    private static float[] PartOrEmpty(Func<string, float[]> given, string name, int direction, int block)
    {
        var state = given(name);
        return state.Length == 0 ? new float[block] : Part(state, direction, block);
    }

    private static float[] Concat(List<float[]> parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Rows <c>[h→; h←]</c> from each direction's <c>[rows, H]</c>.</summary>
    private static float[] JoinRows(float[][] directions, int rows, int hidden)
    {
        int width = directions.Length * hidden;
        var joined = new float[rows * width];
        for (int d = 0; d < directions.Length; d++)
        {
            for (int r = 0; r < rows; r++)
            {
                Array.Copy(directions[d], r * hidden, joined, (r * width) + (d * hidden), hidden);
            }
        }

        return joined;
    }

    /// <summary>Direction <paramref name="direction"/>'s half of each <c>[h→; h←]</c> row.</summary>
    private static float[] SplitRows(float[] joined, int rows, int hidden, int directions, int direction)
    {
        var part = new float[rows * hidden];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(joined, (r * directions * hidden) + (direction * hidden), part, r * hidden, hidden);
        }

        return part;
    }

    private static float[] Add(float[] a, float[] b) => a.Zip(b, (x, y) => x + y).ToArray();

    private static float[] ZeroPadding(float[] sequence, int[] lengths, int steps, int batch, int width)
    {
        var result = (float[])sequence.Clone();
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                if (t >= lengths[b])
                {
                    Array.Clear(result, ((t * batch) + b) * width, width);
                }
            }
        }

        return result;
    }

    /// <summary>dL/dz from dL/dy for <c>y = act(z)</c>; <paramref name="activation"/> null means softmax over each row.</summary>
    private static float[] ActivationBackward(float[] y, float[] dy, int rows, int cols, DenseActivation? activation)
    {
        var dz = new float[dy.Length];
        for (int r = 0; r < rows; r++)
        {
            double dot = 0;
            for (int j = 0; j < cols; j++)
            {
                dot += (double)dy[(r * cols) + j] * y[(r * cols) + j];
            }

            for (int j = 0; j < cols; j++)
            {
                int k = (r * cols) + j;
                double yk = y[k];
                dz[k] = (float)(activation switch
                {
                    null => yk * (dy[k] - dot),
                    DenseActivation.Tanh => dy[k] * (1 - (yk * yk)),
                    DenseActivation.Sigmoid => dy[k] * yk * (1 - yk),
                    DenseActivation.Relu => yk > 0 ? dy[k] : 0,
                    _ => dy[k],
                });
            }
        }

        return dz;
    }

    private static float[] Slice(float[] arena, int offset, int length) => arena.AsSpan(offset, length).ToArray();

    private static void Place(float[] arena, int offset, params float[][] tensors)
    {
        foreach (var t in tensors)
        {
            t.CopyTo(arena, offset);
            offset += t.Length;
        }
    }
}
