using System;
using RnnGen.Training;

namespace RnnGen.Samples.LongRange;

/// <summary>
/// The task: recall a number seen <c>L</c> steps ago. Step 0 shows a value <c>v ~ U(−1, 1)</c> on the value
/// channel; the next <c>L</c> steps show only noise, <c>U(−1, 1)</c> on the noise channel; after the last
/// step the network must output <c>v</c>. Everything in between is irrelevant, so the task measures how
/// well a cell carries a quantity across the gap.
/// </summary>
internal static class RecallTask
{
    /// <summary>Inputs per step: the value channel, then the noise channel.</summary>
    public const int InputSize = 2;

    /// <summary>Hidden units of every recurrent cell compared.</summary>
    public const int HiddenSize = 32;

    /// <summary>An answer counts as right when it is within this distance of the value.</summary>
    public const float Tolerance = 0.1f;

    /// <summary>
    /// Accuracy of the best answer that ignores the input, 0: <c>P(|v| &lt; 0.1) = 0.1</c> for
    /// <c>v ~ U(−1, 1)</c>. Its mean squared error is the variance of <c>v</c>, 1/3.
    /// </summary>
    public const double ChanceAccuracy = Tolerance;

    private const int ValueChannel = 0;
    private const int NoiseChannel = 1;

    /// <summary>
    /// Writes <paramref name="batch"/> fresh sequences of <c>gap + 1</c> steps, inputs <c>[T, B, 2]</c>
    /// time-major, into <paramref name="input"/> and the value of each, <c>[B, 1]</c>, into
    /// <paramref name="targets"/>.
    /// </summary>
    public static void Fill(int gap, int batch, ref SeededRandom random, Span<float> input, Span<float> targets)
    {
        int steps = gap + 1;
        var x = input[..(steps * batch * InputSize)];
        x.Clear();
        for (int b = 0; b < batch; b++)
        {
            float value = random.NextFloat(-1f, 1f);
            targets[b] = value;
            x[(b * InputSize) + ValueChannel] = value;
            for (int t = 1; t < steps; t++)
            {
                x[(((t * batch) + b) * InputSize) + NoiseChannel] = random.NextFloat(-1f, 1f);
            }
        }
    }

    /// <summary>
    /// Draws the gap of one training batch from 1 … <paramref name="maxGap"/>, log-uniformly: each scale of
    /// gap (1–2, 2–4, …) about equally often. The short gaps give every cell a gradient it can learn from
    /// before it has learnt to carry anything; the long ones ask it to carry the value all the way.
    /// </summary>
    public static int TrainingGap(int maxGap, ref SeededRandom random) =>
        Math.Clamp((int)MathF.Exp(random.NextFloat() * MathF.Log(maxGap + 1)), 1, maxGap);
}
