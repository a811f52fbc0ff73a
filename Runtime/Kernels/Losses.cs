using System;

namespace RnnGen.Kernels;

/// <summary>Losses and their gradients with respect to the model's pre-output values.</summary>
public static class Losses
{
    /// <summary>
    /// Mean softmax cross-entropy over <paramref name="rows"/> predictions:
    /// <c>L = −(1/N) Σ_r log p[r, y_r]</c>, and its gradient with respect to the logits,
    /// <c>dz[r, j] = (p[r, j] − [j = y_r]) / N</c>, written to <paramref name="dLogits"/>.
    /// </summary>
    /// <param name="probabilities">Softmax outputs, <c>[rows, classes]</c>.</param>
    /// <param name="targets">Class index per row, each in <c>[0, classes)</c>.</param>
    /// <param name="rows">Number of predictions <c>N</c>.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="dLogits">Receives <c>dL/dz</c>, <c>[rows, classes]</c>; may be empty to skip the gradient.</param>
    /// <returns>The mean loss.</returns>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> targets, int rows, int classes, Span<float> dLogits)
    {
        if (targets.Length != rows)
        {
            throw new ArgumentException($"Expected {rows} targets (one class index per prediction), got {targets.Length}.", nameof(targets));
        }

        double total = 0;
        float inv = 1f / rows;
        for (int r = 0; r < rows; r++)
        {
            int y = targets[r];
            if ((uint)y >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(targets), $"Target {r} is {y}; class indices must be in [0, {classes}).");
            }

            var p = probabilities.Slice(r * classes, classes);
            total -= Math.Log(Math.Max(p[y], 1e-30f));
            if (!dLogits.IsEmpty)
            {
                var d = dLogits.Slice(r * classes, classes);
                for (int j = 0; j < classes; j++)
                {
                    d[j] = p[j] * inv;
                }

                d[y] -= inv;
            }
        }

        return (float)(total / rows);
    }

    /// <summary>
    /// Mean squared error over all elements, <c>L = (1/N) Σ (ŷ − y)²</c>, and its gradient
    /// <c>dŷ = 2(ŷ − y)/N</c> written to <paramref name="dPrediction"/> (may be empty).
    /// </summary>
    /// <returns>The mean loss.</returns>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, Span<float> dPrediction)
    {
        if (target.Length != prediction.Length)
        {
            throw new ArgumentException($"Expected {prediction.Length} targets (one per output value), got {target.Length}.", nameof(target));
        }

        double total = 0;
        float scale = 2f / prediction.Length;
        for (int i = 0; i < prediction.Length; i++)
        {
            float e = prediction[i] - target[i];
            total += (double)e * e;
            if (!dPrediction.IsEmpty)
            {
                dPrediction[i] = scale * e;
            }
        }

        return (float)(total / prediction.Length);
    }
}
