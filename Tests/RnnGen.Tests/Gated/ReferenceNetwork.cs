using System;
using System.Collections.Generic;
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
/// reading the same parameter arena. The backward pass is the chain rule written out layer by layer.
/// </summary>
internal static class ReferenceNetwork
{
    /// <summary>
    /// Runs <paramref name="model"/>'s layers on <paramref name="input"/> with the initial states and final-state
    /// gradients that <paramref name="given"/> returns by workspace member name (<c>{Layer}InitialState</c>,
    /// <c>{Layer}InitialCellState</c>, <c>{Layer}FinalStateGradient</c>, <c>{Layer}FinalCellStateGradient</c>),
    /// then backpropagates <paramref name="outputGradient"/>.
    /// </summary>
    public static NetworkRun Run(IGeneratedModel model, float[] parameters, float[] input, int batch, int steps, Func<string, float[]> given, float[] outputGradient)
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
            switch (info.Declaration)
            {
                case LstmAttribute lstm:
                {
                    var w = LstmWeightsOf((LstmLayer)info.View, parameters);
                    var (y, hT, cT) = ReferenceLstm.Forward(w, x, given(info.Name + "InitialState"), given(info.Name + "InitialCellState"), steps, batch);
                    states[info.Name + "FinalState"] = hT;
                    states[info.Name + "FinalCellState"] = cT;
                    x = lstm.ReturnSequences ? y : hT;
                    sequence[l + 1] = lstm.ReturnSequences;
                    break;
                }

                case GruAttribute gru:
                {
                    var w = GruWeightsOf((GruLayer)info.View, parameters);
                    var (y, hT) = ReferenceGru.Forward(w, x, given(info.Name + "InitialState"), steps, batch);
                    states[info.Name + "FinalState"] = hT;
                    x = gru.ReturnSequences ? y : hT;
                    sequence[l + 1] = gru.ReturnSequences;
                    break;
                }

                case SimpleRnnAttribute rnn:
                {
                    var w = ElmanWeightsOf((SimpleRnnLayer)info.View, parameters);
                    var (y, hT) = ReferenceElman.Forward(w, x, given(info.Name + "InitialState"), steps, batch);
                    states[info.Name + "FinalState"] = hT;
                    x = rnn.ReturnSequences ? y : hT;
                    sequence[l + 1] = rnn.ReturnSequences;
                    break;
                }

                case DenseAttribute dense:
                {
                    var view = (DenseLayer)info.View;
                    int rows = sequence[l] ? steps * batch : batch;
                    x = ReferenceDense.Forward(Slice(parameters, view.Offset, view.OutputSize * view.InputSize), Slice(parameters, view.Offset + (view.OutputSize * view.InputSize), view.OutputSize), x, rows, view.InputSize, view.OutputSize, info.Softmax ? DenseActivation.Linear : dense.Activation);
                    if (info.Softmax)
                    {
                        x = ReferenceDense.Softmax(x, rows, view.OutputSize);
                    }

                    sequence[l + 1] = sequence[l];
                    break;
                }

                default:
                    throw new NotSupportedException(info.Declaration.GetType().Name);
            }

            outputs[l] = x;
        }

        var gradients = new float[parameters.Length];
        float[] dy = outputGradient;
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            var info = layers[l];
            x = inputs[l];
            switch (info.Declaration)
            {
                case LstmAttribute lstm:
                {
                    var view = (LstmLayer)info.View;
                    var w = LstmWeightsOf(view, parameters);
                    var (dOutput, dFinal) = SplitOutputGradient(dy, lstm.ReturnSequences, given(info.Name + "FinalStateGradient"), steps, batch, view.HiddenSize);
                    var g = ReferenceLstm.Backward(w, x, given(info.Name + "InitialState"), given(info.Name + "InitialCellState"), steps, batch, dOutput, dFinal, given(info.Name + "FinalCellStateGradient"));
                    Place(gradients, view.Offset, g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh, g.PeepholeWeights);
                    states[info.Name + "InitialStateGradient"] = g.InitialState;
                    states[info.Name + "InitialCellStateGradient"] = g.InitialCellState;
                    dy = g.Input;
                    break;
                }

                case GruAttribute gru:
                {
                    var view = (GruLayer)info.View;
                    var w = GruWeightsOf(view, parameters);
                    var (dOutput, dFinal) = SplitOutputGradient(dy, gru.ReturnSequences, given(info.Name + "FinalStateGradient"), steps, batch, view.HiddenSize);
                    var g = ReferenceGru.Backward(w, x, given(info.Name + "InitialState"), steps, batch, dOutput, dFinal);
                    Place(gradients, view.Offset, g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh);
                    states[info.Name + "InitialStateGradient"] = g.InitialState;
                    dy = g.Input;
                    break;
                }

                case SimpleRnnAttribute rnn:
                {
                    var view = (SimpleRnnLayer)info.View;
                    var w = ElmanWeightsOf(view, parameters);
                    var (dOutput, dFinal) = SplitOutputGradient(dy, rnn.ReturnSequences, given(info.Name + "FinalStateGradient"), steps, batch, view.HiddenSize);
                    var g = ReferenceElman.Backward(w, x, given(info.Name + "InitialState"), steps, batch, dOutput, dFinal);
                    Place(gradients, view.Offset, g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh);
                    states[info.Name + "InitialStateGradient"] = g.InitialState;
                    dy = g.Input;
                    break;
                }

                case DenseAttribute dense:
                {
                    var view = (DenseLayer)info.View;
                    int rows = sequence[l] ? steps * batch : batch;
                    var dz = ActivationBackward(outputs[l], dy, rows, view.OutputSize, info.Softmax ? null : dense.Activation);
                    var weight = Slice(parameters, view.Offset, view.OutputSize * view.InputSize);
                    var g = ReferenceDense.Backward(weight, x, dz, rows, view.InputSize, view.OutputSize);
                    Place(gradients, view.Offset, g.Weight, g.Bias);
                    dy = g.Input;
                    break;
                }
            }
        }

        return new NetworkRun(outputs[^1], gradients, dy, states);
    }

    /// <summary>The layer's weights in the reference's form, read from the arena.</summary>
    public static LstmWeights LstmWeightsOf(LstmLayer view, float[] parameters)
    {
        int rows = view.GateCount * view.HiddenSize, i = view.InputSize, h = view.HiddenSize, at = view.Offset;
        return new LstmWeights(
            i, h, view.Peephole, view.CoupledInputForget,
            Slice(parameters, at, rows * i),
            Slice(parameters, at + (rows * i), rows * h),
            Slice(parameters, at + (rows * (i + h)), rows),
            Slice(parameters, at + (rows * (i + h)) + rows, rows),
            view.Peephole ? Slice(parameters, at + (rows * (i + h + 2)), LstmLayer.PeepholeCountOf(view.CoupledInputForget) * h) : Array.Empty<float>());
    }

    /// <summary>The layer's weights in the reference's form, read from the arena.</summary>
    public static GruWeights GruWeightsOf(GruLayer view, float[] parameters)
    {
        int rows = 3 * view.HiddenSize, i = view.InputSize, h = view.HiddenSize, at = view.Offset;
        return new GruWeights(
            i, h, view.ResetAfter,
            Slice(parameters, at, rows * i),
            Slice(parameters, at + (rows * i), rows * h),
            Slice(parameters, at + (rows * (i + h)), rows),
            Slice(parameters, at + (rows * (i + h)) + rows, rows));
    }

    private static ElmanWeights ElmanWeightsOf(SimpleRnnLayer view, float[] parameters)
    {
        int i = view.InputSize, h = view.HiddenSize, at = view.Offset;
        return new ElmanWeights(i, h, Slice(parameters, at, h * i), Slice(parameters, at + (h * i), h * h), Slice(parameters, at + (h * (i + h)), h), Slice(parameters, at + (h * (i + h)) + h, h), view.Activation);
    }

    /// <summary>
    /// A recurrent layer's output gradient as the reference takes it: per step, plus the final state's. A layer
    /// that returns only <c>h_T</c> gets its output gradient on the final state.
    /// </summary>
    private static (float[] Output, float[] Final) SplitOutputGradient(float[] dy, bool sequence, float[] dFinalGiven, int steps, int batch, int hidden)
    {
        if (sequence)
        {
            return (dy, dFinalGiven);
        }

        var final = (float[])dFinalGiven.Clone();
        for (int k = 0; k < final.Length; k++)
        {
            final[k] += dy[k];
        }

        return (new float[steps * batch * hidden], final);
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
