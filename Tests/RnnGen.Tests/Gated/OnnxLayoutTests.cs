using System;
using System.Linq;
using RnnGen.Interop;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Gated;

/// <summary>The ONNX ↔ canonical layout conversions of <see cref="OnnxLayout"/>, one gate block at a time.</summary>
public sealed class OnnxLayoutTests
{
    private const int I = 3, H = 2;

    [Fact]
    public void Lstm_gate_blocks_move_from_onnx_order_i_o_f_c_to_canonical_i_f_g_o()
    {
        var (w, r, b, p) = OnnxLstmTensors();
        var layer = new float[LstmLayer.ParameterCountOf(I, H, peephole: true, coupledInputForget: false)];
        OnnxLayout.LstmFromOnnx(I, H, peephole: true, coupledInputForget: false, w, r, b, p, layer);

        // Every ONNX element encodes its block: W's block k holds 100 + k, R's 200 + k, Wb's 300 + k, Rb's 400 + k, P's 500 + k.
        int[] fromOnnx = { 0, 2, 3, 1 }; // canonical i, f, g, o ← ONNX i, f, c, o
        AssertBlocks(layer.AsSpan(0, 4 * H * I), H * I, fromOnnx.Select(k => 100f + k));
        AssertBlocks(layer.AsSpan(4 * H * I, 4 * H * H), H * H, fromOnnx.Select(k => 200f + k));
        AssertBlocks(layer.AsSpan(4 * H * (I + H), 4 * H), H, fromOnnx.Select(k => 300f + k));
        AssertBlocks(layer.AsSpan((4 * H * (I + H)) + (4 * H), 4 * H), H, fromOnnx.Select(k => 400f + k));
        AssertBlocks(layer.AsSpan(4 * H * (I + H + 2), 3 * H), H, new[] { 500f, 502f, 501f }); // p_i, p_f, p_o ← ONNX i, f, o
    }

    [Theory]
    [InlineData(OnnxCoupledGate.ForgetGate, 2, 1f)]
    [InlineData(OnnxCoupledGate.InputForget, 0, -1f)]
    public void A_coupled_lstm_keeps_the_forget_gate_taken_from_the_chosen_onnx_gate(OnnxCoupledGate form, int onnxBlock, float sign)
    {
        var (w, r, b, p) = OnnxLstmTensors();
        var layer = new float[LstmLayer.ParameterCountOf(I, H, peephole: true, coupledInputForget: true)];
        OnnxLayout.LstmFromOnnx(I, H, peephole: true, coupledInputForget: true, w, r, b, p, layer, form);

        // Three blocks f, g, o; f is ONNX's f as is, or ONNX Runtime's kept i negated (σ(−a) = 1 − σ(a)).
        AssertBlocks(layer.AsSpan(0, 3 * H * I), H * I, new[] { sign * (100f + onnxBlock), 103f, 101f });
        AssertBlocks(layer.AsSpan(3 * H * I, 3 * H * H), H * H, new[] { sign * (200f + onnxBlock), 203f, 201f });
        AssertBlocks(layer.AsSpan(3 * H * (I + H), 3 * H), H, new[] { sign * (300f + onnxBlock), 303f, 301f });
        float peepholeF = form == OnnxCoupledGate.InputForget ? -500f : 502f;
        AssertBlocks(layer.AsSpan(3 * H * (I + H + 2), 2 * H), H, new[] { peepholeF, 501f });
    }

    [Theory]
    [InlineData(false, false, OnnxCoupledGate.InputForget)]
    [InlineData(true, false, OnnxCoupledGate.InputForget)]
    [InlineData(false, true, OnnxCoupledGate.InputForget)]
    [InlineData(true, true, OnnxCoupledGate.InputForget)]
    [InlineData(false, true, OnnxCoupledGate.ForgetGate)]
    [InlineData(true, true, OnnxCoupledGate.ForgetGate)]
    public void Lstm_parameters_survive_a_round_trip_through_onnx_layout(bool peephole, bool coupled, OnnxCoupledGate form)
    {
        var random = new SeededRandom(2);
        var layer = new float[LstmLayer.ParameterCountOf(I, H, peephole, coupled)];
        random.FillUniform(layer, 1f);
        var (w, r, b, p) = (new float[4 * H * I], new float[4 * H * H], new float[8 * H], new float[3 * H]);
        OnnxLayout.LstmToOnnx(I, H, peephole, coupled, layer, w, r, b, p, form);
        var back = new float[layer.Length];
        OnnxLayout.LstmFromOnnx(I, H, peephole, coupled, w, r, b, p, back, form);
        Assert.Equal(layer, back);

        if (coupled)
        {
            // The ONNX gate our coupled layer does not use is written as zeros.
            int unused = form == OnnxCoupledGate.InputForget ? 2 : 0;
            Assert.All(w.AsSpan(unused * H * I, H * I).ToArray(), v => Assert.Equal(0f, v));
        }

        if (!peephole)
        {
            Assert.All(p, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Gru_gate_blocks_move_from_onnx_order_z_r_h_to_canonical_r_z_n_and_back()
    {
        var w = Blocks(3, H * I, 100);
        var r = Blocks(3, H * H, 200);
        var b = Blocks(3, H, 300).Concat(Blocks(3, H, 400)).ToArray();
        var layer = new float[GruLayer.ParameterCountOf(I, H)];
        OnnxLayout.GruFromOnnx(I, H, w, r, b, layer);
        AssertBlocks(layer.AsSpan(0, 3 * H * I), H * I, new[] { 101f, 100f, 102f });
        AssertBlocks(layer.AsSpan(3 * H * I, 3 * H * H), H * H, new[] { 201f, 200f, 202f });
        AssertBlocks(layer.AsSpan(3 * H * (I + H), 3 * H), H, new[] { 301f, 300f, 302f });
        AssertBlocks(layer.AsSpan((3 * H * (I + H)) + (3 * H), 3 * H), H, new[] { 401f, 400f, 402f });

        var (w2, r2, b2) = (new float[w.Length], new float[r.Length], new float[b.Length]);
        OnnxLayout.GruToOnnx(I, H, layer, w2, r2, b2);
        Assert.Equal(w, w2);
        Assert.Equal(r, r2);
        Assert.Equal(b, b2);
    }

    [Fact]
    public void Peepholes_into_a_layer_without_them_are_refused_unless_zero()
    {
        var (w, r, b, p) = OnnxLstmTensors();
        var layer = new float[LstmLayer.ParameterCountOf(I, H, peephole: false, coupledInputForget: false)];
        var e = Assert.Throws<ArgumentException>(() => OnnxLayout.LstmFromOnnx(I, H, false, false, w, r, b, p, layer));
        Assert.Equal("p", e.ParamName);
        Assert.Contains("Peephole = true", e.Message, StringComparison.Ordinal);

        OnnxLayout.LstmFromOnnx(I, H, false, false, w, r, b, new float[3 * H], layer);
        OnnxLayout.LstmFromOnnx(I, H, false, false, w, r, b, default, layer);
    }

    [Fact]
    public void Wrong_tensor_lengths_name_the_tensor_and_its_expected_length()
    {
        var (w, r, b, p) = OnnxLstmTensors();
        var layer = new float[LstmLayer.ParameterCountOf(I, H, peephole: true, coupledInputForget: false)];
        var e = Assert.Throws<ArgumentException>(() => OnnxLayout.LstmFromOnnx(I, H, true, false, w.AsSpan(1), r, b, p, layer));
        Assert.Equal("w", e.ParamName);
        Assert.Contains($"W [4H, I] must hold {4 * H * I} elements", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => OnnxLayout.LstmToOnnx(I, H, true, false, layer, w, r, b, default));
        Assert.Equal("p", e.ParamName);

        e = Assert.Throws<ArgumentException>(() => OnnxLayout.GruFromOnnx(I, H, new float[3 * H * I], new float[3 * H * H], new float[3 * H], new float[GruLayer.ParameterCountOf(I, H)]));
        Assert.Equal("b", e.ParamName);
        Assert.Contains($"B [6H] must hold {6 * H} elements", e.Message, StringComparison.Ordinal);
    }

    /// <summary>ONNX LSTM tensors whose every element names its block: W 100 + k, R 200 + k, Wb 300 + k, Rb 400 + k, P 500 + k.</summary>
    private static (float[] W, float[] R, float[] B, float[] P) OnnxLstmTensors() =>
        (Blocks(4, H * I, 100), Blocks(4, H * H, 200), Blocks(4, H, 300).Concat(Blocks(4, H, 400)).ToArray(), Blocks(3, H, 500));

    private static float[] Blocks(int count, int blockLength, int start) =>
        Enumerable.Range(0, count).SelectMany(k => Enumerable.Repeat((float)(start + k), blockLength)).ToArray();

    private static void AssertBlocks(ReadOnlySpan<float> actual, int blockLength, System.Collections.Generic.IEnumerable<float> blockValues)
    {
        var expected = blockValues.SelectMany(v => Enumerable.Repeat(v, blockLength)).ToArray();
        Assert.Equal(expected, actual.ToArray());
    }
}
