using System;
using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Planning;

/// <summary>
/// Resolves every layer's input and output size from the one before it and places all parameters in one
/// arena, layer after layer, tensors in the order PyTorch lists them (a bidirectional layer's reverse direction
/// after its forward direction, as <c>state_dict</c> does). Only called for valid specs.
/// </summary>
internal static class NetworkPlanner
{
    public static NetworkPlan Plan(NetworkSpec spec)
    {
        var layers = new List<LayerPlan>();
        int offset = 0;
        // A model that reads token ids reads one per step; its embedding "reads" its vocabulary, one id of it per row.
        int inputSize = spec.ReadsTokens ? spec.Layers[0].Vocabulary : spec.InputSize;
        bool sequence = true;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            var tensors = new List<TensorPlan>();
            int start = offset;
            int directions = layer.IsRecurrent && layer.Bidirectional ? 2 : 1;
            for (int direction = 0; direction < directions; direction++)
            {
                foreach (var (name, symbol, constant, bound, shape) in TensorsOf(layer, inputSize))
                {
                    // The reverse direction's tensors carry PyTorch's suffix: weight_ih_reverse, ...
                    bool reverse = direction == 1;
                    var plan = new TensorPlan(
                        reverse ? name + "_reverse" : name,
                        symbol,
                        layer.Name + "_" + constant + (reverse ? "Reverse" : string.Empty),
                        offset,
                        new EquatableArray<int>(shape),
                        bound)
                    {
                        Reverse = reverse,
                        Normal = layer.Kind == LayerKind.Embedding,
                    };
                    tensors.Add(plan);
                    offset += plan.Length;
                }
            }

            bool outputSequence = layer.IsRecurrent ? layer.ReturnSequences : sequence;

            // A bidirectional layer passes on [h→; h←].
            int outputSize = directions * layer.Size;
            layers.Add(new LayerPlan(layer, i, inputSize, outputSize, sequence, outputSequence, start, offset - start, new EquatableArray<TensorPlan>(tensors)));
            inputSize = outputSize;
            sequence = outputSequence;
        }

        var last = spec.Layers[spec.Layers.Count - 1];
        return new NetworkPlan(
            spec,
            new EquatableArray<LayerPlan>(layers),
            spec.ReadsTokens ? 1 : spec.InputSize,
            inputSize,
            sequence,
            last.Softmax ? OutputKind.Softmax : OutputKind.Linear,
            offset);
    }

    /// <summary>The tensors of one direction of <paramref name="layer"/>: name, symbol, offset-constant stem, initialisation bound, shape.</summary>
    private static IEnumerable<(string Name, string Symbol, string Constant, float Bound, int[] Shape)> TensorsOf(LayerSpec layer, int inputSize)
    {
        int size = layer.Size;
        switch (layer.Kind)
        {
            case LayerKind.SimpleRnn:
            {
                // PyTorch's torch.nn.RNN: every tensor from U(−1/√H, 1/√H).
                float k = 1f / (float)Math.Sqrt(size);
                yield return ("weight_ih", "W_ih", "WeightIh", k, new[] { size, inputSize });
                yield return ("weight_hh", "W_hh", "WeightHh", k, new[] { size, size });
                yield return ("bias_ih", "b_ih", "BiasIh", k, new[] { size });
                yield return ("bias_hh", "b_hh", "BiasHh", k, new[] { size });
                break;
            }

            case LayerKind.Lstm:
            {
                // PyTorch's torch.nn.LSTM: every tensor from U(−1/√H, 1/√H); the peephole vectors likewise.
                // Gate blocks i, f, g, o, or f, g, o when the input gate is coupled (i = 1 − f has no weights).
                float bound = 1f / (float)Math.Sqrt(size);
                int rows = (layer.CoupledInputForget ? 3 : 4) * size;
                yield return ("weight_ih", "W_ih", "WeightIh", bound, new[] { rows, inputSize });
                yield return ("weight_hh", "W_hh", "WeightHh", bound, new[] { rows, size });
                yield return ("bias_ih", "b_ih", "BiasIh", bound, new[] { rows });
                yield return ("bias_hh", "b_hh", "BiasHh", bound, new[] { rows });
                if (layer.Peephole)
                {
                    // Rows p_i, p_f, p_o, or p_f, p_o when coupled.
                    yield return ("peephole", "W_peephole", "Peephole", bound, new[] { layer.CoupledInputForget ? 2 : 3, size });
                }

                break;
            }

            case LayerKind.Gru:
            {
                // PyTorch's torch.nn.GRU: every tensor from U(−1/√H, 1/√H); gate blocks r, z, n.
                float bound = 1f / (float)Math.Sqrt(size);
                yield return ("weight_ih", "W_ih", "WeightIh", bound, new[] { 3 * size, inputSize });
                yield return ("weight_hh", "W_hh", "WeightHh", bound, new[] { 3 * size, size });
                yield return ("bias_ih", "b_ih", "BiasIh", bound, new[] { 3 * size });
                yield return ("bias_hh", "b_hh", "BiasHh", bound, new[] { 3 * size });
                break;
            }

            case LayerKind.Dense:
            {
                // PyTorch's torch.nn.Linear: U(−1/√I, 1/√I) for weight and bias.
                float d = 1f / (float)Math.Sqrt(inputSize);
                yield return ("weight", "W", "Weight", d, new[] { size, inputSize });
                yield return ("bias", "b", "Bias", d, new[] { size });
                break;
            }

            case LayerKind.Embedding:
            {
                // PyTorch's torch.nn.Embedding: weight [V, E] from N(0, 1); the bound is the standard deviation.
                yield return ("weight", "E", "Weight", 1f, new[] { layer.Vocabulary, size });
                break;
            }

            default:
                throw new InvalidOperationException($"Layer kind {layer.Kind} cannot be planned.");
        }
    }
}
