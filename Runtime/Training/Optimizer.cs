using System;

namespace RnnGen.Training;

/// <summary>Updates a model's parameter arena from its gradient arena.</summary>
public abstract class Optimizer
{
    /// <summary>Global L2 norm of the gradients seen by the last <see cref="Step"/>, before clipping.</summary>
    public float LastGradientNorm { get; protected set; }

    /// <summary>Number of steps taken.</summary>
    public long StepCount { get; protected set; }

    /// <summary>Applies one update. <paramref name="parameters"/> and <paramref name="gradients"/> are whole arenas of equal length.</summary>
    public abstract void Step(Span<float> parameters, ReadOnlySpan<float> gradients);
}

/// <summary>
/// Stochastic gradient descent with optional global-norm clipping, as PyTorch's
/// <c>clip_grad_norm_</c> followed by <c>SGD</c>: <c>θ ← θ − lr · min(1, clip / (‖g‖ + 1e−6)) · g</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    /// <param name="learningRate">Step size; must be positive and finite.</param>
    /// <param name="clipNorm">Maximum global gradient norm; 0 (the default) disables clipping.</param>
    public Sgd(float learningRate, float clipNorm = 0f)
    {
        LearningRate = learningRate;
        ClipNorm = clipNorm;
    }

    /// <summary>Step size. Can be changed between steps (learning-rate schedules).</summary>
    public float LearningRate
    {
        get;
        set => field = value > 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be positive and finite.");
    }

    /// <summary>Maximum global gradient norm; 0 disables clipping.</summary>
    public float ClipNorm
    {
        get;
        set => field = value >= 0f && float.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The clip norm must be 0 (off) or positive.");
    }

    /// <inheritdoc />
    public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
        {
            throw new ArgumentException($"Parameter arena has {parameters.Length} elements but gradient arena has {gradients.Length}.", nameof(gradients));
        }

        float norm = (float)Math.Sqrt(Kernels.Vec.SumOfSquares(gradients));
        LastGradientNorm = norm;
        float scale = 1f;
        if (ClipNorm > 0f)
        {
            scale = Math.Min(1f, ClipNorm / (norm + 1e-6f));
        }

        Kernels.Vec.Axpy(-LearningRate * scale, gradients, parameters, parameters.Length);
        StepCount++;
    }
}
