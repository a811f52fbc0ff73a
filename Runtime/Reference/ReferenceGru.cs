using System;

namespace RnnGen.Reference;

/// <summary>
/// Weights of a GRU layer in the project's canonical layout (PyTorch's): <c>W_ih [3H, I]</c>, <c>W_hh [3H, H]</c>,
/// <c>b_ih [3H]</c>, <c>b_hh [3H]</c> with gate blocks r, z, n.
/// </summary>
public sealed record GruWeights(int InputSize, int HiddenSize, bool ResetAfter, float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh);

/// <summary>Gradients of a GRU layer, named after what they differentiate, in the layouts of <see cref="GruWeights"/>.</summary>
public sealed record GruGradients(float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh, float[] Input, float[] InitialState);

/// <summary>
/// A plain, obviously correct GRU in both forms: scalar loops in double precision, one gate at a time, so the
/// generated code has something independent to be checked against. Layout: <c>x [T, B, I]</c>, <c>h [T, B, H]</c>,
/// states <c>[B, H]</c>.
/// <code>
/// r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr);  z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
/// n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))      reset after (PyTorch)
/// n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t−1}) + b_hn)      reset before (Cho et al. 2014)
/// h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
/// </code>
/// </summary>
public static class ReferenceGru
{
    private const int R = 0, Z = 1, N = 2;

    /// <summary>Runs the layer; returns <c>h_t</c> for every step <c>[T, B, H]</c> and the final state <c>h_T</c> <c>[B, H]</c>.</summary>
    public static (float[] Output, float[] FinalState) Forward(GruWeights w, float[] x, float[] h0, int steps, int batch)
    {
        var trace = Run(w, x, h0, steps, batch);
        int hid = w.HiddenSize;
        var y = new float[steps * batch * hid];
        for (int t = 0; t < steps; t++)
        {
            for (int k = 0; k < batch * hid; k++)
            {
                y[(t * batch * hid) + k] = (float)trace.H[t + 1][k];
            }
        }

        return (y, ToFloat(trace.H[steps]));
    }

    /// <summary>Backpropagation through time for a loss with <c>dL/dh_t = dOutput[t]</c> and <c>dL/dh_T += dFinalState</c>.</summary>
    public static GruGradients Backward(GruWeights w, float[] x, float[] h0, int steps, int batch, float[] dOutput, float[] dFinalState)
    {
        int inSize = w.InputSize, hid = w.HiddenSize;
        var trace = Run(w, x, h0, steps, batch);
        var dWih = new double[3 * hid * inSize];
        var dWhh = new double[3 * hid * hid];
        var dBih = new double[3 * hid];
        var dBhh = new double[3 * hid];
        var dx = new double[steps * batch * inSize];
        var dh = new double[batch * hid];
        for (int i = 0; i < dh.Length; i++)
        {
            dh[i] = dFinalState[i];
        }

        for (int t = steps - 1; t >= 0; t--)
        {
            var dhPrev = new double[batch * hid];
            double[] hPrev = trace.H[t];
            for (int b = 0; b < batch; b++)
            {
                var dAr = new double[hid];
                var dAz = new double[hid];
                var dAn = new double[hid];
                for (int j = 0; j < hid; j++)
                {
                    int s = (b * hid) + j;
                    double z = trace.Z[t][s], n = trace.N[t][s];

                    // h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
                    double dhTotal = dh[s] + dOutput[(t * batch * hid) + s];
                    dhPrev[s] += dhTotal * z;
                    dAn[j] = dhTotal * (1 - z) * (1 - (n * n));
                    dAz[j] = dhTotal * (hPrev[s] - n) * z * (1 - z);
                }

                if (w.ResetAfter)
                {
                    for (int j = 0; j < hid; j++)
                    {
                        int s = (b * hid) + j;
                        double r = trace.R[t][s];

                        // n = tanh(a_in + r ⊙ â_hn): dL/dr = dL/da_n ⊙ â_hn, dL/dâ_hn = dL/da_n ⊙ r
                        dAr[j] = dAn[j] * trace.HiddenCandidate[t][s] * r * (1 - r);
                        AddHiddenGradient(w, R, j, b, dAr[j], hPrev, dWhh, dBhh, dhPrev);
                        AddHiddenGradient(w, Z, j, b, dAz[j], hPrev, dWhh, dBhh, dhPrev);
                        AddHiddenGradient(w, N, j, b, dAn[j] * r, hPrev, dWhh, dBhh, dhPrev);
                    }
                }
                else
                {
                    // n = tanh(a_in + W_hn (r ⊙ h_{t−1}) + b_hn): first dL/d(r ⊙ h_{t−1}) = W_hnᵀ da_n
                    var dResetHidden = new double[hid];
                    for (int j = 0; j < hid; j++)
                    {
                        int row = (N * hid) + j;
                        dBhh[row] += dAn[j];
                        for (int k = 0; k < hid; k++)
                        {
                            dWhh[(row * hid) + k] += dAn[j] * trace.ResetHidden[t][(b * hid) + k];
                            dResetHidden[k] += dAn[j] * w.WeightHh[(row * hid) + k];
                        }
                    }

                    for (int k = 0; k < hid; k++)
                    {
                        int s = (b * hid) + k;
                        double r = trace.R[t][s];
                        dhPrev[s] += dResetHidden[k] * r;
                        dAr[k] = dResetHidden[k] * hPrev[s] * r * (1 - r);
                    }

                    for (int j = 0; j < hid; j++)
                    {
                        AddHiddenGradient(w, R, j, b, dAr[j], hPrev, dWhh, dBhh, dhPrev);
                        AddHiddenGradient(w, Z, j, b, dAz[j], hPrev, dWhh, dBhh, dhPrev);
                    }
                }

                for (int j = 0; j < hid; j++)
                {
                    AddInputGradient(w, R, j, b, t, batch, dAr[j], x, dWih, dBih, dx);
                    AddInputGradient(w, Z, j, b, t, batch, dAz[j], x, dWih, dBih, dx);
                    AddInputGradient(w, N, j, b, t, batch, dAn[j], x, dWih, dBih, dx);
                }
            }

            dh = dhPrev;
        }

        return new GruGradients(ToFloat(dWih), ToFloat(dWhh), ToFloat(dBih), ToFloat(dBhh), ToFloat(dx), ToFloat(dh));
    }

    /// <summary>
    /// As <see cref="Forward(GruWeights, float[], float[], int, int)"/> over a variable-length batch and in either
    /// direction: sequence b runs over its own <c>lengths[b]</c> steps (all when <paramref name="lengths"/> is null),
    /// back to front when <paramref name="reverse"/>; outputs past its end are 0 and its final state is the state after
    /// its last processed step. Each sequence is run on its own (see <see cref="ReferenceSequences"/>).
    /// </summary>
    public static (float[] Output, float[] FinalState) Forward(GruWeights w, float[] x, float[] h0, int steps, int batch, int[]? lengths, bool reverse)
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
    /// Backpropagation through time over a variable-length batch and in either direction, each sequence on its own,
    /// its weight gradients summed. <paramref name="dOutput"/> at padded steps is ignored; <paramref name="dFinalState"/>
    /// reaches each sequence at its last processed step.
    /// </summary>
    public static GruGradients Backward(GruWeights w, float[] x, float[] h0, int steps, int batch, float[] dOutput, float[] dFinalState, int[]? lengths, bool reverse)
    {
        int inSize = w.InputSize, hid = w.HiddenSize;
        var dWih = new double[3 * hid * inSize];
        var dWhh = new double[3 * hid * hid];
        var dBih = new double[3 * hid];
        var dBhh = new double[3 * hid];
        var dx = new float[steps * batch * inSize];
        var dh0 = new float[batch * hid];
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
            ReferenceSequences.Scatter(part.Input, dx, b, batch, inSize, length, reverse);
            ReferenceSequences.SetRow(part.InitialState, dh0, b);
        }

        return new GruGradients(ReferenceSequences.ToFloat(dWih), ReferenceSequences.ToFloat(dWhh), ReferenceSequences.ToFloat(dBih), ReferenceSequences.ToFloat(dBhh), dx, dh0);
    }

    private static Trace Run(GruWeights w, float[] x, float[] h0, int steps, int batch)
    {
        int hid = w.HiddenSize;
        var trace = new Trace(steps, batch * hid);
        for (int i = 0; i < h0.Length; i++)
        {
            trace.H[0][i] = h0[i];
        }

        for (int t = 0; t < steps; t++)
        {
            double[] hPrev = trace.H[t];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < hid; j++)
                {
                    int s = (b * hid) + j;
                    trace.R[t][s] = Sigmoid(InputPart(w, R, j, b, t, batch, x) + HiddenPart(w, R, j, b, hPrev));
                    trace.Z[t][s] = Sigmoid(InputPart(w, Z, j, b, t, batch, x) + HiddenPart(w, Z, j, b, hPrev));
                    trace.ResetHidden[t][s] = trace.R[t][s] * hPrev[s];
                }

                for (int j = 0; j < hid; j++)
                {
                    int s = (b * hid) + j;
                    double candidate;
                    if (w.ResetAfter)
                    {
                        trace.HiddenCandidate[t][s] = HiddenPart(w, N, j, b, hPrev);
                        candidate = InputPart(w, N, j, b, t, batch, x) + (trace.R[t][s] * trace.HiddenCandidate[t][s]);
                    }
                    else
                    {
                        trace.HiddenCandidate[t][s] = HiddenPart(w, N, j, b, trace.ResetHidden[t]);
                        candidate = InputPart(w, N, j, b, t, batch, x) + trace.HiddenCandidate[t][s];
                    }

                    double n = Math.Tanh(candidate);
                    double z = trace.Z[t][s];
                    trace.N[t][s] = n;
                    trace.H[t + 1][s] = ((1 - z) * n) + (z * hPrev[s]);
                }
            }
        }

        return trace;
    }

    /// <summary><c>W_ih[k·H + j] · x_t[b] + b_ih[k·H + j]</c>.</summary>
    private static double InputPart(GruWeights w, int gate, int j, int b, int t, int batch, float[] x)
    {
        int inSize = w.InputSize, row = (gate * w.HiddenSize) + j;
        double a = w.BiasIh[row];
        for (int k = 0; k < inSize; k++)
        {
            a += (double)w.WeightIh[(row * inSize) + k] * x[(((t * batch) + b) * inSize) + k];
        }

        return a;
    }

    /// <summary><c>W_hh[k·H + j] · state[b] + b_hh[k·H + j]</c>.</summary>
    private static double HiddenPart(GruWeights w, int gate, int j, int b, double[] state)
    {
        int hid = w.HiddenSize, row = (gate * hid) + j;
        double a = w.BiasHh[row];
        for (int k = 0; k < hid; k++)
        {
            a += (double)w.WeightHh[(row * hid) + k] * state[(b * hid) + k];
        }

        return a;
    }

    private static void AddInputGradient(GruWeights w, int gate, int j, int b, int t, int batch, double da, float[] x, double[] dWih, double[] dBih, double[] dx)
    {
        int inSize = w.InputSize, row = (gate * w.HiddenSize) + j;
        dBih[row] += da;
        for (int k = 0; k < inSize; k++)
        {
            int xi = (((t * batch) + b) * inSize) + k;
            dWih[(row * inSize) + k] += da * x[xi];
            dx[xi] += da * w.WeightIh[(row * inSize) + k];
        }
    }

    private static void AddHiddenGradient(GruWeights w, int gate, int j, int b, double da, double[] hPrev, double[] dWhh, double[] dBhh, double[] dhPrev)
    {
        int hid = w.HiddenSize, row = (gate * hid) + j;
        dBhh[row] += da;
        for (int k = 0; k < hid; k++)
        {
            dWhh[(row * hid) + k] += da * hPrev[(b * hid) + k];
            dhPrev[(b * hid) + k] += da * w.WeightHh[(row * hid) + k];
        }
    }

    private static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    private static float[] ToFloat(double[] v)
    {
        var f = new float[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            f[i] = (float)v[i];
        }

        return f;
    }

    /// <summary>
    /// Everything the forward pass computed: states for t = 0..T; gates, <c>r ⊙ h_{t−1}</c> and the candidate's
    /// recurrent term (<c>W_hn h_{t−1} + b_hn</c> or <c>W_hn (r ⊙ h_{t−1}) + b_hn</c>) for t = 1..T (index t − 1).
    /// </summary>
    private sealed class Trace
    {
        public Trace(int steps, int stateSize)
        {
            H = New(steps + 1, stateSize);
            R = New(steps, stateSize);
            Z = New(steps, stateSize);
            N = New(steps, stateSize);
            ResetHidden = New(steps, stateSize);
            HiddenCandidate = New(steps, stateSize);
        }

        public double[][] H { get; }

        public double[][] R { get; }

        public double[][] Z { get; }

        public double[][] N { get; }

        public double[][] ResetHidden { get; }

        public double[][] HiddenCandidate { get; }

        private static double[][] New(int count, int size)
        {
            var a = new double[count][];
            for (int i = 0; i < count; i++)
            {
                a[i] = new double[size];
            }

            return a;
        }
    }
}
