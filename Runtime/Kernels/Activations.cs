using System;

namespace RnnGen.Kernels;

/// <summary>
/// Elementwise activations and their derivatives, in place. Backward functions take the activation's
/// <em>output</em> <c>y</c> (all of tanh, σ and relu have derivatives expressible in <c>y</c>) and turn the
/// incoming gradient <c>dy</c> into the gradient of the pre-activation.
/// </summary>
public static class Activations
{
    /// <summary><c>x ← tanh(x)</c>.</summary>
    public static void Tanh(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Tanh(x[i]);
        }
    }

    /// <summary><c>x ← σ(x) = 1 / (1 + e^{−x})</c>.</summary>
    public static void Sigmoid(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = SigmoidOf(x[i]);
        }
    }

    /// <summary><c>x ← max(0, x)</c>.</summary>
    public static void Relu(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Max(0f, x[i]);
        }
    }

    /// <summary>σ of one value, stable for large |x|.</summary>
    public static float SigmoidOf(float x) => x >= 0f ? 1f / (1f + MathF.Exp(-x)) : MathF.Exp(x) / (1f + MathF.Exp(x));

    /// <summary><c>dy ← dy ⊙ (1 − y²)</c>, where <c>y = tanh(a)</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y, dy);
        for (int i = 0; i < dy.Length; i++)
        {
            dy[i] *= 1f - (y[i] * y[i]);
        }
    }

    /// <summary><c>dy ← dy ⊙ y(1 − y)</c>, where <c>y = σ(a)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y, dy);
        for (int i = 0; i < dy.Length; i++)
        {
            dy[i] *= y[i] * (1f - y[i]);
        }
    }

    /// <summary><c>dy ← dy ⊙ [y &gt; 0]</c>, where <c>y = max(0, a)</c>.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y, dy);
        for (int i = 0; i < dy.Length; i++)
        {
            if (y[i] <= 0f)
            {
                dy[i] = 0f;
            }
        }
    }

    /// <summary>Softmax of each row of a <c>[rows, cols]</c> matrix, in place: <c>p_j = e^{x_j − max} / Σ_k e^{x_k − max}</c>.</summary>
    public static void SoftmaxRows(Span<float> x, int rows, int cols)
    {
        if ((long)rows * cols > x.Length)
        {
            throw new ArgumentException($"Softmax over [{rows}, {cols}] needs {(long)rows * cols} elements, got {x.Length}.", nameof(x));
        }

        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            float max = float.NegativeInfinity;
            foreach (var v in row)
            {
                max = MathF.Max(max, v);
            }

            float sum = 0f;
            for (int j = 0; j < cols; j++)
            {
                row[j] = MathF.Exp(row[j] - max);
                sum += row[j];
            }

            Vec.Scale(row, 1f / sum);
        }
    }

    /// <summary>
    /// Backward of a row softmax: <c>dx_j = p_j (dp_j − Σ_k dp_k p_k)</c>, written over <paramref name="dp"/>.
    /// </summary>
    public static void SoftmaxRowsBackward(ReadOnlySpan<float> p, Span<float> dp, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            var pr = p.Slice(r * cols, cols);
            var dr = dp.Slice(r * cols, cols);
            float dot = Vec.Dot(pr, dr, cols);
            for (int j = 0; j < cols; j++)
            {
                dr[j] = pr[j] * (dr[j] - dot);
            }
        }
    }

    private static void CheckSame(ReadOnlySpan<float> y, Span<float> dy)
    {
        if (y.Length != dy.Length)
        {
            throw new ArgumentException($"Activation output has {y.Length} elements but its gradient has {dy.Length}.", nameof(dy));
        }
    }
}
