using System;
using System.Collections.Generic;
using RnnGen.Reference;

namespace RnnGen.Tests.Embedding;

/// <summary>
/// The language model of <c>lm_step_lstm2</c> built from the runtime's reference layers alone: embedding, two LSTM layers
/// from zero states, a linear decoder, softmax and mean cross-entropy, forward and backward. Weights and gradients are
/// keyed by their PyTorch names (<c>embedding.weight</c>, <c>lstm.weight_ih_l0</c>, ..., <c>decoder.bias</c>).
/// </summary>
internal static class ReferenceLanguageModel
{
    public sealed record Result(float[] Probabilities, double Loss, Dictionary<string, float[]> Gradients);

    public static Result Run(IReadOnlyDictionary<string, float[]> weights, int[] inputs, int[] targets, int steps, int batch, int vocabulary, int size, int hidden)
    {
        int rows = steps * batch;
        var zeros = new float[batch * hidden];
        LstmWeights Layer(int l, int inputSize) => new(
            inputSize, hidden, Peephole: false, CoupledInputForget: false,
            weights[$"lstm.weight_ih_l{l}"], weights[$"lstm.weight_hh_l{l}"], weights[$"lstm.bias_ih_l{l}"], weights[$"lstm.bias_hh_l{l}"], Array.Empty<float>());
        var lower = Layer(0, size);
        var upper = Layer(1, hidden);

        // Forward: x = E[token], h¹ = LSTM(x), h² = LSTM(h¹), p = softmax(W h² + b).
        var x = ReferenceEmbedding.Forward(weights["embedding.weight"], inputs, vocabulary, size);
        var h1 = ReferenceLstm.Forward(lower, x, zeros, zeros, steps, batch).Output;
        var h2 = ReferenceLstm.Forward(upper, h1, zeros, zeros, steps, batch).Output;
        var logits = ReferenceDense.Forward(weights["decoder.weight"], weights["decoder.bias"], h2, rows, hidden, vocabulary, DenseActivation.Linear);
        var p = ReferenceDense.Softmax(logits, rows, vocabulary);
        var (loss, dLogits) = ReferenceDense.CrossEntropy(p, targets, rows, vocabulary);

        // Backward, layer by layer in reverse; nothing flows into the final states.
        var decoder = ReferenceDense.Backward(weights["decoder.weight"], h2, dLogits, rows, hidden, vocabulary);
        var dUpper = ReferenceLstm.Backward(upper, h1, zeros, zeros, steps, batch, decoder.Input, zeros, zeros);
        var dLower = ReferenceLstm.Backward(lower, x, zeros, zeros, steps, batch, dUpper.Input, zeros, zeros);
        var dEmbedding = ReferenceEmbedding.Backward(inputs, dLower.Input, vocabulary, size);

        var gradients = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            ["embedding.weight"] = dEmbedding,
            ["lstm.weight_ih_l0"] = dLower.WeightIh,
            ["lstm.weight_hh_l0"] = dLower.WeightHh,
            ["lstm.bias_ih_l0"] = dLower.BiasIh,
            ["lstm.bias_hh_l0"] = dLower.BiasHh,
            ["lstm.weight_ih_l1"] = dUpper.WeightIh,
            ["lstm.weight_hh_l1"] = dUpper.WeightHh,
            ["lstm.bias_ih_l1"] = dUpper.BiasIh,
            ["lstm.bias_hh_l1"] = dUpper.BiasHh,
            ["decoder.weight"] = decoder.Weight,
            ["decoder.bias"] = decoder.Bias,
        };
        return new Result(p, loss, gradients);
    }
}
