using System;

namespace RnnGen.Reference;

/// <summary>Weights of an Elman layer in PyTorch layout: <c>W_ih [H, I]</c>, <c>W_hh [H, H]</c>, <c>b_ih [H]</c>, <c>b_hh [H]</c>.</summary>
public sealed record ElmanWeights(int InputSize, int HiddenSize, float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh, RnnActivation Activation);

/// <summary>Gradients of an Elman layer, named after what they differentiate.</summary>
public sealed record ElmanGradients(float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh, float[] Input, float[] InitialState);

/// <summary>
/// A plain, obviously correct Elman RNN: scalar loops in double precision, no tricks. It exists so the
/// generated code has something independent to be checked against.
/// Layout: <c>x [T, B, I]</c>, <c>h [T, B, H]</c>, states <c>[B, H]</c>.
/// </summary>
public static class ReferenceElman
{
    /// <summary>
    /// <c>h_t = f(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)</c> for t = 1..T. Returns all <c>h_t</c> <c>[T, B, H]</c>
    /// and the final state <c>h_T</c> <c>[B, H]</c>.
    /// </summary>
    public static (float[] Output, float[] FinalState) Forward(ElmanWeights w, float[] x, float[] h0, int steps, int batch)
    {
        int inSize = w.InputSize, hid = w.HiddenSize;
        var y = new float[steps * batch * hid];
        var h = (float[])h0.Clone();
        for (int t = 0; t < steps; t++)
        {
            var next = new float[batch * hid];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < hid; j++)
                {
                    double a = w.BiasIh[j] + (double)w.BiasHh[j];
                    for (int i = 0; i < inSize; i++)
                    {
                        a += (double)w.WeightIh[(j * inSize) + i] * x[(((t * batch) + b) * inSize) + i];
                    }

                    for (int k = 0; k < hid; k++)
                    {
                        a += (double)w.WeightHh[(j * hid) + k] * h[(b * hid) + k];
                    }

                    next[(b * hid) + j] = (float)Apply(w.Activation, a);
                }
            }

            Array.Copy(next, 0, y, t * batch * hid, batch * hid);
            h = next;
        }

        return (y, h);
    }

    /// <summary>
    /// Backpropagation through time for a loss with <c>dL/dh_t = dOutput[t]</c> and <c>dL/dh_T += dFinalState</c>.
    /// </summary>
    public static ElmanGradients Backward(ElmanWeights w, float[] x, float[] h0, int steps, int batch, float[] dOutput, float[] dFinalState)
    {
        int inSize = w.InputSize, hid = w.HiddenSize;
        var (y, _) = Forward(w, x, h0, steps, batch);
        var g = new ElmanGradients(
            new float[hid * inSize], new float[hid * hid], new float[hid], new float[hid],
            new float[steps * batch * inSize], new float[batch * hid]);
        var dWih = new double[hid * inSize];
        var dWhh = new double[hid * hid];
        var db = new double[hid];
        var dh = new double[batch * hid];
        for (int i = 0; i < dh.Length; i++)
        {
            dh[i] = dFinalState[i];
        }

        for (int t = steps - 1; t >= 0; t--)
        {
            var dhPrev = new double[batch * hid];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < hid; j++)
                {
                    int row = (t * batch) + b;
                    double hj = y[(row * hid) + j];
                    double dTotal = dh[(b * hid) + j] + dOutput[(row * hid) + j];
                    double da = dTotal * Derivative(w.Activation, hj);
                    db[j] += da;
                    for (int i = 0; i < inSize; i++)
                    {
                        dWih[(j * inSize) + i] += da * x[(row * inSize) + i];
                        g.Input[(row * inSize) + i] += (float)(da * w.WeightIh[(j * inSize) + i]);
                    }

                    for (int k = 0; k < hid; k++)
                    {
                        double hPrev = t == 0 ? h0[(b * hid) + k] : y[((((t - 1) * batch) + b) * hid) + k];
                        dWhh[(j * hid) + k] += da * hPrev;
                        dhPrev[(b * hid) + k] += da * w.WeightHh[(j * hid) + k];
                    }
                }
            }

            dh = dhPrev;
        }

        Copy(dWih, g.WeightIh);
        Copy(dWhh, g.WeightHh);
        Copy(db, g.BiasIh);
        Copy(db, g.BiasHh);
        Copy(dh, g.InitialState);
        return g;
    }

    /// <summary>
    /// As <see cref="Forward(ElmanWeights, float[], float[], int, int)"/> over a variable-length batch and in either
    /// direction: sequence b runs over its own <c>lengths[b]</c> steps (all when <paramref name="lengths"/> is null),
    /// back to front when <paramref name="reverse"/>; outputs past its end are 0 and its final state is the state after
    /// its last processed step. Each sequence is run on its own (see <see cref="ReferenceSequences"/>).
    /// </summary>
    public static (float[] Output, float[] FinalState) Forward(ElmanWeights w, float[] x, float[] h0, int steps, int batch, int[]? lengths, bool reverse)
    {
        int inSize = w.InputSize, hid = w.HiddenSize;
        var y = new float[steps * batch * hid];
        var final = new float[batch * hid];
        for (int b = 0; b < batch; b++)
        {
            int length = ReferenceSequences.Length(lengths, b, steps);
            var xs = ReferenceSequences.Gather(x, b, batch, inSize, length, reverse);
            var (ys, hT) = Forward(w, xs, ReferenceSequences.Row(h0, b, hid), length, 1);
            ReferenceSequences.Scatter(ys, y, b, batch, hid, length, reverse);
            ReferenceSequences.SetRow(hT, final, b);
        }

        return (y, final);
    }

    /// <summary>
    /// Backpropagation through time over a variable-length batch and in either direction, as
    /// <see cref="Forward(ElmanWeights, float[], float[], int, int, int[], bool)"/> runs it: each sequence on its own,
    /// its weight gradients summed. <paramref name="dOutput"/> at padded steps is ignored (the output there is 0 whatever
    /// the weights); <paramref name="dFinalState"/> reaches each sequence at its last processed step.
    /// </summary>
    public static ElmanGradients Backward(ElmanWeights w, float[] x, float[] h0, int steps, int batch, float[] dOutput, float[] dFinalState, int[]? lengths, bool reverse)
    {
        int inSize = w.InputSize, hid = w.HiddenSize;
        var dWih = new double[hid * inSize];
        var dWhh = new double[hid * hid];
        var dBih = new double[hid];
        var dBhh = new double[hid];
        var g = new ElmanGradients(new float[hid * inSize], new float[hid * hid], new float[hid], new float[hid], new float[steps * batch * inSize], new float[batch * hid]);
        for (int b = 0; b < batch; b++)
        {
            int length = ReferenceSequences.Length(lengths, b, steps);
            var xs = ReferenceSequences.Gather(x, b, batch, inSize, length, reverse);
            var dys = ReferenceSequences.Gather(dOutput, b, batch, hid, length, reverse);
            var part = Backward(w, xs, ReferenceSequences.Row(h0, b, hid), length, 1, dys, ReferenceSequences.Row(dFinalState, b, hid));
            ReferenceSequences.Accumulate(dWih, part.WeightIh);
            ReferenceSequences.Accumulate(dWhh, part.WeightHh);
            ReferenceSequences.Accumulate(dBih, part.BiasIh);
            ReferenceSequences.Accumulate(dBhh, part.BiasHh);
            ReferenceSequences.Scatter(part.Input, g.Input, b, batch, inSize, length, reverse);
            ReferenceSequences.SetRow(part.InitialState, g.InitialState, b);
        }

        ReferenceSequences.ToFloat(dWih).CopyTo(g.WeightIh, 0);
        ReferenceSequences.ToFloat(dWhh).CopyTo(g.WeightHh, 0);
        ReferenceSequences.ToFloat(dBih).CopyTo(g.BiasIh, 0);
        ReferenceSequences.ToFloat(dBhh).CopyTo(g.BiasHh, 0);
        return g;
    }

    private static double Apply(RnnActivation f, double a) => f == RnnActivation.Tanh ? Math.Tanh(a) : Math.Max(0, a);

    private static double Derivative(RnnActivation f, double y) => f == RnnActivation.Tanh ? 1 - (y * y) : (y > 0 ? 1 : 0);

    private static void Copy(double[] from, float[] to)
    {
        for (int i = 0; i < from.Length; i++)
        {
            to[i] = (float)from[i];
        }
    }
}
