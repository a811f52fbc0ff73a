using System;

namespace RnnGen.Interop;

/// <summary>
/// Which gate of an ONNX-layout coupled LSTM carries the weights. ONNX Runtime's <c>input_forget = 1</c> keeps the
/// input gate and couples <c>f = 1 − i</c>; this project keeps the forget gate and couples <c>i = 1 − f</c>. The two
/// forms map onto each other exactly by negating the kept gate's weights, biases and peephole, because
/// <c>σ(−a) = 1 − σ(a)</c>.
/// </summary>
public enum OnnxCoupledGate
{
    /// <summary>
    /// ONNX Runtime's <c>input_forget = 1</c>: the input-gate rows (and <c>p_i</c>) carry the weights and <c>f = 1 − i</c>.
    /// Reading negates them into this project's forget gate; writing negates the forget gate into them and leaves
    /// the ONNX forget-gate rows zero. The right choice for <c>.onnx</c> files meant for ONNX Runtime.
    /// </summary>
    InputForget = 0,

    /// <summary>
    /// This project's own form written in ONNX layout: the forget-gate rows (and <c>p_f</c>) carry the weights and
    /// <c>i = 1 − f</c>. The input-gate rows are ignored when reading and written as zeros.
    /// </summary>
    ForgetGate = 1,
}

/// <summary>
/// Converts recurrent-layer tensors between ONNX's layout and the project's canonical (PyTorch) layout. Conversions
/// happen only here, at the edges; inside, every layer uses the canonical gate order.
/// </summary>
/// <remarks>
/// <para>LSTM. ONNX: <c>W [4H, I]</c>, <c>R [4H, H]</c>, <c>B [8H]</c> = <c>Wb [4H]</c> then <c>Rb [4H]</c>, gate order
/// i, o, f, c; <c>P [3H]</c>, order i, o, f. Canonical: <c>weight_ih [G·H, I]</c>, <c>weight_hh [G·H, H]</c>,
/// <c>bias_ih [G·H]</c> (= Wb), <c>bias_hh [G·H]</c> (= Rb), gate order i, f, g, o (c is ONNX's name for g), and
/// <c>peephole [3, H]</c>, order i, f, o. A coupled layer has no input gate: order f, g, o and <c>peephole [2, H]</c>,
/// order f, o; see <see cref="OnnxCoupledGate"/> for how its kept gate maps onto ONNX's.</para>
/// <para>GRU. ONNX: <c>W [3H, I]</c>, <c>R [3H, H]</c>, <c>B [6H]</c> = Wb then Rb, gate order z, r, h. Canonical: gate
/// order r, z, n (h is ONNX's name for n). ONNX's <c>linear_before_reset = 1</c> is <see cref="GruLayer.ResetAfter"/>
/// = <see langword="true"/>, <c>0</c> is <see langword="false"/>; the tensors are the same in both forms.</para>
/// <para>The canonical side is a layer's whole parameter block in arena order (<see cref="Layer.Parameters"/>), so
/// the same functions convert gradients: pass the layer's slice of a workspace's gradient arena.</para>
/// </remarks>
public static class OnnxLayout
{
    // ONNX LSTM gate blocks, in the order ONNX stores them.
    private const int OnnxI = 0, OnnxO = 1, OnnxF = 2, OnnxC = 3;

    // ONNX LSTM peephole rows.
    private const int OnnxPeepI = 0, OnnxPeepO = 1, OnnxPeepF = 2;

    // ONNX GRU gate blocks.
    private const int OnnxZ = 0, OnnxR = 1, OnnxH = 2;

    /// <summary>Reads ONNX-layout LSTM tensors into <paramref name="layer"/>'s parameters.</summary>
    /// <param name="layer">The layer to write; its sizes and options decide the conversion.</param>
    /// <param name="w">ONNX <c>W [4H, I]</c>, gates i, o, f, c.</param>
    /// <param name="r">ONNX <c>R [4H, H]</c>.</param>
    /// <param name="b">ONNX <c>B [8H]</c>, <c>Wb</c> then <c>Rb</c>.</param>
    /// <param name="p">ONNX <c>P [3H]</c>, order i, o, f; may be empty, and must be empty or zero for a layer without peepholes.</param>
    /// <param name="coupledGate">For a coupled layer, which ONNX gate carries the weights.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong length, or carries peepholes the layer cannot hold.</exception>
    public static void LstmFromOnnx(LstmLayer layer, ReadOnlySpan<float> w, ReadOnlySpan<float> r, ReadOnlySpan<float> b, ReadOnlySpan<float> p, OnnxCoupledGate coupledGate = OnnxCoupledGate.InputForget)
    {
        ArgumentNullException.ThrowIfNull(layer);
        LstmFromOnnx(layer.InputSize, layer.HiddenSize, layer.Peephole, layer.CoupledInputForget, w, r, b, p, layer.Parameters, coupledGate);
    }

    /// <summary>Writes <paramref name="layer"/>'s parameters as ONNX-layout LSTM tensors.</summary>
    /// <param name="layer">The layer to read.</param>
    /// <param name="w">Receives ONNX <c>W [4H, I]</c>.</param>
    /// <param name="r">Receives ONNX <c>R [4H, H]</c>.</param>
    /// <param name="b">Receives ONNX <c>B [8H]</c>.</param>
    /// <param name="p">Receives ONNX <c>P [3H]</c>; may be empty for a layer without peepholes (otherwise zeros are written).</param>
    /// <param name="coupledGate">For a coupled layer, which ONNX gate receives the weights.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong length.</exception>
    public static void LstmToOnnx(LstmLayer layer, Span<float> w, Span<float> r, Span<float> b, Span<float> p, OnnxCoupledGate coupledGate = OnnxCoupledGate.InputForget)
    {
        ArgumentNullException.ThrowIfNull(layer);
        LstmToOnnx(layer.InputSize, layer.HiddenSize, layer.Peephole, layer.CoupledInputForget, layer.Parameters, w, r, b, p, coupledGate);
    }

    /// <summary>Reads ONNX-layout LSTM tensors into a canonical parameter block.</summary>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="peephole">Whether the canonical layer has peepholes.</param>
    /// <param name="coupledInputForget">Whether the canonical layer couples <c>i = 1 − f</c> (three gates).</param>
    /// <param name="w">ONNX <c>W [4H, I]</c>, gates i, o, f, c.</param>
    /// <param name="r">ONNX <c>R [4H, H]</c>.</param>
    /// <param name="b">ONNX <c>B [8H]</c>, <c>Wb</c> then <c>Rb</c>.</param>
    /// <param name="p">ONNX <c>P [3H]</c>, order i, o, f; may be empty, and must be empty or zero without peepholes.</param>
    /// <param name="layerParameters">Receives the canonical block: <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c>[, <c>peephole</c>].</param>
    /// <param name="coupledGate">For a coupled layer, which ONNX gate carries the weights.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong length, or carries peepholes the layer cannot hold.</exception>
    public static void LstmFromOnnx(
        int inputSize, int hiddenSize, bool peephole, bool coupledInputForget,
        ReadOnlySpan<float> w, ReadOnlySpan<float> r, ReadOnlySpan<float> b, ReadOnlySpan<float> p,
        Span<float> layerParameters, OnnxCoupledGate coupledGate = OnnxCoupledGate.InputForget)
    {
        int i = inputSize, h = hiddenSize;
        CheckLstm(i, h, peephole, coupledInputForget, w.Length, r.Length, b.Length, p.Length, layerParameters.Length);
        if (!peephole && !p.IsEmpty && p.IndexOfAnyExcept(0f) >= 0)
        {
            throw new ArgumentException("The ONNX tensors carry non-zero peephole weights P but the layer has none; declare it with Peephole = true.", nameof(p));
        }

        var gates = LstmGateMap(coupledInputForget, coupledGate);
        int rows = gates.Length * h;
        var dst = layerParameters;
        Gather(w, dst.Slice(0, rows * i), gates, h * i);
        Gather(r, dst.Slice(rows * i, rows * h), gates, h * h);
        Gather(b.Slice(0, 4 * h), dst.Slice(rows * (i + h), rows), gates, h);
        Gather(b.Slice(4 * h, 4 * h), dst.Slice((rows * (i + h)) + rows, rows), gates, h);
        if (peephole)
        {
            var peep = LstmPeepholeMap(coupledInputForget, coupledGate);
            var dp = dst.Slice(rows * (i + h + 2), peep.Length * h);
            if (p.IsEmpty)
            {
                dp.Clear();
            }
            else
            {
                Gather(p, dp, peep, h);
            }
        }
    }

    /// <summary>Writes a canonical LSTM parameter block as ONNX-layout tensors; see <see cref="LstmFromOnnx(int, int, bool, bool, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, OnnxCoupledGate)"/>.</summary>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="peephole">Whether the canonical layer has peepholes.</param>
    /// <param name="coupledInputForget">Whether the canonical layer couples <c>i = 1 − f</c> (three gates).</param>
    /// <param name="layerParameters">The canonical block: <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c>[, <c>peephole</c>].</param>
    /// <param name="w">Receives ONNX <c>W [4H, I]</c>; gate rows the layer does not have are zero.</param>
    /// <param name="r">Receives ONNX <c>R [4H, H]</c>.</param>
    /// <param name="b">Receives ONNX <c>B [8H]</c>.</param>
    /// <param name="p">Receives ONNX <c>P [3H]</c>; may be empty for a layer without peepholes.</param>
    /// <param name="coupledGate">For a coupled layer, which ONNX gate receives the weights.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong length.</exception>
    public static void LstmToOnnx(
        int inputSize, int hiddenSize, bool peephole, bool coupledInputForget,
        ReadOnlySpan<float> layerParameters, Span<float> w, Span<float> r, Span<float> b, Span<float> p,
        OnnxCoupledGate coupledGate = OnnxCoupledGate.InputForget)
    {
        int i = inputSize, h = hiddenSize;
        CheckLstm(i, h, peephole, coupledInputForget, w.Length, r.Length, b.Length, p.Length, layerParameters.Length);
        if (peephole && p.Length != 3 * h)
        {
            throw new ArgumentException($"P [3H] must hold {3 * h} elements to receive the layer's peephole weights, but it has {p.Length}.", nameof(p));
        }

        var gates = LstmGateMap(coupledInputForget, coupledGate);
        int rows = gates.Length * h;
        var src = layerParameters;
        Scatter(src.Slice(0, rows * i), w, gates, h * i);
        Scatter(src.Slice(rows * i, rows * h), r, gates, h * h);
        Scatter(src.Slice(rows * (i + h), rows), b.Slice(0, 4 * h), gates, h);
        Scatter(src.Slice((rows * (i + h)) + rows, rows), b.Slice(4 * h, 4 * h), gates, h);
        if (peephole)
        {
            var peep = LstmPeepholeMap(coupledInputForget, coupledGate);
            Scatter(src.Slice(rows * (i + h + 2), peep.Length * h), p, peep, h);
        }
        else
        {
            p.Clear();
        }
    }

    /// <summary>Reads ONNX-layout GRU tensors into <paramref name="layer"/>'s parameters.</summary>
    /// <param name="layer">The layer to write. Its <see cref="GruLayer.ResetAfter"/> must match the model's <c>linear_before_reset</c>.</param>
    /// <param name="w">ONNX <c>W [3H, I]</c>, gates z, r, h.</param>
    /// <param name="r">ONNX <c>R [3H, H]</c>.</param>
    /// <param name="b">ONNX <c>B [6H]</c>, <c>Wb</c> then <c>Rb</c>.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong length.</exception>
    public static void GruFromOnnx(GruLayer layer, ReadOnlySpan<float> w, ReadOnlySpan<float> r, ReadOnlySpan<float> b)
    {
        ArgumentNullException.ThrowIfNull(layer);
        GruFromOnnx(layer.InputSize, layer.HiddenSize, w, r, b, layer.Parameters);
    }

    /// <summary>Writes <paramref name="layer"/>'s parameters as ONNX-layout GRU tensors.</summary>
    /// <param name="layer">The layer to read. Export it with <c>linear_before_reset</c> = 1 if <see cref="GruLayer.ResetAfter"/>, else 0.</param>
    /// <param name="w">Receives ONNX <c>W [3H, I]</c>.</param>
    /// <param name="r">Receives ONNX <c>R [3H, H]</c>.</param>
    /// <param name="b">Receives ONNX <c>B [6H]</c>.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong length.</exception>
    public static void GruToOnnx(GruLayer layer, Span<float> w, Span<float> r, Span<float> b)
    {
        ArgumentNullException.ThrowIfNull(layer);
        GruToOnnx(layer.InputSize, layer.HiddenSize, layer.Parameters, w, r, b);
    }

    /// <summary>Reads ONNX-layout GRU tensors into a canonical parameter block (gate order z, r, h → r, z, n).</summary>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="w">ONNX <c>W [3H, I]</c>.</param>
    /// <param name="r">ONNX <c>R [3H, H]</c>.</param>
    /// <param name="b">ONNX <c>B [6H]</c>.</param>
    /// <param name="layerParameters">Receives the canonical block: <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c>.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong length.</exception>
    public static void GruFromOnnx(int inputSize, int hiddenSize, ReadOnlySpan<float> w, ReadOnlySpan<float> r, ReadOnlySpan<float> b, Span<float> layerParameters)
    {
        int i = inputSize, h = hiddenSize;
        CheckGru(i, h, w.Length, r.Length, b.Length, layerParameters.Length);
        var dst = layerParameters;
        Gather(w, dst.Slice(0, 3 * h * i), GruGates, h * i);
        Gather(r, dst.Slice(3 * h * i, 3 * h * h), GruGates, h * h);
        Gather(b.Slice(0, 3 * h), dst.Slice(3 * h * (i + h), 3 * h), GruGates, h);
        Gather(b.Slice(3 * h, 3 * h), dst.Slice((3 * h * (i + h)) + (3 * h), 3 * h), GruGates, h);
    }

    /// <summary>Writes a canonical GRU parameter block as ONNX-layout tensors (gate order r, z, n → z, r, h).</summary>
    /// <param name="inputSize">Input features <c>I</c>.</param>
    /// <param name="hiddenSize">Hidden units <c>H</c>.</param>
    /// <param name="layerParameters">The canonical block: <c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c>.</param>
    /// <param name="w">Receives ONNX <c>W [3H, I]</c>.</param>
    /// <param name="r">Receives ONNX <c>R [3H, H]</c>.</param>
    /// <param name="b">Receives ONNX <c>B [6H]</c>.</param>
    /// <exception cref="ArgumentException">A tensor has the wrong length.</exception>
    public static void GruToOnnx(int inputSize, int hiddenSize, ReadOnlySpan<float> layerParameters, Span<float> w, Span<float> r, Span<float> b)
    {
        int i = inputSize, h = hiddenSize;
        CheckGru(i, h, w.Length, r.Length, b.Length, layerParameters.Length);
        var src = layerParameters;
        Scatter(src.Slice(0, 3 * h * i), w, GruGates, h * i);
        Scatter(src.Slice(3 * h * i, 3 * h * h), r, GruGates, h * h);
        Scatter(src.Slice(3 * h * (i + h), 3 * h), b.Slice(0, 3 * h), GruGates, h);
        Scatter(src.Slice((3 * h * (i + h)) + (3 * h), 3 * h), b.Slice(3 * h, 3 * h), GruGates, h);
    }

    /// <summary>Canonical GRU blocks r, z, n, each taken from its ONNX block.</summary>
    private static readonly GateSource[] GruGates = { new(OnnxR, 1f), new(OnnxZ, 1f), new(OnnxH, 1f) };

    /// <summary>For every canonical LSTM gate block, in canonical order, the ONNX block it comes from and its sign.</summary>
    private static GateSource[] LstmGateMap(bool coupled, OnnxCoupledGate coupledGate)
    {
        if (!coupled)
        {
            return new GateSource[] { new(OnnxI, 1f), new(OnnxF, 1f), new(OnnxC, 1f), new(OnnxO, 1f) };
        }

        // Our kept gate is f. ONNX Runtime keeps i with f = 1 − i, and σ(−a) = 1 − σ(a): our f = its i, negated.
        var forget = coupledGate == OnnxCoupledGate.InputForget ? new GateSource(OnnxI, -1f) : new GateSource(OnnxF, 1f);
        return new[] { forget, new GateSource(OnnxC, 1f), new GateSource(OnnxO, 1f) };
    }

    /// <summary>For every canonical peephole row, the ONNX row it comes from and its sign.</summary>
    private static GateSource[] LstmPeepholeMap(bool coupled, OnnxCoupledGate coupledGate)
    {
        if (!coupled)
        {
            return new GateSource[] { new(OnnxPeepI, 1f), new(OnnxPeepF, 1f), new(OnnxPeepO, 1f) };
        }

        var forget = coupledGate == OnnxCoupledGate.InputForget ? new GateSource(OnnxPeepI, -1f) : new GateSource(OnnxPeepF, 1f);
        return new[] { forget, new GateSource(OnnxPeepO, 1f) };
    }

    /// <summary>Canonical block k ← sign · ONNX block <c>map[k].Block</c>.</summary>
    private static void Gather(ReadOnlySpan<float> onnx, Span<float> canonical, GateSource[] map, int blockLength)
    {
        for (int k = 0; k < map.Length; k++)
        {
            var from = onnx.Slice(map[k].Block * blockLength, blockLength);
            var to = canonical.Slice(k * blockLength, blockLength);
            for (int e = 0; e < blockLength; e++)
            {
                to[e] = map[k].Sign * from[e];
            }
        }
    }

    /// <summary>ONNX block <c>map[k].Block</c> ← sign · canonical block k; ONNX blocks no canonical block maps to become zero.</summary>
    private static void Scatter(ReadOnlySpan<float> canonical, Span<float> onnx, GateSource[] map, int blockLength)
    {
        onnx.Clear();
        for (int k = 0; k < map.Length; k++)
        {
            var from = canonical.Slice(k * blockLength, blockLength);
            var to = onnx.Slice(map[k].Block * blockLength, blockLength);
            for (int e = 0; e < blockLength; e++)
            {
                to[e] = map[k].Sign * from[e];
            }
        }
    }

    private static void CheckLstm(int i, int h, bool peephole, bool coupled, int w, int r, int b, int p, int parameters)
    {
        if (i < 1 || h < 1)
        {
            string name = i < 1 ? "inputSize" : "hiddenSize";
            throw new ArgumentOutOfRangeException(name, "Input and hidden sizes must be positive.");
        }

        Expect(w, 4L * h * i, "w", "W [4H, I]");
        Expect(r, 4L * h * h, "r", "R [4H, H]");
        Expect(b, 8L * h, "b", "B [8H]");
        if (peephole && p != 0)
        {
            Expect(p, 3L * h, "p", "P [3H]");
        }
        else if (!peephole && p != 0 && p != 3 * h)
        {
            Expect(p, 3L * h, "p", "P [3H] (or empty)");
        }

        Expect(parameters, LstmLayer.ParameterCountOf(i, h, peephole, coupled), "layerParameters", "The layer's parameter block");
    }

    private static void CheckGru(int i, int h, int w, int r, int b, int parameters)
    {
        if (i < 1 || h < 1)
        {
            string name = i < 1 ? "inputSize" : "hiddenSize";
            throw new ArgumentOutOfRangeException(name, "Input and hidden sizes must be positive.");
        }

        Expect(w, 3L * h * i, "w", "W [3H, I]");
        Expect(r, 3L * h * h, "r", "R [3H, H]");
        Expect(b, 6L * h, "b", "B [6H]");
        Expect(parameters, GruLayer.ParameterCountOf(i, h), "layerParameters", "The layer's parameter block");
    }

    private static void Expect(int actual, long expected, string parameter, string what)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{what} must hold {expected} elements, but it has {actual}.", parameter);
        }
    }

    private readonly record struct GateSource(int Block, float Sign);
}
