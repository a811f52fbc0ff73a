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

    /// <summary>
    /// Mean softmax cross-entropy over the valid steps of a variable-length batch: rows <c>(t, b)</c> with
    /// <c>t &lt; lengths[b]</c> count, padded rows neither add to the loss nor get a gradient (their targets are not
    /// read, so any value, such as −1, may stand there). <c>L = −(1/N) Σ_valid log p[t, b, y_tb]</c> with
    /// <c>N = Σ_b lengths[b]</c>; <c>dz = (p − onehot)/N</c> on valid rows, 0 on padded ones. With empty
    /// <paramref name="lengths"/> this is <see cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{int}, int, int, Span{float})"/> over all rows.
    /// </summary>
    /// <param name="probabilities">Softmax outputs, <c>[T, B, classes]</c>.</param>
    /// <param name="targets">Class index per step, <c>[T, B]</c>.</param>
    /// <param name="lengths">Valid steps per sequence, <c>[B]</c>, or empty.</param>
    /// <param name="steps">Steps <c>T</c>.</param>
    /// <param name="batch">Sequences <c>B</c>.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="dLogits">Receives <c>dL/dz</c>, <c>[T, B, classes]</c>; may be empty to skip the gradient.</param>
    /// <returns>The mean loss over valid steps.</returns>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths, int steps, int batch, int classes, Span<float> dLogits)
    {
        if (lengths.IsEmpty)
        {
            return SoftmaxCrossEntropy(probabilities, targets, steps * batch, classes, dLogits);
        }

        if (targets.Length != steps * batch)
        {
            throw new ArgumentException($"Expected {steps * batch} targets (one class index per step, [T, B]), got {targets.Length}.", nameof(targets));
        }

        int valid = ValidSteps(lengths);
        double total = 0;
        float inv = 1f / valid;
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int r = (t * batch) + b;
                var d = dLogits.IsEmpty ? default : dLogits.Slice(r * classes, classes);
                if (t >= lengths[b])
                {
                    d.Clear();
                    continue;
                }

                int y = targets[r];
                if ((uint)y >= (uint)classes)
                {
                    throw new ArgumentOutOfRangeException(nameof(targets), $"Target {r} (step {t} of sequence {b}) is {y}; class indices must be in [0, {classes}).");
                }

                var p = probabilities.Slice(r * classes, classes);
                total -= Math.Log(Math.Max(p[y], 1e-30f));
                if (!d.IsEmpty)
                {
                    for (int j = 0; j < classes; j++)
                    {
                        d[j] = p[j] * inv;
                    }

                    d[y] -= inv;
                }
            }
        }

        return (float)(total / valid);
    }

    /// <summary>
    /// Mean squared error over the valid steps of a variable-length batch: <c>L = (1/(N·F)) Σ_valid Σ_j (ŷ − y)²</c>
    /// with <c>N = Σ_b lengths[b]</c> valid rows of <paramref name="features"/> values; <c>dŷ = 2(ŷ − y)/(N·F)</c> on
    /// valid rows and 0 on padded ones, whose targets are not read. With empty <paramref name="lengths"/> this is
    /// <see cref="MeanSquaredError(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    /// <param name="prediction">Outputs, <c>[T, B, features]</c>.</param>
    /// <param name="target">Targets, <c>[T, B, features]</c>.</param>
    /// <param name="lengths">Valid steps per sequence, <c>[B]</c>, or empty.</param>
    /// <param name="steps">Steps <c>T</c>.</param>
    /// <param name="batch">Sequences <c>B</c>.</param>
    /// <param name="features">Values per step.</param>
    /// <param name="dPrediction">Receives <c>dL/dŷ</c>; may be empty.</param>
    /// <returns>The mean loss over valid values.</returns>
    public static float MeanSquaredError(ReadOnlySpan<float> prediction, ReadOnlySpan<float> target, ReadOnlySpan<int> lengths, int steps, int batch, int features, Span<float> dPrediction)
    {
        if (lengths.IsEmpty)
        {
            return MeanSquaredError(prediction, target, dPrediction);
        }

        if (target.Length != prediction.Length || prediction.Length != steps * batch * features)
        {
            throw new ArgumentException($"Expected {steps * batch * features} targets ([T, B, {features}]), got {target.Length}.", nameof(target));
        }

        int count = ValidSteps(lengths) * features;
        double total = 0;
        float scale = 2f / count;
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int at = ((t * batch) + b) * features;
                var d = dPrediction.IsEmpty ? default : dPrediction.Slice(at, features);
                if (t >= lengths[b])
                {
                    d.Clear();
                    continue;
                }

                for (int j = 0; j < features; j++)
                {
                    float e = prediction[at + j] - target[at + j];
                    total += (double)e * e;
                    if (!d.IsEmpty)
                    {
                        d[j] = scale * e;
                    }
                }
            }
        }

        return (float)(total / count);
    }

    private static int ValidSteps(ReadOnlySpan<int> lengths)
    {
        int valid = 0;
        foreach (int length in lengths)
        {
            valid += length;
        }

        return valid;
    }
}
