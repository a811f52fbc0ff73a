using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Interop;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Gated;

/// <summary>
/// The LSTM and GRU variants against PyTorch and ONNX Runtime numbers in <c>../shared/fixtures</c>: forward outputs
/// and final states within 1e-5, every gradient (inputs, initial states, weights, biases, peepholes) within 1e-4
/// relative or 1e-5 absolute, for the generated code and for the reference implementation alike; the <c>_varlen</c>
/// cases through the variable-length Forward, with ONNX's <c>sequence_lens</c>. The loss is
/// <c>L = Σ y ⊙ R_y + Σ h_n ⊙ R_h + Σ c_n ⊙ R_c</c>, so <c>R</c> is the gradient fed back.
/// </summary>
public sealed class GatedFixtureTests
{
    private const double ForwardTolerance = 1e-5;

    private readonly ITestOutputHelper _output;

    public GatedFixtureTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var fixture in new[]
        {
            "torch_lstm_l1_uni", "torch_gru_l1_uni",
            "lstm_peephole0_coupled0", "lstm_peephole1_coupled0", "lstm_peephole0_coupled1", "lstm_peephole1_coupled1",
            "gru_onnx_linear_before_reset0", "gru_onnx_linear_before_reset1",
            "lstm_peephole0_coupled0_varlen", "lstm_peephole1_coupled1_varlen",
        })
        {
            data.Add(fixture, Engines.Generated);
            data.Add(fixture, Engines.Reference);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_every_gradient_match_the_fixture(string fixtureName, string engine)
    {
        var fx = Fixture.Load(fixtureName);
        var spec = CaseSpec.Of(fixtureName);
        var model = GatedModelCatalog.Create(spec.Model);
        int steps = fx.Int("T"), batch = fx.Int("B"), hidden = fx.Int("hidden"), inputSize = fx.Int("input");
        Assert.Equal(inputSize, model.InputSize);
        Assert.Equal(hidden, model.OutputSize);
        var layer = model.Layers.Single();
        LoadWeights(fx, spec, layer, model, OnnxCoupledGate.ForgetGate);

        var given = GivenStates(fx, layer.Name, isLstm: spec.IsLstm);
        var lengths = Lengths(fx);
        var run = Engines.Run(engine, model, fx["x"], batch, steps, given, fx["loss.R.y"], lengths);

        // Forward: y, h_n, c_n.
        double forward = Tolerance.AssertClose(fx["y"], run.Output, ForwardTolerance, "y");
        forward = Math.Max(forward, Tolerance.AssertClose(fx["h_n"], run.States[layer.Name + "FinalState"], ForwardTolerance, "h_n"));
        if (spec.IsLstm)
        {
            forward = Math.Max(forward, Tolerance.AssertClose(fx["c_n"], run.States[layer.Name + "FinalCellState"], ForwardTolerance, "c_n"));
        }

        // The loss itself, from our outputs.
        double loss = Dot(run.Output, fx["loss.R.y"]) + Dot(run.States[layer.Name + "FinalState"], fx["loss.R.h_n"])
            + (spec.IsLstm ? Dot(run.States[layer.Name + "FinalCellState"], fx["loss.R.c_n"]) : 0);
        Tolerance.AssertGradientClose(fx["loss.value"], new[] { (float)loss }, "loss.value");

        // Every gradient, in the fixture's own layout and names.
        double gradient = 0;
        foreach (var (name, actual) in GradientsInFixtureLayout(fx, spec, layer, run))
        {
            gradient = Math.Max(gradient, Tolerance.AssertGradientClose(fx["grad." + name], actual, "grad." + name));
        }

        double ort = CompareWithOnnxRuntime(fx, spec, engine, model, given, batch, steps);
        _output.WriteLine($"{fixtureName} [{engine}]: forward max |error| {forward:E2}; gradients max relative error {gradient:E2}; ONNX Runtime max |error| {(double.IsNaN(ort) ? "n/a" : ort.ToString("E2", System.Globalization.CultureInfo.InvariantCulture))}");
    }

    [Theory]
    [InlineData("lstm_peephole0_coupled1")]
    [InlineData("lstm_peephole1_coupled1")]
    public void Coupled_fixtures_leave_the_unused_input_gate_rows_without_gradient(string fixtureName)
    {
        // A coupled layer here has no input-gate weights at all (gates f, g, o). The fixtures keep ONNX's four
        // gates, so their i rows must carry no gradient for the comparison above (which writes zeros there) to
        // be a fair one.
        var fx = Fixture.Load(fixtureName);
        int h = fx.Int("hidden"), i = fx.Int("input");
        Assert.All(fx["grad.W"].AsSpan(0, h * i).ToArray(), g => Assert.Equal(0f, g));
        Assert.All(fx["grad.R"].AsSpan(0, h * h).ToArray(), g => Assert.Equal(0f, g));
        Assert.All(fx["grad.B"].AsSpan(0, h).ToArray(), g => Assert.Equal(0f, g));
        Assert.All(fx["grad.B"].AsSpan(4 * h, h).ToArray(), g => Assert.Equal(0f, g));
        if (fx.Has("grad.P"))
        {
            Assert.All(fx["grad.P"].AsSpan(0, h).ToArray(), g => Assert.Equal(0f, g));
        }

        // And the layer is smaller by exactly those rows.
        var model = GatedModelCatalog.Create(CaseSpec.Of(fixtureName).Model);
        int peepholes = fx.Has("P") ? 2 * h : 0;
        Assert.Equal((3 * h * (i + h + 2)) + peepholes, model.Parameters.Length);
    }

    /// <summary>Which model a fixture runs on and how its tensors are laid out.</summary>
    private sealed record CaseSpec(string Model, bool IsLstm, bool OnnxLayout, bool Coupled)
    {
        public static CaseSpec Of(string fixture) => fixture switch
        {
            "torch_lstm_l1_uni" => new(nameof(TorchLstm), true, false, false),
            "torch_gru_l1_uni" => new(nameof(TorchGru), false, false, false),
            "lstm_peephole0_coupled0" => new(nameof(TorchLstm), true, true, false),
            "lstm_peephole1_coupled0" => new(nameof(PeepholeLstm), true, true, false),
            "lstm_peephole0_coupled1" => new(nameof(CoupledLstm), true, true, true),
            "lstm_peephole1_coupled1" => new(nameof(PeepholeCoupledLstm), true, true, true),
            "gru_onnx_linear_before_reset0" => new(nameof(ChoGru), false, true, false),
            "gru_onnx_linear_before_reset1" => new(nameof(TorchGru), false, true, false),
            "lstm_peephole0_coupled0_varlen" => new(nameof(TorchLstm), true, true, false),
            "lstm_peephole1_coupled1_varlen" => new(nameof(PeepholeCoupledLstm), true, true, true),
            _ => throw new ArgumentOutOfRangeException(nameof(fixture), fixture, "No case for this fixture."),
        };
    }

    /// <summary>Writes the fixture's weights into the model's arena, converting ONNX layout at this edge only.</summary>
    private static void LoadWeights(Fixture fx, CaseSpec spec, LayerInfo layer, IGeneratedModel model, OnnxCoupledGate coupledGate)
    {
        if (!spec.OnnxLayout)
        {
            // PyTorch names map one to one: weight_ih_l0 → Layer.weight_ih.
            foreach (var tensor in model.ParameterTensors)
            {
                string torchName = tensor.Name.Substring(tensor.Name.IndexOf('.', StringComparison.Ordinal) + 1) + "_l0";
                fx.Get(torchName, tensor.Shape).CopyTo(tensor.Slice(model.Parameters));
            }
        }
        else if (layer.View is LstmLayer lstm)
        {
            OnnxLayout.LstmFromOnnx(lstm, fx["W"], fx["R"], fx["B"], fx.Has("P") ? fx["P"] : default, coupledGate);
        }
        else
        {
            OnnxLayout.GruFromOnnx((GruLayer)layer.View, fx["W"], fx["R"], fx["B"]);
        }
    }

    /// <summary>The <c>_varlen</c> cases' <c>sequence_lens</c> (stored as floats), or null for full-length cases.</summary>
    private static int[]? Lengths(Fixture fx) => fx.Has("sequence_lens") ? fx["sequence_lens"].Select(v => (int)v).ToArray() : null;

    private static Dictionary<string, float[]> GivenStates(Fixture fx, string layer, bool isLstm)
    {
        var given = new Dictionary<string, float[]>(StringComparer.Ordinal)
        {
            [layer + "InitialState"] = fx["h0"],
            [layer + "FinalStateGradient"] = fx["loss.R.h_n"],
        };
        if (isLstm)
        {
            given[layer + "InitialCellState"] = fx["c0"];
            given[layer + "FinalCellStateGradient"] = fx["loss.R.c_n"];
        }

        return given;
    }

    private static IEnumerable<(string Name, float[] Actual)> GradientsInFixtureLayout(Fixture fx, CaseSpec spec, LayerInfo layer, NetworkRun run)
    {
        yield return ("x", run.InputGradient);
        yield return ("h0", run.States[layer.Name + "InitialStateGradient"]);
        if (spec.IsLstm)
        {
            yield return ("c0", run.States[layer.Name + "InitialCellStateGradient"]);
        }

        float[] block = run.Gradients.AsSpan(layer.View.Offset, layer.View.ParameterCount).ToArray();
        if (!spec.OnnxLayout)
        {
            string[] names = { "weight_ih", "weight_hh", "bias_ih", "bias_hh" };
            int at = 0;
            foreach (var name in names)
            {
                int length = fx["grad." + name + "_l0"].Length;
                yield return (name + "_l0", block.AsSpan(at, length).ToArray());
                at += length;
            }

            yield break;
        }

        var w = new float[fx["W"].Length];
        var r = new float[fx["R"].Length];
        var b = new float[fx["B"].Length];
        if (layer.View is LstmLayer lstm)
        {
            var p = new float[fx.Has("P") ? fx["P"].Length : 0];
            // The fixtures' coupled form is ours (i = 1 − f) in ONNX layout: our f goes to the f rows, the i rows get zeros.
            OnnxLayout.LstmToOnnx(lstm.InputSize, lstm.HiddenSize, lstm.Peephole, lstm.CoupledInputForget, block, w, r, b, p, OnnxCoupledGate.ForgetGate);
            if (p.Length > 0)
            {
                yield return ("P", p);
            }
        }
        else
        {
            var gru = (GruLayer)layer.View;
            OnnxLayout.GruToOnnx(gru.InputSize, gru.HiddenSize, block, w, r, b);
        }

        yield return ("W", w);
        yield return ("R", r);
        yield return ("B", b);
    }

    /// <summary>
    /// Compares with ONNX Runtime's own outputs (<c>ort.*</c>) where the fixture has them. ONNX Runtime couples
    /// <c>f = 1 − i</c>, the reverse of ours, so for the coupled cases the same ONNX tensors are read as
    /// <see cref="OnnxCoupledGate.InputForget"/> (the kept gate negated), which must reproduce ONNX Runtime exactly.
    /// Returns the largest error, or NaN when the fixture has no ONNX Runtime outputs.
    /// </summary>
    private static double CompareWithOnnxRuntime(Fixture fx, CaseSpec spec, string engine, IGeneratedModel model, Dictionary<string, float[]> given, int batch, int steps)
    {
        if (!fx.Has("ort.y"))
        {
            return double.NaN;
        }

        var layer = model.Layers.Single();
        if (spec.Coupled)
        {
            LoadWeights(fx, spec, layer, model, OnnxCoupledGate.InputForget);
        }

        var run = Engines.Run(engine, model, fx["x"], batch, steps, given, fx["loss.R.y"], Lengths(fx));
        double worst = Tolerance.AssertClose(fx["ort.y"], run.Output, ForwardTolerance, "ort.y");
        worst = Math.Max(worst, Tolerance.AssertClose(fx["ort.h_n"], run.States[layer.Name + "FinalState"], ForwardTolerance, "ort.h_n"));
        if (spec.IsLstm)
        {
            worst = Math.Max(worst, Tolerance.AssertClose(fx["ort.c_n"], run.States[layer.Name + "FinalCellState"], ForwardTolerance, "ort.c_n"));
        }

        return worst;
    }

    private static double Dot(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
