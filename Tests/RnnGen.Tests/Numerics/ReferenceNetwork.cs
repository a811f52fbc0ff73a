using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using RnnGen.Reference;

namespace RnnGen.Tests.Numerics;

/// <summary>One layer as its attributes declare it.</summary>
internal sealed record LayerDeclaration(string Name, bool IsRecurrent, int InputSize, int Size, RnnActivation RnnActivation, bool ReturnSequences, DenseActivation DenseActivation, bool Softmax)
{
    /// <summary>Parameters in PyTorch order: <c>weight_ih, weight_hh, bias_ih, bias_hh</c> or <c>weight, bias</c>.</summary>
    public (string Name, int[] Shape)[] Tensors => IsRecurrent
        ? new[] { ("weight_ih", new[] { Size, InputSize }), ("weight_hh", new[] { Size, Size }), ("bias_ih", new[] { Size }), ("bias_hh", new[] { Size }) }
        : new[] { ("weight", new[] { Size, InputSize }), ("bias", new[] { Size }) };

    public int ParameterCount => Tensors.Sum(t => t.Shape.Aggregate(1, (a, b) => a * b));
}

/// <summary>What the reference computes for one batch.</summary>
internal sealed record ReferenceResult(float[] Output, float[][] FinalStates, float[] ParameterGradients, float[] InputGradient, float[][] InitialStateGradients);

/// <summary>
/// A whole network evaluated with <see cref="ReferenceElman"/> and <see cref="ReferenceDense"/>, built from the
/// model's attributes by reflection — not from the generator's parse or plan — and with parameter offsets worked
/// out here from PyTorch's layout, so the generated code is checked against an independent reading of the model.
/// </summary>
internal sealed class ReferenceNetwork
{
    private ReferenceNetwork(int inputSize, IReadOnlyList<LayerDeclaration> layers)
    {
        InputSize = inputSize;
        Layers = layers;
    }

    public int InputSize { get; }

    public IReadOnlyList<LayerDeclaration> Layers { get; }

    public int ParameterCount => Layers.Sum(l => l.ParameterCount);

    /// <summary>Reads <c>[RnnModel]</c> and the layer attributes of <paramref name="modelType"/>, layers in declaration order.</summary>
    public static ReferenceNetwork Of(Type modelType)
    {
        var model = modelType.GetCustomAttribute<RnnModelAttribute>() ?? throw new ArgumentException($"{modelType.Name} has no [RnnModel].", nameof(modelType));
        var layers = new List<LayerDeclaration>();
        int inputSize = model.InputSize;
        // Metadata tokens of a type's properties follow their declaration order.
        foreach (var property in modelType.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).OrderBy(p => p.MetadataToken))
        {
            var rnn = property.GetCustomAttribute<SimpleRnnAttribute>();
            var dense = property.GetCustomAttribute<DenseAttribute>();
            bool softmax = property.GetCustomAttribute<SoftmaxAttribute>() is not null;
            if (rnn is not null)
            {
                layers.Add(new LayerDeclaration(property.Name, true, inputSize, rnn.Hidden, rnn.Activation, rnn.ReturnSequences, DenseActivation.Linear, false));
                inputSize = rnn.Hidden;
            }
            else if (dense is not null)
            {
                layers.Add(new LayerDeclaration(property.Name, false, inputSize, dense.Units, RnnActivation.Tanh, true, dense.Activation, softmax));
                inputSize = dense.Units;
            }
        }

        return new ReferenceNetwork(model.InputSize, layers);
    }

    /// <summary>Offsets of every tensor in PyTorch order, as <c>Layer.tensor</c> names.</summary>
    public IEnumerable<(string Name, int Offset, int[] Shape)> TensorLayout()
    {
        int offset = 0;
        foreach (var layer in Layers)
        {
            foreach (var (name, shape) in layer.Tensors)
            {
                yield return (layer.Name + "." + name, offset, shape);
                offset += shape.Aggregate(1, (a, b) => a * b);
            }
        }
    }

    /// <summary>
    /// Forward and backward for the loss whose gradient is <paramref name="outputGradient"/> on the output and
    /// <paramref name="finalStateGradients"/> on each recurrent layer's final state.
    /// </summary>
    /// <param name="parameters">The arena, in PyTorch order.</param>
    /// <param name="input"><c>[T, B, I]</c>.</param>
    /// <param name="initialStates">Per recurrent layer, <c>[B, H]</c>.</param>
    /// <param name="batch">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="outputGradient">dL/d(output), or <see langword="null"/> for forward only.</param>
    /// <param name="finalStateGradients">Per recurrent layer, <c>[B, H]</c>; ignored for forward only.</param>
    public ReferenceResult Run(float[] parameters, float[] input, IReadOnlyList<float[]> initialStates, int batch, int steps, float[]? outputGradient, IReadOnlyList<float[]>? finalStateGradients)
    {
        // Forward, keeping every layer's input and output.
        var inputs = new float[Layers.Count][];
        var outputs = new float[Layers.Count][];
        var weights = new object[Layers.Count];
        var finals = new List<float[]>();
        float[] x = input;
        bool sequence = true;
        int offset = 0, recurrent = 0;
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            inputs[l] = x;
            int rows = sequence ? steps * batch : batch;
            if (layer.IsRecurrent)
            {
                var w = new ElmanWeights(
                    layer.InputSize,
                    layer.Size,
                    Take(parameters, ref offset, layer.Size * layer.InputSize),
                    Take(parameters, ref offset, layer.Size * layer.Size),
                    Take(parameters, ref offset, layer.Size),
                    Take(parameters, ref offset, layer.Size),
                    layer.RnnActivation);
                weights[l] = w;
                var (all, final) = ReferenceElman.Forward(w, x, initialStates[recurrent++], steps, batch);
                finals.Add(final);
                outputs[l] = layer.ReturnSequences ? all : final;
                sequence = layer.ReturnSequences;
            }
            else
            {
                var weight = Take(parameters, ref offset, layer.Size * layer.InputSize);
                var bias = Take(parameters, ref offset, layer.Size);
                weights[l] = (weight, bias);
                var y = ReferenceDense.Forward(weight, bias, x, rows, layer.InputSize, layer.Size, layer.Softmax ? DenseActivation.Linear : layer.DenseActivation);
                outputs[l] = layer.Softmax ? ReferenceDense.Softmax(y, rows, layer.Size) : y;
            }

            x = outputs[l];
        }

        if (outputGradient is null)
        {
            return new ReferenceResult(x, finals.ToArray(), Array.Empty<float>(), Array.Empty<float>(), Array.Empty<float[]>());
        }

        // Backward, last layer first; each layer's tensors go back to their place in the arena.
        var gradients = new float[ParameterCount];
        var initialGradients = new float[finals.Count][];
        float[] dy = outputGradient;
        offset = ParameterCount;
        for (int l = Layers.Count - 1; l >= 0; l--)
        {
            var layer = Layers[l];
            offset -= layer.ParameterCount;
            bool inputIsSequence = l == 0 || IsSequenceAfter(l - 1);
            int rows = inputIsSequence ? steps * batch : batch;
            if (layer.IsRecurrent)
            {
                recurrent--;
                var w = (ElmanWeights)weights[l];
                var dFinal = (float[])finalStateGradients![recurrent].Clone();
                float[] dAll = new float[steps * batch * layer.Size];
                if (layer.ReturnSequences)
                {
                    dAll = dy;
                }
                else
                {
                    // Only h_T was passed on: its gradient joins dL/dh_T.
                    for (int i = 0; i < dFinal.Length; i++)
                    {
                        dFinal[i] += dy[i];
                    }
                }

                var g = ReferenceElman.Backward(w, inputs[l], initialStates[recurrent], steps, batch, dAll, dFinal);
                int at = offset;
                foreach (var part in new[] { g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh })
                {
                    part.CopyTo(gradients, at);
                    at += part.Length;
                }

                initialGradients[recurrent] = g.InitialState;
                dy = g.Input;
            }
            else
            {
                var (weight, _) = ((float[], float[]))weights[l];
                var dz = layer.Softmax
                    ? ReferenceDense.SoftmaxBackward(outputs[l], dy, rows, layer.Size)
                    : ReferenceDense.ActivationBackward(outputs[l], dy, layer.DenseActivation);
                var (dW, db, dx) = ReferenceDense.Backward(weight, inputs[l], dz, rows, layer.InputSize, layer.Size);
                dW.CopyTo(gradients, offset);
                db.CopyTo(gradients, offset + dW.Length);
                dy = dx;
            }
        }

        return new ReferenceResult(x, finals.ToArray(), gradients, dy, initialGradients);
    }

    private bool IsSequenceAfter(int layerIndex)
    {
        bool sequence = true;
        for (int l = 0; l <= layerIndex; l++)
        {
            if (Layers[l].IsRecurrent)
            {
                sequence = Layers[l].ReturnSequences;
            }
        }

        return sequence;
    }

    private static float[] Take(float[] arena, ref int offset, int length)
    {
        var part = arena.AsSpan(offset, length).ToArray();
        offset += length;
        return part;
    }
}
