using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// One time step of one recurrent layer for one stream (batch 1), fused: the products with <c>x_t</c> and
/// <c>h_{t−1}</c>, the biases, the gate nonlinearities and the state update run in one pass over a packed copy of the
/// layer's weights, made by the matching <c>Pack…</c> method.
/// <para>
/// The packed layout serves the kernel that reads it. The hidden units are taken in blocks of one register
/// (<see cref="LanesFor"/> units: 16 with AVX-512, 8 with AVX2, 4 with SSE, 1 otherwise). For each block the copy holds
/// the summed biases of every gate, then, for each input <c>k</c> of <c>z = [x_t; h_{t−1}]</c>, the weights of every gate
/// for the block's units (one register per gate), then the block's peephole weights. A step therefore reads the
/// weights once, front to back, as one stream; each gate's pre-activations for a block stay in registers from the bias
/// to the nonlinearity, and the units of a block are updated together, so there is no horizontal sum and no pass over
/// intermediate buffers. Units past <c>H</c> in the last block have zero weights and their results are not used.
/// </para>
/// <para>
/// State buffers (<c>hidden</c>, <c>cell</c>) must hold <see cref="Padded"/> floats: the last block is computed
/// whole. Scratch holds <c>z = [x_t; h_{t−1}]</c>, the copy of <c>h_{t−1}</c> every block reads while <c>h_t</c> is
/// written over the state; its length is given by the <c>…ScratchLength</c> methods.
/// </para>
/// <para>
/// The nonlinearities are rational functions without an exponential (tanh within 2.6e-7 and σ within 1.6e-7 of the
/// exact values), about half the latency of the batched path's <see cref="Activations"/>: a step waits on the previous
/// step's nonlinearities, so at small sizes their latency is the step's. A step agrees with the batched forward pass
/// to a few float roundings per step (the sums also run in another order).
/// </para>
/// </summary>
public static class StreamingStep
{
    /// <summary>The widest register the kernels use, in floats; state buffers are padded to a multiple of it.</summary>
    public const int MaxLanes = 16;

    /// <summary><paramref name="hiddenSize"/> rounded up to a multiple of <see cref="MaxLanes"/>: the length of state buffers.</summary>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    public static int Padded(int hiddenSize) => (hiddenSize + MaxLanes - 1) / MaxLanes * MaxLanes;

    /// <summary>Units per block on this machine for a layer of <paramref name="hiddenSize"/> units: the register width used.</summary>
    /// <param name="hiddenSize">Hidden units <c>H</c>; layers of 8 units or fewer use 8-wide registers, which halves the padding.</param>
    public static int LanesFor(int hiddenSize)
    {
        if (Vector512.IsHardwareAccelerated && hiddenSize > 8)
        {
            return 16;
        }

        if (Vector256.IsHardwareAccelerated && hiddenSize > 4)
        {
            return 8;
        }

        return Vector128.IsHardwareAccelerated ? 4 : 1;
    }

    // ---------------------------------------------------------------- sizes

    /// <summary>Length of the packed weights of an Elman layer (<see cref="PackElman"/>).</summary>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    public static int ElmanLength(int inputSize, int hiddenSize) => Padded(hiddenSize) * (1 + inputSize + hiddenSize);

    /// <summary>Length of the packed weights of an LSTM layer (<see cref="PackLstm"/>).</summary>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="peephole">Whether the layer has peephole weights.</param>
    /// <param name="coupled">Whether the input gate is coupled to the forget gate (three gates f, g, o).</param>
    public static int LstmLength(int inputSize, int hiddenSize, bool peephole, bool coupled)
    {
        int gates = coupled ? 3 : 4;
        int peepholes = peephole ? gates - 1 : 0;
        return Padded(hiddenSize) * ((gates * (1 + inputSize + hiddenSize)) + peepholes);
    }

    /// <summary>Length of the packed weights of a GRU layer (<see cref="PackGru"/>).</summary>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="resetAfter">Whether the reset gate applies after the recurrent product (PyTorch's form).</param>
    public static int GruLength(int inputSize, int hiddenSize, bool resetAfter) =>
        Padded(hiddenSize) * ((resetAfter ? 4 : 3) + (3 * inputSize) + (3 * hiddenSize));

    /// <summary>Scratch floats an Elman, LSTM or reset-after GRU step needs: <c>z = [x_t; h_{t−1}]</c>, with <c>h</c> padded.</summary>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    public static int ScratchLength(int inputSize, int hiddenSize) => inputSize + Padded(hiddenSize);

    /// <summary>Scratch floats a reset-before GRU step needs: as <see cref="ScratchLength"/> plus <c>r ⊙ h</c>, <c>z</c> and <c>a_n</c>.</summary>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    public static int GruResetBeforeScratchLength(int inputSize, int hiddenSize) => ScratchLength(inputSize, hiddenSize) + (3 * Padded(hiddenSize));

    // ---------------------------------------------------------------- packing

    /// <summary>
    /// Packs an Elman layer, <c>h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)</c>: per block of units, the bias
    /// <c>b_ih + b_hh</c>, then the weights of each input of <c>[x; h]</c>.
    /// </summary>
    /// <param name="weightIh"><c>W_ih [H, I]</c>.</param>
    /// <param name="weightHh"><c>W_hh [H, H]</c>.</param>
    /// <param name="biasIh"><c>b_ih [H]</c>.</param>
    /// <param name="biasHh"><c>b_hh [H]</c>.</param>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="packed">Receives the packed weights, <see cref="ElmanLength"/> floats.</param>
    /// <exception cref="ArgumentException">A span's length does not match the shapes.</exception>
    public static void PackElman(ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, int inputSize, int hiddenSize, Span<float> packed)
    {
        int i = inputSize, h = hiddenSize;
        CheckPack(weightIh, h * i, weightHh, h * h, biasIh, biasHh, h, packed, ElmanLength(i, h), i, h);
        PackElmanLanes(weightIh, weightHh, biasIh, biasHh, i, h, packed, LanesFor(h));
    }

    /// <summary><see cref="PackElman"/> for blocks of <paramref name="v"/> units.</summary>
    internal static void PackElmanLanes(ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, int i, int h, Span<float> packed, int v)
    {
        int at = 0;
        packed.Clear();
        for (int u0 = 0; u0 < h; u0 += v)
        {
            int units = Math.Min(v, h - u0);
            PutBias(packed, ref at, v, units, biasIh, biasHh, u0);
            for (int k = 0; k < i + h; k++)
            {
                PutColumn(packed, ref at, v, units, weightIh, weightHh, i, h, u0, k);
            }
        }
    }

    /// <summary>
    /// Packs an LSTM layer (gate order i, f, g, o as in PyTorch, or f, g, o when coupled): per block of units, the
    /// summed bias <c>b_ih + b_hh</c> of each gate, the weights of each gate for each input of <c>[x; h]</c>, then the
    /// peephole weights (p_i, p_f, p_o, or p_f, p_o when coupled).
    /// </summary>
    /// <param name="weightIh"><c>W_ih [G·H, I]</c>.</param>
    /// <param name="weightHh"><c>W_hh [G·H, H]</c>.</param>
    /// <param name="biasIh"><c>b_ih [G·H]</c>.</param>
    /// <param name="biasHh"><c>b_hh [G·H]</c>.</param>
    /// <param name="peepholeWeights">Empty, or <c>[G − 1, H]</c> peephole weights.</param>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="coupled">Whether the input gate is coupled to the forget gate.</param>
    /// <param name="packed">Receives the packed weights, <see cref="LstmLength"/> floats.</param>
    /// <exception cref="ArgumentException">A span's length does not match the shapes.</exception>
    public static void PackLstm(
        ReadOnlySpan<float> weightIh,
        ReadOnlySpan<float> weightHh,
        ReadOnlySpan<float> biasIh,
        ReadOnlySpan<float> biasHh,
        ReadOnlySpan<float> peepholeWeights,
        int inputSize,
        int hiddenSize,
        bool coupled,
        Span<float> packed)
    {
        int i = inputSize, h = hiddenSize, gates = coupled ? 3 : 4;
        bool peephole = !peepholeWeights.IsEmpty;
        CheckPack(weightIh, gates * h * i, weightHh, gates * h * h, biasIh, biasHh, gates * h, packed, LstmLength(i, h, peephole, coupled), i, h);
        if (peephole && peepholeWeights.Length != (gates - 1) * h)
        {
            throw new ArgumentException($"The peephole weights of an LSTM of {h} units must hold [{gates - 1}, {h}] = {(gates - 1) * h} floats; got {peepholeWeights.Length}.", nameof(peepholeWeights));
        }

        PackLstmLanes(weightIh, weightHh, biasIh, biasHh, peepholeWeights, i, h, coupled, packed, LanesFor(h));
    }

    /// <summary>PackLstm for blocks of <paramref name="v"/> units.</summary>
    internal static void PackLstmLanes(ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, ReadOnlySpan<float> peepholeWeights, int i, int h, bool coupled, Span<float> packed, int v)
    {
        int gates = coupled ? 3 : 4;
        bool peephole = !peepholeWeights.IsEmpty;
        int at = 0;
        packed.Clear();
        for (int u0 = 0; u0 < h; u0 += v)
        {
            int units = Math.Min(v, h - u0);
            for (int g = 0; g < gates; g++)
            {
                PutBias(packed, ref at, v, units, biasIh, biasHh, (g * h) + u0);
            }

            for (int k = 0; k < i + h; k++)
            {
                for (int g = 0; g < gates; g++)
                {
                    PutColumn(packed, ref at, v, units, weightIh, weightHh, i, h, (g * h) + u0, k);
                }
            }

            if (peephole)
            {
                for (int q = 0; q < gates - 1; q++)
                {
                    PutBias(packed, ref at, v, units, peepholeWeights, ReadOnlySpan<float>.Empty, (q * h) + u0);
                }
            }
        }
    }

    /// <summary>
    /// Packs a GRU layer (gate order r, z, n as in PyTorch).
    /// Reset after (<c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>): per block of units, the biases
    /// <c>b_ir + b_hr</c>, <c>b_iz + b_hz</c>, <c>b_in</c>, <c>b_hn</c>, then for each input of <c>x</c> the weights of r, z and
    /// the input part of n, then for each input of <c>h</c> those of r, z and the recurrent part of n.
    /// Reset before (<c>n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)</c>), two phases: per block, the biases
    /// <c>b_ir + b_hr</c>, <c>b_iz + b_hz</c>, <c>b_in + b_hn</c>, the weights of r, z, n for each input of <c>x</c> and of r, z for
    /// each input of <c>h</c>; after every block of that, per block, the weights of <c>W_hn</c> for each input of <c>r ⊙ h</c>.
    /// </summary>
    /// <param name="weightIh"><c>W_ih [3H, I]</c>.</param>
    /// <param name="weightHh"><c>W_hh [3H, H]</c>.</param>
    /// <param name="biasIh"><c>b_ih [3H]</c>.</param>
    /// <param name="biasHh"><c>b_hh [3H]</c>.</param>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="resetAfter">Whether the reset gate applies after the recurrent product.</param>
    /// <param name="packed">Receives the packed weights, <see cref="GruLength"/> floats.</param>
    /// <exception cref="ArgumentException">A span's length does not match the shapes.</exception>
    public static void PackGru(ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, int inputSize, int hiddenSize, bool resetAfter, Span<float> packed)
    {
        int i = inputSize, h = hiddenSize;
        CheckPack(weightIh, 3 * h * i, weightHh, 3 * h * h, biasIh, biasHh, 3 * h, packed, GruLength(i, h, resetAfter), i, h);
        PackGruLanes(weightIh, weightHh, biasIh, biasHh, i, h, resetAfter, packed, LanesFor(h));
    }

    /// <summary>PackGru for blocks of <paramref name="v"/> units.</summary>
    internal static void PackGruLanes(ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, int i, int h, bool resetAfter, Span<float> packed, int v)
    {
        int at = 0;
        packed.Clear();
        for (int u0 = 0; u0 < h; u0 += v)
        {
            int units = Math.Min(v, h - u0);
            PutBias(packed, ref at, v, units, biasIh, biasHh, u0);
            PutBias(packed, ref at, v, units, biasIh, biasHh, h + u0);
            if (resetAfter)
            {
                PutBias(packed, ref at, v, units, biasIh, ReadOnlySpan<float>.Empty, (2 * h) + u0);
                PutBias(packed, ref at, v, units, biasHh, ReadOnlySpan<float>.Empty, (2 * h) + u0);
            }
            else
            {
                PutBias(packed, ref at, v, units, biasIh, biasHh, (2 * h) + u0);
            }

            for (int k = 0; k < i + h; k++)
            {
                // From h, the reset-before form leaves W_hn to phase 2.
                int gates = k < i || resetAfter ? 3 : 2;
                for (int g = 0; g < gates; g++)
                {
                    PutColumn(packed, ref at, v, units, weightIh, weightHh, i, h, (g * h) + u0, k);
                }
            }
        }

        if (!resetAfter)
        {
            for (int u0 = 0; u0 < h; u0 += v)
            {
                int units = Math.Min(v, h - u0);
                for (int k = i; k < i + h; k++)
                {
                    PutColumn(packed, ref at, v, units, weightIh, weightHh, i, h, (2 * h) + u0, k);
                }
            }
        }
    }

    /// <summary>One register of summed biases <c>a[first + l] + b[first + l]</c> (<c>b</c> may be empty); zeros past the layer's units.</summary>
    private static void PutBias(Span<float> packed, ref int at, int lanes, int units, ReadOnlySpan<float> a, ReadOnlySpan<float> b, int first)
    {
        for (int l = 0; l < units; l++)
        {
            packed[at + l] = b.IsEmpty ? a[first + l] : a[first + l] + b[first + l];
        }

        at += lanes;
    }

    /// <summary>
    /// One register of column <c>k</c> of <c>[W_ih, W_hh]</c> for rows <c>first …</c>: <c>W_ih[row, k]</c> for <c>k &lt; I</c>,
    /// else <c>W_hh[row, k − I]</c>; zeros past the layer's units.
    /// </summary>
    private static void PutColumn(Span<float> packed, ref int at, int lanes, int units, ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, int inputSize, int hidden, int first, int k)
    {
        for (int l = 0; l < units; l++)
        {
            int row = first + l;
            packed[at + l] = k < inputSize ? weightIh[(row * inputSize) + k] : weightHh[(row * hidden) + k - inputSize];
        }

        at += lanes;
    }

    // ---------------------------------------------------------------- steps

    /// <summary>
    /// One Elman step: <c>h_t = act(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)</c> with act = tanh, or ReLU.
    /// </summary>
    /// <param name="packed">The layer's weights from <see cref="PackElman"/>.</param>
    /// <param name="input"><c>x_t [I]</c>.</param>
    /// <param name="hidden">In: <c>h_{t−1}</c>; out: <c>h_t</c>. <see cref="Padded"/> floats.</param>
    /// <param name="scratch"><see cref="ScratchLength"/> floats.</param>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="relu">Whether the activation is ReLU rather than tanh.</param>
    /// <exception cref="ArgumentException">A span's length does not match the shapes.</exception>
    public static void Elman(ReadOnlySpan<float> packed, ReadOnlySpan<float> input, Span<float> hidden, Span<float> scratch, int inputSize, int hiddenSize, bool relu)
    {
        CheckStep(packed, ElmanLength(inputSize, hiddenSize), input, hidden, Span<float>.Empty, scratch, ScratchLength(inputSize, hiddenSize), inputSize, hiddenSize, cell: false);
        ElmanLanes(packed, input, hidden, scratch, inputSize, hiddenSize, relu, LanesFor(hiddenSize));
    }

    /// <summary>Elman step over weights packed for blocks of <paramref name="lanes"/> units (arguments already checked).</summary>
    internal static void ElmanLanes(ReadOnlySpan<float> packed, ReadOnlySpan<float> input, Span<float> hidden, Span<float> scratch, int inputSize, int hiddenSize, bool relu, int lanes)
    {
        var z = Concatenate(input, hidden, scratch, inputSize, hiddenSize);
        ref float w = ref MemoryMarshal.GetReference(packed);
        ref float pz = ref MemoryMarshal.GetReference(z);
        ref float ph = ref MemoryMarshal.GetReference(hidden);
        switch (lanes)
        {
            case 16: ElmanBlocks<Simd512, Vector512<float>>(ref w, ref pz, ref ph, inputSize + hiddenSize, hiddenSize, relu); break;
            case 8: ElmanBlocks<Simd256, Vector256<float>>(ref w, ref pz, ref ph, inputSize + hiddenSize, hiddenSize, relu); break;
            case 4: ElmanBlocks<Simd128, Vector128<float>>(ref w, ref pz, ref ph, inputSize + hiddenSize, hiddenSize, relu); break;
            default: ElmanBlocks<SimdScalar, float>(ref w, ref pz, ref ph, inputSize + hiddenSize, hiddenSize, relu); break;
        }
    }

    /// <summary>
    /// One LSTM step: <c>a = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh</c>; <c>i = σ(a_i + p_i ⊙ c_{t−1})</c>,
    /// <c>f = σ(a_f + p_f ⊙ c_{t−1})</c>, <c>g = tanh(a_g)</c>, <c>c_t = f ⊙ c_{t−1} + i ⊙ g</c>,
    /// <c>o = σ(a_o + p_o ⊙ c_t)</c>, <c>h_t = o ⊙ tanh(c_t)</c>; with coupled gates <c>i = 1 − f</c>; without peepholes
    /// the <c>p</c> terms are absent.
    /// </summary>
    /// <param name="packed">The layer's weights from <see cref="PackLstm"/>.</param>
    /// <param name="input"><c>x_t [I]</c>.</param>
    /// <param name="hidden">In: <c>h_{t−1}</c>; out: <c>h_t</c>. <see cref="Padded"/> floats.</param>
    /// <param name="cell">In: <c>c_{t−1}</c>; out: <c>c_t</c>. <see cref="Padded"/> floats.</param>
    /// <param name="scratch"><see cref="ScratchLength"/> floats.</param>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="peephole">Whether the packed weights hold peepholes.</param>
    /// <param name="coupled">Whether the input gate is coupled to the forget gate.</param>
    /// <exception cref="ArgumentException">A span's length does not match the shapes.</exception>
    public static void Lstm(ReadOnlySpan<float> packed, ReadOnlySpan<float> input, Span<float> hidden, Span<float> cell, Span<float> scratch, int inputSize, int hiddenSize, bool peephole, bool coupled)
    {
        CheckStep(packed, LstmLength(inputSize, hiddenSize, peephole, coupled), input, hidden, cell, scratch, ScratchLength(inputSize, hiddenSize), inputSize, hiddenSize, cell: true);
        LstmLanes(packed, input, hidden, cell, scratch, inputSize, hiddenSize, peephole, coupled, LanesFor(hiddenSize));
    }

    /// <summary>LSTM step over weights packed for blocks of <paramref name="lanes"/> units (arguments already checked).</summary>
    internal static void LstmLanes(ReadOnlySpan<float> packed, ReadOnlySpan<float> input, Span<float> hidden, Span<float> cell, Span<float> scratch, int inputSize, int hiddenSize, bool peephole, bool coupled, int lanes)
    {
        var z = Concatenate(input, hidden, scratch, inputSize, hiddenSize);
        ref float w = ref MemoryMarshal.GetReference(packed);
        ref float pz = ref MemoryMarshal.GetReference(z);
        ref float pc = ref MemoryMarshal.GetReference(cell);
        ref float ph = ref MemoryMarshal.GetReference(hidden);
        int k = inputSize + hiddenSize;
        switch (lanes)
        {
            case 16: LstmBlocks<Simd512, Vector512<float>>(ref w, ref pz, ref pc, ref ph, k, hiddenSize, peephole, coupled); break;
            case 8: LstmBlocks<Simd256, Vector256<float>>(ref w, ref pz, ref pc, ref ph, k, hiddenSize, peephole, coupled); break;
            case 4: LstmBlocks<Simd128, Vector128<float>>(ref w, ref pz, ref pc, ref ph, k, hiddenSize, peephole, coupled); break;
            default: LstmBlocks<SimdScalar, float>(ref w, ref pz, ref pc, ref ph, k, hiddenSize, peephole, coupled); break;
        }
    }

    /// <summary>
    /// One GRU step: <c>r = σ(W_ir x + b_ir + W_hr h + b_hr)</c>, <c>z = σ(W_iz x + b_iz + W_hz h + b_hz)</c>,
    /// <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c> (reset after) or <c>n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)</c>
    /// (reset before), <c>h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}</c>.
    /// </summary>
    /// <param name="packed">The layer's weights from <see cref="PackGru"/>.</param>
    /// <param name="input"><c>x_t [I]</c>.</param>
    /// <param name="hidden">In: <c>h_{t−1}</c>; out: <c>h_t</c>. <see cref="Padded"/> floats.</param>
    /// <param name="scratch"><see cref="ScratchLength"/> floats, or <see cref="GruResetBeforeScratchLength"/> for the reset-before form.</param>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="resetAfter">Whether the reset gate applies after the recurrent product.</param>
    /// <exception cref="ArgumentException">A span's length does not match the shapes.</exception>
    public static void Gru(ReadOnlySpan<float> packed, ReadOnlySpan<float> input, Span<float> hidden, Span<float> scratch, int inputSize, int hiddenSize, bool resetAfter)
    {
        int scratchLength = resetAfter ? ScratchLength(inputSize, hiddenSize) : GruResetBeforeScratchLength(inputSize, hiddenSize);
        CheckStep(packed, GruLength(inputSize, hiddenSize, resetAfter), input, hidden, Span<float>.Empty, scratch, scratchLength, inputSize, hiddenSize, cell: false);
        GruLanes(packed, input, hidden, scratch, inputSize, hiddenSize, resetAfter, LanesFor(hiddenSize));
    }

    /// <summary>GRU step over weights packed for blocks of <paramref name="lanes"/> units (arguments already checked).</summary>
    internal static void GruLanes(ReadOnlySpan<float> packed, ReadOnlySpan<float> input, Span<float> hidden, Span<float> scratch, int inputSize, int hiddenSize, bool resetAfter, int lanes)
    {
        var z = Concatenate(input, hidden, scratch, inputSize, hiddenSize);
        ref float w = ref MemoryMarshal.GetReference(packed);
        ref float pz = ref MemoryMarshal.GetReference(z);
        ref float ph = ref MemoryMarshal.GetReference(hidden);
        if (resetAfter)
        {
            switch (lanes)
            {
                case 16: GruAfterBlocks<Simd512, Vector512<float>>(ref w, ref pz, ref ph, inputSize, hiddenSize); break;
                case 8: GruAfterBlocks<Simd256, Vector256<float>>(ref w, ref pz, ref ph, inputSize, hiddenSize); break;
                case 4: GruAfterBlocks<Simd128, Vector128<float>>(ref w, ref pz, ref ph, inputSize, hiddenSize); break;
                default: GruAfterBlocks<SimdScalar, float>(ref w, ref pz, ref ph, inputSize, hiddenSize); break;
            }
        }
        else
        {
            int hp = Padded(hiddenSize);
            ref float extra = ref MemoryMarshal.GetReference(scratch.Slice(inputSize + hp, 3 * hp));
            switch (lanes)
            {
                case 16: GruBeforeBlocks<Simd512, Vector512<float>>(ref w, ref pz, ref ph, ref extra, inputSize, hiddenSize); break;
                case 8: GruBeforeBlocks<Simd256, Vector256<float>>(ref w, ref pz, ref ph, ref extra, inputSize, hiddenSize); break;
                case 4: GruBeforeBlocks<Simd128, Vector128<float>>(ref w, ref pz, ref ph, ref extra, inputSize, hiddenSize); break;
                default: GruBeforeBlocks<SimdScalar, float>(ref w, ref pz, ref ph, ref extra, inputSize, hiddenSize); break;
            }
        }
    }

    // ---------------------------------------------------------------- kernels
    //
    // Each kernel reads h_{t−1} only from its copy in z, so it writes h_t straight into the state. The sums over the
    // inputs run as two chains (even and odd k), halving the dependency chain of additions that a small layer's step
    // waits on; the chains are added before the nonlinearities.

    private static void ElmanBlocks<TOps, TVec>(ref float w, ref float z, ref float hidden, int inputs, int hiddenSize, bool relu)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int v = TOps.Lanes;
        nint at = 0;
        for (int u0 = 0; u0 < hiddenSize; u0 += v)
        {
            // a = b_ih + b_hh + Σ_k W[·, k] z_k, four inputs at a time (four chains), then two, then one
            TVec a = TOps.Load(ref Unsafe.Add(ref w, at));
            TVec b = TOps.Zero, c = TOps.Zero, d = TOps.Zero;
            at += v;
            int k = 0;
            for (; k + 3 < inputs; k += 4)
            {
                a = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), TOps.Create(Unsafe.Add(ref z, k)), a);
                b = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), TOps.Create(Unsafe.Add(ref z, k + 1)), b);
                c = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), TOps.Create(Unsafe.Add(ref z, k + 2)), c);
                d = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (3 * v))), TOps.Create(Unsafe.Add(ref z, k + 3)), d);
                at += 4 * v;
            }

            a = TOps.Add(a, c);
            b = TOps.Add(b, d);
            for (; k + 1 < inputs; k += 2)
            {
                a = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), TOps.Create(Unsafe.Add(ref z, k)), a);
                b = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), TOps.Create(Unsafe.Add(ref z, k + 1)), b);
                at += 2 * v;
            }

            if (k < inputs)
            {
                a = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), TOps.Create(Unsafe.Add(ref z, k)), a);
                at += v;
            }

            a = TOps.Add(a, b);

            // h_t = tanh(a) or max(a, 0)
            TVec h = relu ? TOps.MaxNative(a, TOps.Zero) : FastMath.TanhRational<TOps, TVec>(a);
            TOps.Store(h, ref Unsafe.Add(ref hidden, u0));
        }
    }

    private static void LstmBlocks<TOps, TVec>(ref float w, ref float z, ref float cell, ref float hidden, int inputs, int hiddenSize, bool peephole, bool coupled)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int v = TOps.Lanes;
        nint at = 0;
        for (int u0 = 0; u0 < hiddenSize; u0 += v)
        {
            TVec ai, af, ag, ao;
            if (coupled)
            {
                // a_{f,g,o} = b_ih + b_hh + Σ_k W[·, k] z_k over z = [x_t; h_{t−1}]
                ai = TOps.Zero;
                af = TOps.Load(ref Unsafe.Add(ref w, at));
                ag = TOps.Load(ref Unsafe.Add(ref w, at + v));
                ao = TOps.Load(ref Unsafe.Add(ref w, at + (2 * v)));
                at += 3 * v;
                TVec bf = TOps.Zero, bg = TOps.Zero, bo = TOps.Zero;
                int k = 0;
                for (; k + 1 < inputs; k += 2)
                {
                    TVec z0 = TOps.Create(Unsafe.Add(ref z, k));
                    TVec z1 = TOps.Create(Unsafe.Add(ref z, k + 1));
                    af = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), z0, af);
                    ag = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), z0, ag);
                    ao = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), z0, ao);
                    bf = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (3 * v))), z1, bf);
                    bg = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (4 * v))), z1, bg);
                    bo = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (5 * v))), z1, bo);
                    at += 6 * v;
                }

                if (k < inputs)
                {
                    TVec z0 = TOps.Create(Unsafe.Add(ref z, k));
                    af = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), z0, af);
                    ag = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), z0, ag);
                    ao = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), z0, ao);
                    at += 3 * v;
                }

                af = TOps.Add(af, bf);
                ag = TOps.Add(ag, bg);
                ao = TOps.Add(ao, bo);
            }
            else
            {
                // a_{i,f,g,o} = b_ih + b_hh + Σ_k W[·, k] z_k over z = [x_t; h_{t−1}]
                ai = TOps.Load(ref Unsafe.Add(ref w, at));
                af = TOps.Load(ref Unsafe.Add(ref w, at + v));
                ag = TOps.Load(ref Unsafe.Add(ref w, at + (2 * v)));
                ao = TOps.Load(ref Unsafe.Add(ref w, at + (3 * v)));
                at += 4 * v;
                TVec bi = TOps.Zero, bf = TOps.Zero, bg = TOps.Zero, bo = TOps.Zero;
                int k = 0;
                for (; k + 1 < inputs; k += 2)
                {
                    TVec z0 = TOps.Create(Unsafe.Add(ref z, k));
                    TVec z1 = TOps.Create(Unsafe.Add(ref z, k + 1));
                    ai = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), z0, ai);
                    af = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), z0, af);
                    ag = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), z0, ag);
                    ao = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (3 * v))), z0, ao);
                    bi = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (4 * v))), z1, bi);
                    bf = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (5 * v))), z1, bf);
                    bg = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (6 * v))), z1, bg);
                    bo = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (7 * v))), z1, bo);
                    at += 8 * v;
                }

                if (k < inputs)
                {
                    TVec z0 = TOps.Create(Unsafe.Add(ref z, k));
                    ai = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), z0, ai);
                    af = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), z0, af);
                    ag = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), z0, ag);
                    ao = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (3 * v))), z0, ao);
                    at += 4 * v;
                }

                ai = TOps.Add(ai, bi);
                af = TOps.Add(af, bf);
                ag = TOps.Add(ag, bg);
                ao = TOps.Add(ao, bo);
            }

            ref float c = ref Unsafe.Add(ref cell, u0);
            TVec cPrevious = TOps.Load(ref c);
            TVec po = TOps.Zero;
            if (peephole)
            {
                // a_i += p_i ⊙ c_{t−1}, a_f += p_f ⊙ c_{t−1} (p_o waits for c_t)
                if (!coupled)
                {
                    ai = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), cPrevious, ai);
                    at += v;
                }

                af = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), cPrevious, af);
                po = TOps.Load(ref Unsafe.Add(ref w, at + v));
                at += 2 * v;
            }

            // f = σ(a_f), g = tanh(a_g), i = σ(a_i) or 1 − f
            TVec f = FastMath.SigmoidRational<TOps, TVec>(af);
            TVec g = FastMath.TanhRational<TOps, TVec>(ag);
            TVec i = coupled ? TOps.Subtract(TOps.Create(1f), f) : FastMath.SigmoidRational<TOps, TVec>(ai);

            // c_t = f ⊙ c_{t−1} + i ⊙ g
            TVec cNew = TOps.MultiplyAdd(f, cPrevious, TOps.Multiply(i, g));
            TOps.Store(cNew, ref c);

            // o = σ(a_o + p_o ⊙ c_t), h_t = o ⊙ tanh(c_t)
            if (peephole)
            {
                ao = TOps.MultiplyAdd(po, cNew, ao);
            }

            TVec h = TOps.Multiply(FastMath.SigmoidRational<TOps, TVec>(ao), FastMath.TanhRational<TOps, TVec>(cNew));
            TOps.Store(h, ref Unsafe.Add(ref hidden, u0));
        }
    }

    private static void GruAfterBlocks<TOps, TVec>(ref float w, ref float z, ref float hidden, int inputSize, int hiddenSize)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int v = TOps.Lanes;
        nint at = 0;
        for (int u0 = 0; u0 < hiddenSize; u0 += v)
        {
            // a_r, a_z = b_i + b_h; a_n = b_in; â_n = b_hn
            TVec ar = TOps.Load(ref Unsafe.Add(ref w, at));
            TVec az = TOps.Load(ref Unsafe.Add(ref w, at + v));
            TVec an = TOps.Load(ref Unsafe.Add(ref w, at + (2 * v)));
            TVec ahn = TOps.Load(ref Unsafe.Add(ref w, at + (3 * v)));
            at += 4 * v;

            // Two passes of the same loop: a_{r,z,n} += W_i{r,z,n} x_t over the inputs of x, then a_{r,z} += W_h{r,z} h_{t−1}
            // and â_n += W_hn h_{t−1} over those of h. One loop for both keeps the weights one stream read by the same
            // instructions (two loops, one after the other, read them markedly slower once x has six inputs or more).
            TVec br = TOps.Zero, bz = TOps.Zero;
            for (int pass = 0; pass < 2; pass++)
            {
                int k = pass == 0 ? 0 : inputSize;
                int end = pass == 0 ? inputSize : inputSize + hiddenSize;
                TVec n0 = pass == 0 ? an : ahn;
                TVec n1 = TOps.Zero, cr = TOps.Zero, cz = TOps.Zero, cn = TOps.Zero, dr = TOps.Zero, dz = TOps.Zero, dn = TOps.Zero;
                for (; k + 3 < end; k += 4)
                {
                    TVec z0 = TOps.Create(Unsafe.Add(ref z, k));
                    TVec z1 = TOps.Create(Unsafe.Add(ref z, k + 1));
                    TVec z2 = TOps.Create(Unsafe.Add(ref z, k + 2));
                    TVec z3 = TOps.Create(Unsafe.Add(ref z, k + 3));
                    ar = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), z0, ar);
                    az = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), z0, az);
                    n0 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), z0, n0);
                    br = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (3 * v))), z1, br);
                    bz = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (4 * v))), z1, bz);
                    n1 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (5 * v))), z1, n1);
                    cr = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (6 * v))), z2, cr);
                    cz = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (7 * v))), z2, cz);
                    cn = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (8 * v))), z2, cn);
                    dr = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (9 * v))), z3, dr);
                    dz = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (10 * v))), z3, dz);
                    dn = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (11 * v))), z3, dn);
                    at += 12 * v;
                }

                for (; k < end; k++)
                {
                    TVec z0 = TOps.Create(Unsafe.Add(ref z, k));
                    ar = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), z0, ar);
                    az = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), z0, az);
                    n0 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), z0, n0);
                    at += 3 * v;
                }

                ar = TOps.Add(ar, cr);
                az = TOps.Add(az, cz);
                br = TOps.Add(br, dr);
                bz = TOps.Add(bz, dz);
                n0 = TOps.Add(TOps.Add(n0, n1), TOps.Add(cn, dn));
                if (pass == 0)
                {
                    an = n0;
                }
                else
                {
                    ahn = n0;
                }
            }

            // r = σ(a_r), z = σ(a_z), n = tanh(a_n + r ⊙ â_n), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
            TVec r = FastMath.SigmoidRational<TOps, TVec>(TOps.Add(ar, br));
            TVec u = FastMath.SigmoidRational<TOps, TVec>(TOps.Add(az, bz));
            TVec n = FastMath.TanhRational<TOps, TVec>(TOps.MultiplyAdd(r, ahn, an));
            TVec hPrevious = TOps.Load(ref Unsafe.Add(ref z, inputSize + u0));
            TOps.Store(TOps.MultiplyAdd(u, TOps.Subtract(hPrevious, n), n), ref Unsafe.Add(ref hidden, u0));
        }
    }

    private static void GruBeforeBlocks<TOps, TVec>(ref float w, ref float z, ref float hidden, ref float extra, int inputSize, int hiddenSize)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int v = TOps.Lanes;
        int hp = Padded(hiddenSize);
        ref float resetHidden = ref extra;
        ref float update = ref Unsafe.Add(ref extra, hp);
        ref float candidate = ref Unsafe.Add(ref extra, 2 * hp);
        nint at = 0;

        // Phase 1, every block: r, z and the input part of n, which W_hn (r ⊙ h) needs whole before phase 2.
        for (int u0 = 0; u0 < hiddenSize; u0 += v)
        {
            // a_r, a_z = b_i + b_h; a_n = b_in + b_hn
            TVec ar = TOps.Load(ref Unsafe.Add(ref w, at));
            TVec az = TOps.Load(ref Unsafe.Add(ref w, at + v));
            TVec an = TOps.Load(ref Unsafe.Add(ref w, at + (2 * v)));
            at += 3 * v;

            // a_{r,z,n} += W_i{r,z,n} x_t, four inputs at a time (twelve chains), then two, then one
            TVec xr = TOps.Zero, xz = TOps.Zero, xn = TOps.Zero;
            int k = 0;
            TVec er = TOps.Zero, ez = TOps.Zero, en = TOps.Zero, fr = TOps.Zero, fz = TOps.Zero, fn = TOps.Zero;
            for (; k + 3 < inputSize; k += 4)
            {
                TVec x0 = TOps.Create(Unsafe.Add(ref z, k));
                TVec x1 = TOps.Create(Unsafe.Add(ref z, k + 1));
                TVec x2 = TOps.Create(Unsafe.Add(ref z, k + 2));
                TVec x3 = TOps.Create(Unsafe.Add(ref z, k + 3));
                ar = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), x0, ar);
                az = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), x0, az);
                an = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), x0, an);
                xr = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (3 * v))), x1, xr);
                xz = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (4 * v))), x1, xz);
                xn = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (5 * v))), x1, xn);
                er = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (6 * v))), x2, er);
                ez = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (7 * v))), x2, ez);
                en = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (8 * v))), x2, en);
                fr = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (9 * v))), x3, fr);
                fz = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (10 * v))), x3, fz);
                fn = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (11 * v))), x3, fn);
                at += 12 * v;
            }

            ar = TOps.Add(ar, er);
            az = TOps.Add(az, ez);
            an = TOps.Add(an, en);
            xr = TOps.Add(xr, fr);
            xz = TOps.Add(xz, fz);
            xn = TOps.Add(xn, fn);
            for (; k + 1 < inputSize; k += 2)
            {
                TVec x0 = TOps.Create(Unsafe.Add(ref z, k));
                TVec x1 = TOps.Create(Unsafe.Add(ref z, k + 1));
                ar = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), x0, ar);
                az = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), x0, az);
                an = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), x0, an);
                xr = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (3 * v))), x1, xr);
                xz = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (4 * v))), x1, xz);
                xn = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (5 * v))), x1, xn);
                at += 6 * v;
            }

            if (k < inputSize)
            {
                TVec x0 = TOps.Create(Unsafe.Add(ref z, k));
                ar = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), x0, ar);
                az = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), x0, az);
                an = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), x0, an);
                at += 3 * v;
            }

            an = TOps.Add(an, xn);

            // a_{r,z} += W_h{r,z} h_{t−1}
            TVec br = xr, bz = xz;
            int end = inputSize + hiddenSize;
            int j = inputSize;
            for (; j + 1 < end; j += 2)
            {
                TVec h0 = TOps.Create(Unsafe.Add(ref z, j));
                TVec h1 = TOps.Create(Unsafe.Add(ref z, j + 1));
                ar = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), h0, ar);
                az = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), h0, az);
                br = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (2 * v))), h1, br);
                bz = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + (3 * v))), h1, bz);
                at += 4 * v;
            }

            if (j < end)
            {
                TVec h0 = TOps.Create(Unsafe.Add(ref z, j));
                ar = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), h0, ar);
                az = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), h0, az);
                at += 2 * v;
            }

            // r = σ(a_r), z = σ(a_z); keep r ⊙ h_{t−1}, z and a_n for phase 2
            TVec r = FastMath.SigmoidRational<TOps, TVec>(TOps.Add(ar, br));
            TVec hPrevious = TOps.Load(ref Unsafe.Add(ref z, inputSize + u0));
            TOps.Store(TOps.Multiply(r, hPrevious), ref Unsafe.Add(ref resetHidden, u0));
            TOps.Store(FastMath.SigmoidRational<TOps, TVec>(TOps.Add(az, bz)), ref Unsafe.Add(ref update, u0));
            TOps.Store(an, ref Unsafe.Add(ref candidate, u0));
        }

        // Phase 2, every block: n = tanh(a_n + W_hn (r ⊙ h_{t−1})), h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
        for (int u0 = 0; u0 < hiddenSize; u0 += v)
        {
            TVec an = TOps.Load(ref Unsafe.Add(ref candidate, u0));
            TVec bn = TOps.Zero;
            int k = 0;
            for (; k + 1 < hiddenSize; k += 2)
            {
                an = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), TOps.Create(Unsafe.Add(ref resetHidden, k)), an);
                bn = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at + v)), TOps.Create(Unsafe.Add(ref resetHidden, k + 1)), bn);
                at += 2 * v;
            }

            if (k < hiddenSize)
            {
                an = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref w, at)), TOps.Create(Unsafe.Add(ref resetHidden, k)), an);
                at += v;
            }

            TVec n = FastMath.TanhRational<TOps, TVec>(TOps.Add(an, bn));
            TVec u = TOps.Load(ref Unsafe.Add(ref update, u0));
            TVec hPrevious = TOps.Load(ref Unsafe.Add(ref z, inputSize + u0));
            TOps.Store(TOps.MultiplyAdd(u, TOps.Subtract(hPrevious, n), n), ref Unsafe.Add(ref hidden, u0));
        }
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>Copies <c>x</c> and <c>h</c> into the front of the scratch, <c>z = [x; h]</c>, the vector every block reads.</summary>
    private static ReadOnlySpan<float> Concatenate(ReadOnlySpan<float> input, ReadOnlySpan<float> hidden, Span<float> scratch, int inputSize, int hiddenSize)
    {
        ref float z = ref MemoryMarshal.GetReference(scratch);
        Copy(ref MemoryMarshal.GetReference(input), ref z, inputSize);
        Copy(ref MemoryMarshal.GetReference(hidden), ref Unsafe.Add(ref z, inputSize), hiddenSize);
        return scratch.Slice(0, inputSize + hiddenSize);
    }

    /// <summary>Copies <paramref name="count"/> floats (lengths checked by the caller): inline, where a call to a general copy costs more than the copy at these sizes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(ref float source, ref float destination, int count)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= count; i += 8)
            {
                Vector256.LoadUnsafe(ref source, (nuint)i).StoreUnsafe(ref destination, (nuint)i);
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
        }
    }

    private static void CheckPack(
        ReadOnlySpan<float> weightIh,
        int weightIhLength,
        ReadOnlySpan<float> weightHh,
        int weightHhLength,
        ReadOnlySpan<float> biasIh,
        ReadOnlySpan<float> biasHh,
        int biasLength,
        Span<float> packed,
        int packedLength,
        int inputSize,
        int hiddenSize)
    {
        if (inputSize < 1 || hiddenSize < 1)
        {
            throw new ArgumentOutOfRangeException(inputSize < 1 ? nameof(inputSize) : nameof(hiddenSize), $"Input size and hidden size must be at least 1; got {inputSize} and {hiddenSize}.");
        }

        if (weightIh.Length != weightIhLength || weightHh.Length != weightHhLength || biasIh.Length != biasLength || biasHh.Length != biasLength)
        {
            throw new ArgumentException(
                $"A layer of {inputSize} inputs and {hiddenSize} units needs W_ih of {weightIhLength} floats, W_hh of {weightHhLength} and biases of {biasLength}; got {weightIh.Length}, {weightHh.Length}, {biasIh.Length} and {biasHh.Length}.");
        }

        if (packed.Length != packedLength)
        {
            throw new ArgumentException($"The packed weights of a layer of {inputSize} inputs and {hiddenSize} units take {packedLength} floats; got {packed.Length}.", nameof(packed));
        }
    }

    private static void CheckStep(ReadOnlySpan<float> packed, int packedLength, ReadOnlySpan<float> input, Span<float> hidden, Span<float> cellSpan, Span<float> scratch, int scratchLength, int inputSize, int hiddenSize, bool cell)
    {
        int padded = Padded(hiddenSize);
        if (inputSize < 1 || hiddenSize < 1 || packed.Length != packedLength || input.Length < inputSize || hidden.Length < padded
            || (cell && cellSpan.Length < padded) || scratch.Length < scratchLength)
        {
            ThrowStep(packed.Length, packedLength, input.Length, hidden.Length, cell ? cellSpan.Length : -1, scratch.Length, scratchLength, inputSize, hiddenSize);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowStep(int packed, int packedLength, int input, int hidden, int cell, int scratch, int scratchLength, int inputSize, int hiddenSize) =>
        throw new ArgumentException(
            $"A step of a layer of {inputSize} inputs and {hiddenSize} units needs packed weights of {packedLength} floats, an input of {inputSize}, " +
            $"hidden{(cell >= 0 ? " and cell" : string.Empty)} state of {Padded(hiddenSize)} (padded) and scratch of {scratchLength}; got {packed}, {input}, {hidden}{(cell >= 0 ? $", {cell}" : string.Empty)} and {scratch}.");
}
