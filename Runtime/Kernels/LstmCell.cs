using System;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// The elementwise part of one LSTM step for a whole batch, fused into one pass: gate nonlinearities, the cell
/// update and the output, and their exact backward. The matrix products (<c>W_ih x_t</c>, <c>W_hh h_{t−1}</c>)
/// happen before, in <see cref="Gemm"/>; these functions take their sums as gate pre-activations.
/// </summary>
/// <remarks>
/// Layouts: <c>gates [B, G·H]</c>, each row holding the gate blocks one after another — i, f, g, o for
/// <see cref="Forward"/>/<see cref="Backward"/>, f, g, o for the coupled functions (<c>i = 1 − f</c> has no
/// weights). States <c>[B, H]</c>. <c>peephole</c> is empty (no peepholes) or <c>[3, H]</c> rows p_i, p_f, p_o
/// (coupled: <c>[2, H]</c> rows p_f, p_o). Peepholes follow Gers &amp; Schmidhuber 2000 as ONNX defines them:
/// the input and forget gates see <c>c_{t−1}</c>, the output gate sees the new <c>c_t</c>.
/// </remarks>
public static class LstmCell
{
    /// <summary>
    /// One step: <c>i = σ(a_i + p_i ⊙ c_{t−1})</c>, <c>f = σ(a_f + p_f ⊙ c_{t−1})</c>, <c>g = tanh(a_g)</c>,
    /// <c>c_t = f ⊙ c_{t−1} + i ⊙ g</c>, <c>o = σ(a_o + p_o ⊙ c_t)</c>, <c>h_t = o ⊙ tanh(c_t)</c>.
    /// </summary>
    /// <param name="gates">In: pre-activations <c>a [B, 4H]</c> (i, f, g, o). Out: the activations i, f, g, o, kept for backward.</param>
    /// <param name="previousCell"><c>c_{t−1} [B, H]</c>.</param>
    /// <param name="cell">Receives <c>c_t [B, H]</c>.</param>
    /// <param name="hidden">Receives <c>h_t [B, H]</c>.</param>
    /// <param name="peephole">Empty, or <c>[3, H]</c> rows p_i, p_f, p_o.</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Forward(Span<float> gates, ReadOnlySpan<float> previousCell, Span<float> cell, Span<float> hidden, ReadOnlySpan<float> peephole, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        CheckStep(gates.Length, 4, previousCell.Length, cell.Length, hidden.Length, peephole.Length, 3, batch, h);
        bool peep = !peephole.IsEmpty;

        // Each gate block of a row is contiguous, so the nonlinearities run as whole-block vector passes;
        // only the products that tie the gates together are elementwise.
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 4 * h, 4 * h);
            var cPrev = previousCell.Slice(b * h, h);
            var c = cell.Slice(b * h, h);
            var hOut = hidden.Slice(b * h, h);
            if (peep)
            {
                // a_i += p_i ⊙ c_{t−1}, a_f += p_f ⊙ c_{t−1}
                for (int j = 0; j < h; j++)
                {
                    row[j] += peephole[j] * cPrev[j];
                    row[h + j] += peephole[h + j] * cPrev[j];
                }
            }

            // i, f = σ(a_i), σ(a_f); g = tanh(a_g)
            Activations.Sigmoid(row.Slice(0, 2 * h));
            Activations.Tanh(row.Slice(2 * h, h));

            // c_t = f ⊙ c_{t−1} + i ⊙ g (then a_o += p_o ⊙ c_t)
            for (int j = 0; j < h; j++)
            {
                float ct = (row[h + j] * cPrev[j]) + (row[j] * row[(2 * h) + j]);
                c[j] = ct;
                hOut[j] = ct;
                if (peep)
                {
                    row[(3 * h) + j] += peephole[(2 * h) + j] * ct;
                }
            }

            // o = σ(a_o); h_t = o ⊙ tanh(c_t)
            var o = row.Slice(3 * h, h);
            Activations.Sigmoid(o);
            Activations.Tanh(hOut);
            for (int j = 0; j < h; j++)
            {
                hOut[j] *= o[j];
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="Forward"/>: from <c>dL/dh_t</c> and <c>dL/dc_t</c> (what later steps sent back) to the
    /// gradients of the gate pre-activations, <c>dL/dc_{t−1}</c> and the peephole weights:
    /// <c>da_o = dh ⊙ tanh(c_t) ⊙ o(1 − o)</c>; <c>dc = dc_t + dh ⊙ o ⊙ (1 − tanh²(c_t)) + da_o ⊙ p_o</c>;
    /// <c>da_i = dc ⊙ g ⊙ i(1 − i)</c>; <c>da_f = dc ⊙ c_{t−1} ⊙ f(1 − f)</c>; <c>da_g = dc ⊙ i ⊙ (1 − g²)</c>;
    /// <c>dc_{t−1} = dc ⊙ f + da_i ⊙ p_i + da_f ⊙ p_f</c>.
    /// </summary>
    /// <param name="gates">The activations i, f, g, o written by <see cref="Forward"/>, <c>[B, 4H]</c>.</param>
    /// <param name="previousCell"><c>c_{t−1} [B, H]</c>.</param>
    /// <param name="cell"><c>c_t [B, H]</c>.</param>
    /// <param name="peephole">Empty, or <c>[3, H]</c> rows p_i, p_f, p_o.</param>
    /// <param name="dHidden"><c>dL/dh_t [B, H]</c>, everything that reaches <c>h_t</c>.</param>
    /// <param name="dCell">In: <c>dL/dc_t [B, H]</c> from step t+1 (or the final cell state). Out: <c>dL/dc_{t−1}</c>.</param>
    /// <param name="dGates">Receives <c>dL/da [B, 4H]</c> (i, f, g, o).</param>
    /// <param name="dPeephole">Empty, or <c>[3, H]</c>: the peephole gradients of this step are added to it.</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void Backward(
        ReadOnlySpan<float> gates, ReadOnlySpan<float> previousCell, ReadOnlySpan<float> cell, ReadOnlySpan<float> peephole,
        ReadOnlySpan<float> dHidden, Span<float> dCell, Span<float> dGates, Span<float> dPeephole, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        CheckStep(gates.Length, 4, previousCell.Length, cell.Length, dHidden.Length, peephole.Length, 3, batch, h);
        CheckStep(dGates.Length, 4, dCell.Length, cell.Length, dHidden.Length, dPeephole.Length, 3, batch, h);
        CheckSameLength(peephole.Length, dPeephole.Length);
        bool peep = !peephole.IsEmpty;
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 4 * h, 4 * h);
            var dRow = dGates.Slice(b * 4 * h, 4 * h);
            int s = b * h;
            for (int j = 0; j < h; j++)
            {
                float i = row[j], f = row[h + j], g = row[(2 * h) + j], o = row[(3 * h) + j];
                float cPrev = previousCell[s + j], c = cell[s + j];
                float tanhC = MathF.Tanh(c);
                float dh = dHidden[s + j];
                float dAo = dh * tanhC * o * (1f - o);
                float dc = dCell[s + j] + (dh * o * (1f - (tanhC * tanhC))) + (peep ? dAo * peephole[(2 * h) + j] : 0f);
                float dAi = dc * g * i * (1f - i);
                float dAf = dc * cPrev * f * (1f - f);
                float dAg = dc * i * (1f - (g * g));
                dRow[j] = dAi;
                dRow[h + j] = dAf;
                dRow[(2 * h) + j] = dAg;
                dRow[(3 * h) + j] = dAo;
                dCell[s + j] = (dc * f) + (peep ? (dAi * peephole[j]) + (dAf * peephole[h + j]) : 0f);
                if (peep)
                {
                    dPeephole[j] += dAi * cPrev;
                    dPeephole[h + j] += dAf * cPrev;
                    dPeephole[(2 * h) + j] += dAo * c;
                }
            }
        }
    }

    /// <summary>
    /// One step with coupled input and forget gates: <c>f = σ(a_f + p_f ⊙ c_{t−1})</c>, <c>g = tanh(a_g)</c>,
    /// <c>c_t = f ⊙ c_{t−1} + (1 − f) ⊙ g</c>, <c>o = σ(a_o + p_o ⊙ c_t)</c>, <c>h_t = o ⊙ tanh(c_t)</c>.
    /// </summary>
    /// <param name="gates">In: pre-activations <c>a [B, 3H]</c> (f, g, o). Out: the activations f, g, o.</param>
    /// <param name="previousCell"><c>c_{t−1} [B, H]</c>.</param>
    /// <param name="cell">Receives <c>c_t [B, H]</c>.</param>
    /// <param name="hidden">Receives <c>h_t [B, H]</c>.</param>
    /// <param name="peephole">Empty, or <c>[2, H]</c> rows p_f, p_o.</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void ForwardCoupled(Span<float> gates, ReadOnlySpan<float> previousCell, Span<float> cell, Span<float> hidden, ReadOnlySpan<float> peephole, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        CheckStep(gates.Length, 3, previousCell.Length, cell.Length, hidden.Length, peephole.Length, 2, batch, h);
        bool peep = !peephole.IsEmpty;
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 3 * h, 3 * h);
            var cPrev = previousCell.Slice(b * h, h);
            var c = cell.Slice(b * h, h);
            var hOut = hidden.Slice(b * h, h);
            if (peep)
            {
                // a_f += p_f ⊙ c_{t−1}
                for (int j = 0; j < h; j++)
                {
                    row[j] += peephole[j] * cPrev[j];
                }
            }

            // f = σ(a_f); g = tanh(a_g)
            Activations.Sigmoid(row.Slice(0, h));
            Activations.Tanh(row.Slice(h, h));

            // c_t = f ⊙ c_{t−1} + (1 − f) ⊙ g (then a_o += p_o ⊙ c_t)
            for (int j = 0; j < h; j++)
            {
                float f = row[j];
                float ct = (f * cPrev[j]) + ((1f - f) * row[h + j]);
                c[j] = ct;
                hOut[j] = ct;
                if (peep)
                {
                    row[(2 * h) + j] += peephole[h + j] * ct;
                }
            }

            // o = σ(a_o); h_t = o ⊙ tanh(c_t)
            var o = row.Slice(2 * h, h);
            Activations.Sigmoid(o);
            Activations.Tanh(hOut);
            for (int j = 0; j < h; j++)
            {
                hOut[j] *= o[j];
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="ForwardCoupled"/>: <c>da_o = dh ⊙ tanh(c_t) ⊙ o(1 − o)</c>;
    /// <c>dc = dc_t + dh ⊙ o ⊙ (1 − tanh²(c_t)) + da_o ⊙ p_o</c>; <c>da_f = dc ⊙ (c_{t−1} − g) ⊙ f(1 − f)</c>;
    /// <c>da_g = dc ⊙ (1 − f) ⊙ (1 − g²)</c>; <c>dc_{t−1} = dc ⊙ f + da_f ⊙ p_f</c>.
    /// </summary>
    /// <param name="gates">The activations f, g, o written by <see cref="ForwardCoupled"/>, <c>[B, 3H]</c>.</param>
    /// <param name="previousCell"><c>c_{t−1} [B, H]</c>.</param>
    /// <param name="cell"><c>c_t [B, H]</c>.</param>
    /// <param name="peephole">Empty, or <c>[2, H]</c> rows p_f, p_o.</param>
    /// <param name="dHidden"><c>dL/dh_t [B, H]</c>.</param>
    /// <param name="dCell">In: <c>dL/dc_t [B, H]</c> from step t+1. Out: <c>dL/dc_{t−1}</c>.</param>
    /// <param name="dGates">Receives <c>dL/da [B, 3H]</c> (f, g, o).</param>
    /// <param name="dPeephole">Empty, or <c>[2, H]</c>: this step's peephole gradients are added to it.</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void BackwardCoupled(
        ReadOnlySpan<float> gates, ReadOnlySpan<float> previousCell, ReadOnlySpan<float> cell, ReadOnlySpan<float> peephole,
        ReadOnlySpan<float> dHidden, Span<float> dCell, Span<float> dGates, Span<float> dPeephole, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        CheckStep(gates.Length, 3, previousCell.Length, cell.Length, dHidden.Length, peephole.Length, 2, batch, h);
        CheckStep(dGates.Length, 3, dCell.Length, cell.Length, dHidden.Length, dPeephole.Length, 2, batch, h);
        CheckSameLength(peephole.Length, dPeephole.Length);
        bool peep = !peephole.IsEmpty;
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 3 * h, 3 * h);
            var dRow = dGates.Slice(b * 3 * h, 3 * h);
            int s = b * h;
            for (int j = 0; j < h; j++)
            {
                float f = row[j], g = row[h + j], o = row[(2 * h) + j];
                float cPrev = previousCell[s + j], c = cell[s + j];
                float tanhC = MathF.Tanh(c);
                float dh = dHidden[s + j];
                float dAo = dh * tanhC * o * (1f - o);
                float dc = dCell[s + j] + (dh * o * (1f - (tanhC * tanhC))) + (peep ? dAo * peephole[h + j] : 0f);
                float dAf = dc * (cPrev - g) * f * (1f - f);
                float dAg = dc * (1f - f) * (1f - (g * g));
                dRow[j] = dAf;
                dRow[h + j] = dAg;
                dRow[(2 * h) + j] = dAo;
                dCell[s + j] = (dc * f) + (peep ? dAf * peephole[j] : 0f);
                if (peep)
                {
                    dPeephole[j] += dAf * cPrev;
                    dPeephole[h + j] += dAo * c;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckStep(int gates, int gateCount, int stateA, int stateB, int stateC, int peephole, int peepholeCount, int batch, int hidden)
    {
        long state = (long)batch * hidden;
        if (gates < state * gateCount || stateA < state || stateB < state || stateC < state
            || (peephole != 0 && peephole != peepholeCount * hidden))
        {
            Throw(gates, gateCount, stateA, stateB, stateC, peephole, peepholeCount, batch, hidden);
        }
    }

    private static void CheckSameLength(int peephole, int dPeephole)
    {
        if (peephole != dPeephole)
        {
            throw new ArgumentException($"The peephole gradient has {dPeephole} elements but the peephole weights have {peephole}.", nameof(dPeephole));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(int gates, int gateCount, int stateA, int stateB, int stateC, int peephole, int peepholeCount, int batch, int hidden) =>
        throw new ArgumentException(
            $"An LSTM step over [{batch}, {hidden}] needs gates of {(long)batch * gateCount * hidden} elements ([B, {gateCount}H]), states of {(long)batch * hidden} ([B, H]) " +
            $"and peepholes of 0 or {peepholeCount * hidden} ([{peepholeCount}, H]); got gates {gates}, states {stateA}, {stateB}, {stateC}, peepholes {peephole}.");
}
