using System;

namespace RnnGen.Reference;

/// <summary>
/// Weights of an LSTM layer in the project's canonical layout (PyTorch's): <c>W_ih [G·H, I]</c>, <c>W_hh [G·H, H]</c>,
/// <c>b_ih [G·H]</c>, <c>b_hh [G·H]</c> with gate blocks i, f, g, o (G = 4) or, coupled, f, g, o (G = 3); peephole
/// weights <c>[3, H]</c> rows p_i, p_f, p_o or, coupled, <c>[2, H]</c> rows p_f, p_o (empty without peepholes).
/// </summary>
public sealed record LstmWeights(
    int InputSize, int HiddenSize, bool Peephole, bool CoupledInputForget,
    float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh, float[] PeepholeWeights);

/// <summary>Gradients of an LSTM layer, named after what they differentiate, in the layouts of <see cref="LstmWeights"/>.</summary>
public sealed record LstmGradients(
    float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh, float[] PeepholeWeights,
    float[] Input, float[] InitialState, float[] InitialCellState);

/// <summary>
/// A plain, obviously correct LSTM with optional peepholes and coupled input and forget gates: scalar loops in
/// double precision, one gate at a time, no batching tricks, so the generated code has something independent to be
/// checked against. Layout: <c>x [T, B, I]</c>, <c>h [T, B, H]</c>, states <c>[B, H]</c>.
/// <code>
/// f_t = σ(a_f + p_f ⊙ c_{t−1});  i_t = σ(a_i + p_i ⊙ c_{t−1})  or, coupled, 1 − f_t
/// g_t = tanh(a_g);  c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t;  o_t = σ(a_o + p_o ⊙ c_t);  h_t = o_t ⊙ tanh(c_t)
/// </code>
/// where <c>a_k = W_ik x_t + b_ik + W_hk h_{t−1} + b_hk</c> and the peephole terms are present only with peepholes.
/// </summary>
public static class ReferenceLstm
{
    /// <summary>Runs the layer; returns <c>h_t</c> for every step <c>[T, B, H]</c>, the final <c>h_T</c> and <c>c_T</c> <c>[B, H]</c>.</summary>
    public static (float[] Output, float[] FinalState, float[] FinalCellState) Forward(LstmWeights w, float[] x, float[] h0, float[] c0, int steps, int batch)
    {
        var trace = Run(w, x, h0, c0, steps, batch);
        int hid = w.HiddenSize;
        var y = new float[steps * batch * hid];
        for (int t = 0; t < steps; t++)
        {
            for (int k = 0; k < batch * hid; k++)
            {
                y[(t * batch * hid) + k] = (float)trace.H[t + 1][k];
            }
        }

        return (y, ToFloat(trace.H[steps]), ToFloat(trace.C[steps]));
    }

    /// <summary>
    /// Backpropagation through time for a loss with <c>dL/dh_t = dOutput[t]</c>, <c>dL/dh_T += dFinalState</c> and
    /// <c>dL/dc_T = dFinalCellState</c>.
    /// </summary>
    public static LstmGradients Backward(LstmWeights w, float[] x, float[] h0, float[] c0, int steps, int batch, float[] dOutput, float[] dFinalState, float[] dFinalCellState)
    {
        int inSize = w.InputSize, hid = w.HiddenSize, gateRows = GateCount(w) * hid;
        var trace = Run(w, x, h0, c0, steps, batch);
        var dWih = new double[gateRows * inSize];
        var dWhh = new double[gateRows * hid];
        var dBias = new double[gateRows];
        var dPeep = new double[w.PeepholeWeights.Length];
        var dx = new double[steps * batch * inSize];
        var dh = ToDouble(dFinalState);
        var dc = ToDouble(dFinalCellState);
        Gates gates = GatesOf(w);
        for (int t = steps - 1; t >= 0; t--)
        {
            var dhPrev = new double[batch * hid];
            var dcPrev = new double[batch * hid];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < hid; j++)
                {
                    int s = (b * hid) + j;
                    double i = trace.I[t][s], f = trace.F[t][s], g = trace.G[t][s], o = trace.O[t][s];
                    double cPrev = trace.C[t][s], c = trace.C[t + 1][s];
                    double tanhC = Math.Tanh(c);

                    // h_t = o ⊙ tanh(c_t)
                    double dhTotal = dh[s] + dOutput[(t * batch * hid) + s];
                    double dAo = dhTotal * tanhC * o * (1 - o);

                    // c_t = f ⊙ c_{t−1} + i ⊙ g, and c_t also feeds o through p_o
                    double dcTotal = dc[s] + (dhTotal * o * (1 - (tanhC * tanhC))) + (w.Peephole ? dAo * Peep(w, gates.PeepO, j) : 0);
                    double dF = dcTotal * cPrev;
                    double dI = dcTotal * g;
                    double dG = dcTotal * i;
                    if (w.CoupledInputForget)
                    {
                        // i = 1 − f
                        dF -= dI;
                    }

                    double dAf = dF * f * (1 - f);
                    double dAi = w.CoupledInputForget ? 0 : dI * i * (1 - i);
                    double dAg = dG * (1 - (g * g));
                    dcPrev[s] = dcTotal * f;
                    if (w.Peephole)
                    {
                        dcPrev[s] += dAf * Peep(w, gates.PeepF, j);
                        dPeep[(gates.PeepF * hid) + j] += dAf * cPrev;
                        dPeep[(gates.PeepO * hid) + j] += dAo * c;
                        if (!w.CoupledInputForget)
                        {
                            dcPrev[s] += dAi * Peep(w, gates.PeepI, j);
                            dPeep[(gates.PeepI * hid) + j] += dAi * cPrev;
                        }
                    }

                    // a_k = W_ik x_t + b_ik + W_hk h_{t−1} + b_hk for every gate k
                    if (!w.CoupledInputForget)
                    {
                        AddPreActivationGradient(w, gates.I, j, b, t, batch, dAi, x, trace.H[t], dWih, dWhh, dBias, dx, dhPrev);
                    }

                    AddPreActivationGradient(w, gates.F, j, b, t, batch, dAf, x, trace.H[t], dWih, dWhh, dBias, dx, dhPrev);
                    AddPreActivationGradient(w, gates.G, j, b, t, batch, dAg, x, trace.H[t], dWih, dWhh, dBias, dx, dhPrev);
                    AddPreActivationGradient(w, gates.O, j, b, t, batch, dAo, x, trace.H[t], dWih, dWhh, dBias, dx, dhPrev);
                }
            }

            dh = dhPrev;
            dc = dcPrev;
        }

        return new LstmGradients(ToFloat(dWih), ToFloat(dWhh), ToFloat(dBias), ToFloat(dBias), ToFloat(dPeep), ToFloat(dx), ToFloat(dh), ToFloat(dc));
    }

    /// <summary>
    /// As <see cref="Forward(LstmWeights, float[], float[], float[], int, int)"/> over a variable-length batch and in
    /// either direction: sequence b runs over its own <c>lengths[b]</c> steps (all when <paramref name="lengths"/> is
    /// null), back to front when <paramref name="reverse"/>; outputs past its end are 0 and its final states are the
    /// states after its last processed step. Each sequence is run on its own (see <see cref="ReferenceSequences"/>).
    /// </summary>
    public static (float[] Output, float[] FinalState, float[] FinalCellState) Forward(LstmWeights w, float[] x, float[] h0, float[] c0, int steps, int batch, int[]? lengths, bool reverse)
    {
        int inSize = w.InputSize, hid = w.HiddenSize;
        var y = new float[steps * batch * hid];
        var finalH = new float[batch * hid];
        var finalC = new float[batch * hid];
        for (int b = 0; b < batch; b++)
        {
            int length = ReferenceSequences.Length(lengths, b, steps);
            var xs = ReferenceSequences.Gather(x, b, batch, inSize, length, reverse);
            var (ys, hT, cT) = Forward(w, xs, ReferenceSequences.Row(h0, b, hid), ReferenceSequences.Row(c0, b, hid), length, 1);
            ReferenceSequences.Scatter(ys, y, b, batch, hid, length, reverse);
            ReferenceSequences.SetRow(hT, finalH, b);
            ReferenceSequences.SetRow(cT, finalC, b);
        }

        return (y, finalH, finalC);
    }

    /// <summary>
    /// Backpropagation through time over a variable-length batch and in either direction, each sequence on its own,
    /// its weight gradients summed. <paramref name="dOutput"/> at padded steps is ignored; the final-state gradients
    /// reach each sequence at its last processed step.
    /// </summary>
    public static LstmGradients Backward(LstmWeights w, float[] x, float[] h0, float[] c0, int steps, int batch, float[] dOutput, float[] dFinalState, float[] dFinalCellState, int[]? lengths, bool reverse)
    {
        int inSize = w.InputSize, hid = w.HiddenSize, gateRows = GateCount(w) * hid;
        var dWih = new double[gateRows * inSize];
        var dWhh = new double[gateRows * hid];
        var dBih = new double[gateRows];
        var dBhh = new double[gateRows];
        var dPeep = new double[w.PeepholeWeights.Length];
        var dx = new float[steps * batch * inSize];
        var dh0 = new float[batch * hid];
        var dc0 = new float[batch * hid];
        for (int b = 0; b < batch; b++)
        {
            int length = ReferenceSequences.Length(lengths, b, steps);
            var xs = ReferenceSequences.Gather(x, b, batch, inSize, length, reverse);
            var dys = ReferenceSequences.Gather(dOutput, b, batch, hid, length, reverse);
            var part = Backward(
                w, xs, ReferenceSequences.Row(h0, b, hid), ReferenceSequences.Row(c0, b, hid), length, 1, dys,
                ReferenceSequences.Row(dFinalState, b, hid), ReferenceSequences.Row(dFinalCellState, b, hid));
            ReferenceSequences.Accumulate(dWih, part.WeightIh);
            ReferenceSequences.Accumulate(dWhh, part.WeightHh);
            ReferenceSequences.Accumulate(dBih, part.BiasIh);
            ReferenceSequences.Accumulate(dBhh, part.BiasHh);
            ReferenceSequences.Accumulate(dPeep, part.PeepholeWeights);
            ReferenceSequences.Scatter(part.Input, dx, b, batch, inSize, length, reverse);
            ReferenceSequences.SetRow(part.InitialState, dh0, b);
            ReferenceSequences.SetRow(part.InitialCellState, dc0, b);
        }

        return new LstmGradients(
            ReferenceSequences.ToFloat(dWih), ReferenceSequences.ToFloat(dWhh), ReferenceSequences.ToFloat(dBih), ReferenceSequences.ToFloat(dBhh),
            ReferenceSequences.ToFloat(dPeep), dx, dh0, dc0);
    }

    /// <summary>Number of gate blocks in the weights: 4, or 3 when the input gate is coupled.</summary>
    public static int GateCount(LstmWeights w) => w.CoupledInputForget ? 3 : 4;

    private static Trace Run(LstmWeights w, float[] x, float[] h0, float[] c0, int steps, int batch)
    {
        int hid = w.HiddenSize;
        var trace = new Trace(steps, batch * hid);
        trace.H[0] = ToDouble(h0);
        trace.C[0] = ToDouble(c0);
        Gates gates = GatesOf(w);
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < hid; j++)
                {
                    int s = (b * hid) + j;
                    double cPrev = trace.C[t][s];
                    double f = Sigmoid(PreActivation(w, gates.F, j, b, t, batch, x, trace.H[t]) + (w.Peephole ? Peep(w, gates.PeepF, j) * cPrev : 0));
                    double i = w.CoupledInputForget
                        ? 1 - f
                        : Sigmoid(PreActivation(w, gates.I, j, b, t, batch, x, trace.H[t]) + (w.Peephole ? Peep(w, gates.PeepI, j) * cPrev : 0));
                    double g = Math.Tanh(PreActivation(w, gates.G, j, b, t, batch, x, trace.H[t]));
                    double c = (f * cPrev) + (i * g);
                    double o = Sigmoid(PreActivation(w, gates.O, j, b, t, batch, x, trace.H[t]) + (w.Peephole ? Peep(w, gates.PeepO, j) * c : 0));
                    trace.I[t][s] = i;
                    trace.F[t][s] = f;
                    trace.G[t][s] = g;
                    trace.O[t][s] = o;
                    trace.C[t + 1][s] = c;
                    trace.H[t + 1][s] = o * Math.Tanh(c);
                }
            }
        }

        return trace;
    }

    /// <summary><c>a_k[j] = W_ih[k·H + j] · x_t[b] + b_ih[k·H + j] + W_hh[k·H + j] · h_{t−1}[b] + b_hh[k·H + j]</c>.</summary>
    private static double PreActivation(LstmWeights w, int gate, int j, int b, int t, int batch, float[] x, double[] hPrev)
    {
        int inSize = w.InputSize, hid = w.HiddenSize, row = (gate * hid) + j;
        double a = (double)w.BiasIh[row] + w.BiasHh[row];
        for (int k = 0; k < inSize; k++)
        {
            a += (double)w.WeightIh[(row * inSize) + k] * x[(((t * batch) + b) * inSize) + k];
        }

        for (int k = 0; k < hid; k++)
        {
            a += (double)w.WeightHh[(row * hid) + k] * hPrev[(b * hid) + k];
        }

        return a;
    }

    private static void AddPreActivationGradient(
        LstmWeights w, int gate, int j, int b, int t, int batch, double da, float[] x, double[] hPrev,
        double[] dWih, double[] dWhh, double[] dBias, double[] dx, double[] dhPrev)
    {
        int inSize = w.InputSize, hid = w.HiddenSize, row = (gate * hid) + j;
        dBias[row] += da;
        for (int k = 0; k < inSize; k++)
        {
            int xi = (((t * batch) + b) * inSize) + k;
            dWih[(row * inSize) + k] += da * x[xi];
            dx[xi] += da * w.WeightIh[(row * inSize) + k];
        }

        for (int k = 0; k < hid; k++)
        {
            dWhh[(row * hid) + k] += da * hPrev[(b * hid) + k];
            dhPrev[(b * hid) + k] += da * w.WeightHh[(row * hid) + k];
        }
    }

    private static double Peep(LstmWeights w, int row, int j) => w.PeepholeWeights[(row * w.HiddenSize) + j];

    /// <summary>Gate blocks and peephole rows of the canonical layout; -1 where the layer has none.</summary>
    private static Gates GatesOf(LstmWeights w) => w.CoupledInputForget
        ? new Gates(I: -1, F: 0, G: 1, O: 2, PeepI: -1, PeepF: 0, PeepO: 1)
        : new Gates(I: 0, F: 1, G: 2, O: 3, PeepI: 0, PeepF: 1, PeepO: 2);

    private static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    private static double[] ToDouble(float[] v)
    {
        var d = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            d[i] = v[i];
        }

        return d;
    }

    private static float[] ToFloat(double[] v)
    {
        var f = new float[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            f[i] = (float)v[i];
        }

        return f;
    }

    private readonly record struct Gates(int I, int F, int G, int O, int PeepI, int PeepF, int PeepO);

    /// <summary>Everything the forward pass computed: states for t = 0..T, gate activations for t = 1..T (index t − 1).</summary>
    private sealed class Trace
    {
        public Trace(int steps, int stateSize)
        {
            H = New(steps + 1, stateSize);
            C = New(steps + 1, stateSize);
            I = New(steps, stateSize);
            F = New(steps, stateSize);
            G = New(steps, stateSize);
            O = New(steps, stateSize);
        }

        public double[][] H { get; }

        public double[][] C { get; }

        public double[][] I { get; }

        public double[][] F { get; }

        public double[][] G { get; }

        public double[][] O { get; }

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
