using System;
using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Planning;

/// <summary>
/// Resolves every layer's input and output size from the one before it and places all parameters in one
/// arena, layer after layer, tensors in the order PyTorch lists them. Only called for valid specs.
/// </summary>
internal static class NetworkPlanner
{
    public static NetworkPlan Plan(NetworkSpec spec)
    {
        var layers = new List<LayerPlan>();
        int offset = 0;
        int inputSize = spec.InputSize;
        bool sequence = true;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            var tensors = new List<TensorPlan>();
            void Tensor(string name, string symbol, string constant, float bound, params int[] shape)
            {
                var plan = new TensorPlan(name, symbol, layer.Name + "_" + constant, offset, new EquatableArray<int>(shape), bound);
                tensors.Add(plan);
                offset += plan.Length;
            }

            int start = offset;
            int size = layer.Size;
            bool outputSequence = sequence;
            switch (layer.Kind)
            {
                case LayerKind.SimpleRnn:
                    // PyTorch's torch.nn.RNN: every tensor from U(−1/√H, 1/√H).
                    float k = 1f / (float)Math.Sqrt(size);
                    Tensor("weight_ih", "W_ih", "WeightIh", k, size, inputSize);
                    Tensor("weight_hh", "W_hh", "WeightHh", k, size, size);
                    Tensor("bias_ih", "b_ih", "BiasIh", k, size);
                    Tensor("bias_hh", "b_hh", "BiasHh", k, size);
                    outputSequence = layer.ReturnSequences;
                    break;
                case LayerKind.Lstm:
                {
                    // PyTorch's torch.nn.LSTM: every tensor from U(−1/√H, 1/√H); the peephole vectors likewise.
                    // Gate blocks i, f, g, o, or f, g, o when the input gate is coupled (i = 1 − f has no weights).
                    float bound = 1f / (float)Math.Sqrt(size);
                    int rows = (layer.CoupledInputForget ? 3 : 4) * size;
                    Tensor("weight_ih", "W_ih", "WeightIh", bound, rows, inputSize);
                    Tensor("weight_hh", "W_hh", "WeightHh", bound, rows, size);
                    Tensor("bias_ih", "b_ih", "BiasIh", bound, rows);
                    Tensor("bias_hh", "b_hh", "BiasHh", bound, rows);
                    if (layer.Peephole)
                    {
                        // Rows p_i, p_f, p_o, or p_f, p_o when coupled.
                        Tensor("peephole", "W_peephole", "Peephole", bound, layer.CoupledInputForget ? 2 : 3, size);
                    }

                    outputSequence = layer.ReturnSequences;
                    break;
                }

                case LayerKind.Gru:
                {
                    // PyTorch's torch.nn.GRU: every tensor from U(−1/√H, 1/√H); gate blocks r, z, n.
                    float bound = 1f / (float)Math.Sqrt(size);
                    Tensor("weight_ih", "W_ih", "WeightIh", bound, 3 * size, inputSize);
                    Tensor("weight_hh", "W_hh", "WeightHh", bound, 3 * size, size);
                    Tensor("bias_ih", "b_ih", "BiasIh", bound, 3 * size);
                    Tensor("bias_hh", "b_hh", "BiasHh", bound, 3 * size);
                    outputSequence = layer.ReturnSequences;
                    break;
                }

                case LayerKind.Dense:
                    // PyTorch's torch.nn.Linear: U(−1/√I, 1/√I) for weight and bias.
                    float d = 1f / (float)Math.Sqrt(inputSize);
                    Tensor("weight", "W", "Weight", d, size, inputSize);
                    Tensor("bias", "b", "Bias", d, size);
                    break;
                default:
                    throw new InvalidOperationException($"Layer kind {layer.Kind} cannot be planned.");
            }

            layers.Add(new LayerPlan(layer, i, inputSize, size, sequence, outputSequence, start, offset - start, new EquatableArray<TensorPlan>(tensors)));
            inputSize = size;
            sequence = outputSequence;
        }

        var last = spec.Layers[spec.Layers.Count - 1];
        return new NetworkPlan(
            spec,
            new EquatableArray<LayerPlan>(layers),
            spec.InputSize,
            inputSize,
            sequence,
            last.Softmax ? OutputKind.Softmax : OutputKind.Linear,
            offset);
    }
}
