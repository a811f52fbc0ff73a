using System;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// The elementwise part of one GRU step for a whole batch, fused, and its exact backward. Gate order r, z, n
/// (PyTorch's); <c>h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}</c>. The matrix products happen before, in <see cref="Gemm"/>.
/// </summary>
/// <remarks>
/// Two forms. Reset after the recurrent product (PyTorch, cuDNN, ONNX <c>linear_before_reset = 1</c>):
/// <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h_{t−1} + b_hn))</c>, one step in <see cref="ForwardResetAfter"/>. Reset before
/// it (Cho et al. 2014, ONNX <c>linear_before_reset = 0</c>): <c>n = tanh(W_in x + b_in + W_hn (r ⊙ h_{t−1}) + b_hn)</c>;
/// the candidate's product needs <c>r</c> first, so a step is <see cref="ForwardGatesResetBefore"/>, the product
/// <c>W_hn (r ⊙ h_{t−1})</c>, then <see cref="ForwardCandidateResetBefore"/>.
/// Layouts: <c>gates [B, 3H]</c> with blocks r, z, n per row; states <c>[B, H]</c>.
/// </remarks>
public static class GruCell
{
    /// <summary>
    /// One step of the reset-after form: <c>r = σ(a_r + â_r)</c>, <c>z = σ(a_z + â_z)</c>, <c>n = tanh(a_n + r ⊙ â_n)</c>,
    /// <c>h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}</c>, where <c>a = W_ih x_t + b_ih</c> and <c>â = W_hh h_{t−1} + b_hh</c>.
    /// </summary>
    /// <param name="gates">In: <c>a [B, 3H]</c>. Out: the activations r, z, n, kept for backward.</param>
    /// <param name="hiddenGates"><c>â [B, 3H]</c>, the recurrent product plus <c>b_hh</c>.</param>
    /// <param name="previousHidden"><c>h_{t−1} [B, H]</c>.</param>
    /// <param name="hidden">Receives <c>h_t [B, H]</c>.</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void ForwardResetAfter(Span<float> gates, ReadOnlySpan<float> hiddenGates, ReadOnlySpan<float> previousHidden, Span<float> hidden, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        Check(batch, h, (gates.Length, 3), (hiddenGates.Length, 3), (previousHidden.Length, 1), (hidden.Length, 1));

        // The gate blocks of a row are contiguous, so each nonlinearity is one vector pass over its block.
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 3 * h, 3 * h);
            var hRow = hiddenGates.Slice(b * 3 * h, 3 * h);
            var hPrev = previousHidden.Slice(b * h, h);
            var hOut = hidden.Slice(b * h, h);

            // r, z = σ(a_r + â_r), σ(a_z + â_z)
            var rz = row.Slice(0, 2 * h);
            Vec.Add(hRow.Slice(0, 2 * h), rz);
            Activations.Sigmoid(rz);

            // n = tanh(a_n + r ⊙ â_n)
            var n = row.Slice(2 * h, h);
            for (int j = 0; j < h; j++)
            {
                n[j] += row[j] * hRow[(2 * h) + j];
            }

            Activations.Tanh(n);

            // h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
            for (int j = 0; j < h; j++)
            {
                float z = row[h + j];
                hOut[j] = ((1f - z) * n[j]) + (z * hPrev[j]);
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="ForwardResetAfter"/>: <c>da_n = dh ⊙ (1 − z) ⊙ (1 − n²)</c>;
    /// <c>da_z = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)</c>; <c>da_r = da_n ⊙ â_n ⊙ r(1 − r)</c>. The input side gets
    /// <c>(da_r, da_z, da_n)</c>, the recurrent side <c>(da_r, da_z, r ⊙ da_n)</c>, and <c>dh</c> becomes the direct part
    /// of <c>dL/dh_{t−1}</c>, <c>dh ⊙ z</c> (the caller adds <c>W_hhᵀ dâ</c>).
    /// </summary>
    /// <param name="gates">The activations r, z, n written by <see cref="ForwardResetAfter"/>, <c>[B, 3H]</c>.</param>
    /// <param name="hiddenGates"><c>â [B, 3H]</c> of the forward step.</param>
    /// <param name="previousHidden"><c>h_{t−1} [B, H]</c>.</param>
    /// <param name="dHidden">In: <c>dL/dh_t [B, H]</c>. Out: <c>dL/dh_t ⊙ z</c>.</param>
    /// <param name="dGates">Receives <c>dL/da [B, 3H]</c>.</param>
    /// <param name="dHiddenGates">Receives <c>dL/dâ [B, 3H]</c>.</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void BackwardResetAfter(
        ReadOnlySpan<float> gates, ReadOnlySpan<float> hiddenGates, ReadOnlySpan<float> previousHidden,
        Span<float> dHidden, Span<float> dGates, Span<float> dHiddenGates, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        Check(batch, h, (gates.Length, 3), (hiddenGates.Length, 3), (previousHidden.Length, 1), (dHidden.Length, 1));
        Check(batch, h, (dGates.Length, 3), (dHiddenGates.Length, 3), (dHidden.Length, 1), (dHidden.Length, 1));
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 3 * h, 3 * h);
            var hRow = hiddenGates.Slice(b * 3 * h, 3 * h);
            var dRow = dGates.Slice(b * 3 * h, 3 * h);
            var dhRow = dHiddenGates.Slice(b * 3 * h, 3 * h);
            int s = b * h;
            for (int j = 0; j < h; j++)
            {
                float r = row[j], z = row[h + j], n = row[(2 * h) + j];
                float dh = dHidden[s + j];
                float dAn = dh * (1f - z) * (1f - (n * n));
                float dAz = dh * (previousHidden[s + j] - n) * z * (1f - z);
                float dAr = dAn * hRow[(2 * h) + j] * r * (1f - r);
                dRow[j] = dAr;
                dRow[h + j] = dAz;
                dRow[(2 * h) + j] = dAn;
                dhRow[j] = dAr;
                dhRow[h + j] = dAz;
                dhRow[(2 * h) + j] = dAn * r;
                dHidden[s + j] = dh * z;
            }
        }
    }

    /// <summary>
    /// First half of a reset-before step: <c>r = σ(a_r + â_r)</c>, <c>z = σ(a_z + â_z)</c> and the reset state
    /// <c>r ⊙ h_{t−1}</c>, where <c>a = W_ih x_t + b_ih + b_hh</c> and <c>â_{r,z} = W_h{r,z} h_{t−1}</c>.
    /// </summary>
    /// <param name="gates">In: <c>a [B, 3H]</c>. Out: blocks r and z hold the activations; block n is untouched.</param>
    /// <param name="hiddenResetUpdate"><c>â_{r,z} [B, 2H]</c>, blocks r, z.</param>
    /// <param name="previousHidden"><c>h_{t−1} [B, H]</c>.</param>
    /// <param name="resetHidden">Receives <c>r ⊙ h_{t−1} [B, H]</c>, the input of the candidate's recurrent product.</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void ForwardGatesResetBefore(Span<float> gates, ReadOnlySpan<float> hiddenResetUpdate, ReadOnlySpan<float> previousHidden, Span<float> resetHidden, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        Check(batch, h, (gates.Length, 3), (hiddenResetUpdate.Length, 2), (previousHidden.Length, 1), (resetHidden.Length, 1));
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 3 * h, 3 * h);
            var hRow = hiddenResetUpdate.Slice(b * 2 * h, 2 * h);
            int s = b * h;
            for (int j = 0; j < h; j++)
            {
                float r = Activations.SigmoidOf(row[j] + hRow[j]);
                row[j] = r;
                row[h + j] = Activations.SigmoidOf(row[h + j] + hRow[h + j]);
                resetHidden[s + j] = r * previousHidden[s + j];
            }
        }
    }

    /// <summary>
    /// Second half of a reset-before step: <c>n = tanh(a_n + â_n)</c> with <c>â_n = W_hn (r ⊙ h_{t−1})</c>, and
    /// <c>h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}</c>.
    /// </summary>
    /// <param name="gates">In: r, z activations and <c>a_n</c>, <c>[B, 3H]</c>. Out: block n holds the activation.</param>
    /// <param name="hiddenCandidate"><c>â_n [B, H]</c>.</param>
    /// <param name="previousHidden"><c>h_{t−1} [B, H]</c>.</param>
    /// <param name="hidden">Receives <c>h_t [B, H]</c>.</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void ForwardCandidateResetBefore(Span<float> gates, ReadOnlySpan<float> hiddenCandidate, ReadOnlySpan<float> previousHidden, Span<float> hidden, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        Check(batch, h, (gates.Length, 3), (hiddenCandidate.Length, 1), (previousHidden.Length, 1), (hidden.Length, 1));
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 3 * h, 3 * h);
            int s = b * h;
            for (int j = 0; j < h; j++)
            {
                float z = row[h + j];
                float n = MathF.Tanh(row[(2 * h) + j] + hiddenCandidate[s + j]);
                row[(2 * h) + j] = n;
                hidden[s + j] = ((1f - z) * n) + (z * previousHidden[s + j]);
            }
        }
    }

    /// <summary>
    /// Backward of <see cref="ForwardCandidateResetBefore"/> and of the update gate: <c>da_n = dh ⊙ (1 − z) ⊙ (1 − n²)</c>,
    /// <c>da_z = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)</c>, and <c>dh</c> becomes the direct part of <c>dL/dh_{t−1}</c>,
    /// <c>dh ⊙ z</c>.
    /// </summary>
    /// <param name="gates">The activations r, z, n of the step, <c>[B, 3H]</c>.</param>
    /// <param name="previousHidden"><c>h_{t−1} [B, H]</c>.</param>
    /// <param name="dHidden">In: <c>dL/dh_t [B, H]</c>. Out: <c>dL/dh_t ⊙ z</c>.</param>
    /// <param name="dResetUpdate"><c>dL/da_{r,z} [B, 2H]</c>: block z is written here, block r by <see cref="BackwardGatesResetBefore"/>.</param>
    /// <param name="dCandidate">Receives <c>dL/da_n [B, H]</c> (the same for <c>a_n</c> and <c>â_n</c>).</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void BackwardCandidateResetBefore(
        ReadOnlySpan<float> gates, ReadOnlySpan<float> previousHidden, Span<float> dHidden, Span<float> dResetUpdate, Span<float> dCandidate, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        Check(batch, h, (gates.Length, 3), (dResetUpdate.Length, 2), (previousHidden.Length, 1), (dHidden.Length, 1));
        Check(batch, h, (dCandidate.Length, 1), (dCandidate.Length, 1), (dCandidate.Length, 1), (dCandidate.Length, 1));
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 3 * h, 3 * h);
            var dRow = dResetUpdate.Slice(b * 2 * h, 2 * h);
            int s = b * h;
            for (int j = 0; j < h; j++)
            {
                float z = row[h + j], n = row[(2 * h) + j];
                float dh = dHidden[s + j];
                dCandidate[s + j] = dh * (1f - z) * (1f - (n * n));
                dRow[h + j] = dh * (previousHidden[s + j] - n) * z * (1f - z);
                dHidden[s + j] = dh * z;
            }
        }
    }

    /// <summary>
    /// Backward through the reset gate of a reset-before step, given <c>dL/d(r ⊙ h_{t−1}) = W_hnᵀ da_n</c>:
    /// <c>da_r = d(r ⊙ h_{t−1}) ⊙ h_{t−1} ⊙ r(1 − r)</c> and <c>dh_{t−1} += d(r ⊙ h_{t−1}) ⊙ r</c>.
    /// </summary>
    /// <param name="gates">The activations r, z, n of the step, <c>[B, 3H]</c>.</param>
    /// <param name="previousHidden"><c>h_{t−1} [B, H]</c>.</param>
    /// <param name="dResetHidden"><c>dL/d(r ⊙ h_{t−1}) [B, H]</c>.</param>
    /// <param name="dHidden"><c>dL/dh_{t−1} [B, H]</c>, added to.</param>
    /// <param name="dResetUpdate"><c>dL/da_{r,z} [B, 2H]</c>: block r is written.</param>
    /// <param name="batch">Rows <c>B</c>.</param>
    /// <param name="hiddenSize">Units <c>H</c>.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape.</exception>
    public static void BackwardGatesResetBefore(
        ReadOnlySpan<float> gates, ReadOnlySpan<float> previousHidden, ReadOnlySpan<float> dResetHidden, Span<float> dHidden, Span<float> dResetUpdate, int batch, int hiddenSize)
    {
        int h = hiddenSize;
        Check(batch, h, (gates.Length, 3), (dResetUpdate.Length, 2), (previousHidden.Length, 1), (dHidden.Length, 1));
        Check(batch, h, (dResetHidden.Length, 1), (dResetHidden.Length, 1), (dResetHidden.Length, 1), (dResetHidden.Length, 1));
        for (int b = 0; b < batch; b++)
        {
            var row = gates.Slice(b * 3 * h, 3 * h);
            var dRow = dResetUpdate.Slice(b * 2 * h, 2 * h);
            int s = b * h;
            for (int j = 0; j < h; j++)
            {
                float r = row[j];
                float dRh = dResetHidden[s + j];
                dRow[j] = dRh * previousHidden[s + j] * r * (1f - r);
                dHidden[s + j] += dRh * r;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int batch, int hidden, (int Length, int Blocks) a, (int Length, int Blocks) b, (int Length, int Blocks) c, (int Length, int Blocks) d)
    {
        long state = (long)batch * hidden;
        if (a.Length < state * a.Blocks || b.Length < state * b.Blocks || c.Length < state * c.Blocks || d.Length < state * d.Blocks)
        {
            Throw(batch, hidden, a, b, c, d);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(int batch, int hidden, (int Length, int Blocks) a, (int Length, int Blocks) b, (int Length, int Blocks) c, (int Length, int Blocks) d)
    {
        long state = (long)batch * hidden;
        throw new ArgumentException(
            $"A GRU step over [{batch}, {hidden}] needs operands of {state * a.Blocks}, {state * b.Blocks}, {state * c.Blocks} and {state * d.Blocks} elements " +
            $"([B, {a.Blocks}H], [B, {b.Blocks}H], [B, {c.Blocks}H], [B, {d.Blocks}H]); got {a.Length}, {b.Length}, {c.Length} and {d.Length}.");
    }
}
