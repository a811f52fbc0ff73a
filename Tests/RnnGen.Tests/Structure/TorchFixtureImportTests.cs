using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.IO;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Gated;
using RnnGen.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Structure;

/// <summary>
/// Stacked and bidirectional <c>torch.nn.RNN/LSTM/GRU</c> against PyTorch's own numbers: the weights enter through
/// <c>LoadPyTorch</c> (strict, from the state_dict names), then the outputs <c>y [T, B, D·H]</c>, the final states
/// <c>h_n</c> (and <c>c_n</c>) <c>[layers·D, B, H]</c> and every gradient (inputs, initial states, every weight of every
/// layer and direction) must match within 1e-5 (forward) and 1e-4 relative or 1e-5 absolute (gradients), for the
/// generated code and the reference implementation alike. <c>L = Σ y ⊙ R_y + Σ h_n ⊙ R_h [+ Σ c_n ⊙ R_c]</c>.
/// </summary>
public sealed class TorchFixtureImportTests
{
    private const double ForwardTolerance = 1e-5;

    private readonly ITestOutputHelper _output;

    public TorchFixtureImportTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var fixture in new[]
        {
            "torch_rnn_l1_bi_tanh", "torch_rnn_l2_uni_tanh", "torch_rnn_l2_bi_tanh",
            "torch_lstm_l1_bi", "torch_lstm_l2_uni", "torch_lstm_l2_bi",
            "torch_gru_l1_bi", "torch_gru_l2_uni", "torch_gru_l2_bi",
        })
        {
            data.Add(fixture, Engines.Generated);
            data.Add(fixture, Engines.Reference);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_final_states_and_every_gradient_match_pytorch(string fixtureName, string engine)
    {
        var fx = Fixture.Load(fixtureName);
        var model = StructureModelCatalog.Create(ModelFor(fixtureName));
        int steps = fx.Int("T"), batch = fx.Int("B"), hidden = fx.Int("hidden"), layers = fx.Int("layers");
        int directions = fx.Config.GetProperty("bidirectional").GetBoolean() ? 2 : 1;
        bool lstm = fx.Has("c0");
        Assert.Equal(fx.Int("input"), model.InputSize);
        Assert.Equal(directions * hidden, model.OutputSize);
        Assert.Equal(layers, model.Layers.Count);

        model.LoadPyTorch(StateDict(fixtureName));

        // PyTorch's h_0 [layers·D, B, H] is our layers' {Layer}InitialState [D, B, H] one after another.
        int block = directions * batch * hidden;
        var given = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int l = 0; l < layers; l++)
        {
            string name = model.Layers[l].Name;
            given[name + "InitialState"] = Rows(fx["h0"], l, block);
            given[name + "FinalStateGradient"] = Rows(fx["loss.R.h_n"], l, block);
            if (lstm)
            {
                given[name + "InitialCellState"] = Rows(fx["c0"], l, block);
                given[name + "FinalCellStateGradient"] = Rows(fx["loss.R.c_n"], l, block);
            }
        }

        var run = Engines.Run(engine, model, fx["x"], batch, steps, given, fx["loss.R.y"]);
        float[] Stacked(string member) => model.Layers.SelectMany(l => run.States[l.Name + member]).ToArray();

        double forward = Tolerance.AssertClose(fx["y"], run.Output, ForwardTolerance, "y");
        forward = Math.Max(forward, Tolerance.AssertClose(fx["h_n"], Stacked("FinalState"), ForwardTolerance, "h_n"));
        double loss = Dot(run.Output, fx["loss.R.y"]) + Dot(Stacked("FinalState"), fx["loss.R.h_n"]);
        if (lstm)
        {
            forward = Math.Max(forward, Tolerance.AssertClose(fx["c_n"], Stacked("FinalCellState"), ForwardTolerance, "c_n"));
            loss += Dot(Stacked("FinalCellState"), fx["loss.R.c_n"]);
        }

        Tolerance.AssertGradientClose(fx["loss.value"], new[] { (float)loss }, "loss.value");

        double gradient = Tolerance.AssertGradientClose(fx["grad.x"], run.InputGradient, "grad.x");
        gradient = Math.Max(gradient, Tolerance.AssertGradientClose(fx["grad.h0"], Stacked("InitialStateGradient"), "grad.h0"));
        if (lstm)
        {
            gradient = Math.Max(gradient, Tolerance.AssertGradientClose(fx["grad.c0"], Stacked("InitialCellStateGradient"), "grad.c0"));
        }

        int weights = 0;
        foreach (var tensor in model.ParameterTensors)
        {
            string torchName = TorchName(model, tensor.Name);
            gradient = Math.Max(gradient, Tolerance.AssertGradientClose(fx["grad." + torchName], tensor.Slice(run.Gradients), "grad." + torchName));
            weights++;
        }

        Assert.Equal(4 * layers * directions, weights);
        _output.WriteLine($"{fixtureName} [{engine}]: forward max |error| {forward:E2}; gradients (x, h0{(lstm ? ", c0" : string.Empty)}, {weights} weight tensors) max relative error {gradient:E2}");
    }

    [Theory]
    [InlineData("torch_export_lstm_l2_bi")]
    [InlineData("torch_export_gru_l2_bi")]
    public void Models_exported_to_onnx_from_pytorch_load_and_match_both_runtimes(string fixtureName)
    {
        // The weights under PyTorch's own names beside the ONNX file torch.onnx.export wrote; zero initial states.
        var fx = Fixture.Load(fixtureName);
        var model = StructureModelCatalog.Create(fixtureName.Contains("lstm", StringComparison.Ordinal) ? nameof(TorchLstmL2Bi) : nameof(TorchGruL2Bi));
        int steps = fx.Int("T"), batch = fx.Int("B");
        model.LoadPyTorch(StateDict(fixtureName));

        var output = new float[steps * batch * model.OutputSize];
        model.CreateWorkspace(batch, steps, training: false);
        model.Forward(fx["x"], batch, steps, output);

        double torch = Tolerance.AssertClose(fx["y"], output, ForwardTolerance, "y");
        double ort = Tolerance.AssertClose(fx["ort.y"], output, ForwardTolerance, "ort.y");
        _output.WriteLine($"{fixtureName}: max |error| {torch:E2} against PyTorch, {ort:E2} against ONNX Runtime");
    }

    [Fact]
    public void A_whole_fixture_file_loads_the_same_weights_when_not_strict()
    {
        // The fixture files hold inputs, outputs and gradients beside the weights: strict loading refuses them, lenient
        // loading skips them and reads exactly what the state_dict alone gives.
        var strictModel = StructureModelCatalog.Create(nameof(TorchLstmL2Bi));
        strictModel.LoadPyTorch(StateDict("torch_lstm_l2_bi"));
        var lenient = StructureModelCatalog.Create(nameof(TorchLstmL2Bi));
        var file = SafeTensorsFile.Read(Path.Combine(RepositoryPaths.Fixtures, "torch_lstm_l2_bi.safetensors"));

        var error = Assert.Throws<InvalidDataException>(() => lenient.LoadPyTorch(file));
        Assert.Contains("unexpected tensor 'grad.x'", error.Message, StringComparison.Ordinal);
        lenient.LoadPyTorch(file, strict: false);

        Assert.Equal(strictModel.Parameters.ToArray(), lenient.Parameters.ToArray());
    }

    /// <summary>The model shaped like each fixture.</summary>
    private static string ModelFor(string fixture) => fixture switch
    {
        "torch_rnn_l1_bi_tanh" => nameof(TorchRnnL1Bi),
        "torch_rnn_l2_uni_tanh" => nameof(TorchRnnL2Uni),
        "torch_rnn_l2_bi_tanh" => nameof(TorchRnnL2Bi),
        "torch_lstm_l1_bi" => nameof(TorchLstmL1Bi),
        "torch_lstm_l2_uni" => nameof(TorchLstmL2Uni),
        "torch_lstm_l2_bi" => nameof(TorchLstmL2Bi),
        "torch_gru_l1_bi" => nameof(TorchGruL1Bi),
        "torch_gru_l2_uni" => nameof(TorchGruL2Uni),
        "torch_gru_l2_bi" => nameof(TorchGruL2Bi),
        _ => throw new ArgumentOutOfRangeException(nameof(fixture), fixture, "No model for this fixture."),
    };

    /// <summary>
    /// The fixture's weights alone, as <c>state_dict()</c> would hold them: every tensor named <c>weight_*</c> or
    /// <c>bias_*</c>, re-written into an in-memory safetensors file.
    /// </summary>
    internal static SafeTensorsFile StateDict(string fixtureName)
    {
        Fixture.Load(fixtureName); // fails loudly, naming the path, if the fixture is missing
        var file = SafeTensorsFile.Read(Path.Combine(RepositoryPaths.Fixtures, fixtureName + ".safetensors"));
        var writer = new SafeTensorsWriter();
        foreach (var name in file.Names.Where(n => n.StartsWith("weight_", StringComparison.Ordinal) || n.StartsWith("bias_", StringComparison.Ordinal)))
        {
            writer.Add(name, file.GetFloats(name), file.Shape(name));
        }

        return SafeTensorsFile.Parse(writer.ToArray());
    }

    /// <summary>
    /// PyTorch's name of a tensor of a model whose layers are all one recurrent module, written out here independently
    /// of the importer: <c>Layer.weight_ih_reverse</c> of the k-th layer is <c>weight_ih_lk_reverse</c>.
    /// </summary>
    private static string TorchName(IGeneratedModel model, string tensor)
    {
        int dot = tensor.IndexOf('.', StringComparison.Ordinal);
        int layer = model.Layers.Select(l => l.Name).ToList().IndexOf(tensor.Substring(0, dot));
        string local = tensor.Substring(dot + 1);
        bool reverse = local.EndsWith("_reverse", StringComparison.Ordinal);
        return (reverse ? local[..^"_reverse".Length] : local) + "_l" + layer + (reverse ? "_reverse" : string.Empty);
    }

    private static float[] Rows(float[] stacked, int layer, int block) => stacked.AsSpan(layer * block, block).ToArray();

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
