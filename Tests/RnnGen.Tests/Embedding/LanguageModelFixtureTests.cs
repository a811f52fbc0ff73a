using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.IO;
using RnnGen.Reference;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Models;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Embedding;

/// <summary>
/// One training step of a Zaremba-style language model against PyTorch (fixture <c>lm_step_lstm2</c>): embedding 50 × 16,
/// a 2-layer LSTM of 16, a linear decoder over the 50 words, mean cross-entropy of <c>tokens[1:]</c> given
/// <c>tokens[:-1]</c>, then SGD with learning rate 1 after clipping the global gradient norm to 5. The weights enter
/// through <c>LoadPyTorch</c> from the fixture's own state_dict names; the probabilities, final states, loss, every
/// gradient, the global norm and every weight after the step must match, for the generated model and for the
/// reference layers alike.
/// </summary>
public sealed class LanguageModelFixtureTests
{
    private const string FixtureName = "lm_step_lstm2";
    private const double ForwardTolerance = 1e-5;

    /// <summary>Our tensor names and PyTorch's, written out here independently of the importer.</summary>
    private static readonly (string Ours, string Torch)[] Names =
    {
        ("Embedding.weight", "embedding.weight"),
        ("Lstm.weight_ih", "lstm.weight_ih_l0"), ("Lstm.weight_hh", "lstm.weight_hh_l0"),
        ("Lstm.bias_ih", "lstm.bias_ih_l0"), ("Lstm.bias_hh", "lstm.bias_hh_l0"),
        ("Upper.weight_ih", "lstm.weight_ih_l1"), ("Upper.weight_hh", "lstm.weight_hh_l1"),
        ("Upper.bias_ih", "lstm.bias_ih_l1"), ("Upper.bias_hh", "lstm.bias_hh_l1"),
        ("Decoder.weight", "decoder.weight"), ("Decoder.bias", "decoder.bias"),
    };

    private readonly ITestOutputHelper _output;

    public LanguageModelFixtureTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Generated_model_matches_pytorch_through_one_clipped_sgd_step()
    {
        var fx = Fixture.Load(FixtureName);
        int steps = fx.Int("T"), batch = fx.Int("B"), vocabulary = fx.Int("vocab");
        Assert.Equal(TorchLanguageModel.VocabularySize, vocabulary);
        Assert.Equal(TorchLanguageModel.OutputSize, vocabulary);
        var (inputs, targets) = Tokens(fx, steps, batch);

        var model = new TorchLanguageModel();
        model.LoadPyTorch(StateDict());
        foreach (var (ours, torch) in Names)
        {
            Assert.Equal(fx[torch], Tensor(ours).Slice(model.Parameters).ToArray());
        }

        // Forward: probabilities are softmax(logits); the final states are h_n, c_n [2, B, H].
        var workspace = new TorchLanguageModel.Workspace(batch, steps, training: false);
        var probabilities = new float[steps * batch * vocabulary];
        model.Forward(workspace, inputs, batch, steps, probabilities);
        double forward = Tolerance.AssertClose(ReferenceDense.Softmax(fx["logits"], steps * batch, vocabulary), probabilities, ForwardTolerance, "softmax(logits)");
        forward = Math.Max(forward, Tolerance.AssertClose(fx["h_n"], workspace.LstmFinalState.ToArray().Concat(workspace.UpperFinalState.ToArray()).ToArray(), ForwardTolerance, "h_n"));
        forward = Math.Max(forward, Tolerance.AssertClose(fx["c_n"], workspace.LstmFinalCellState.ToArray().Concat(workspace.UpperFinalCellState.ToArray()).ToArray(), ForwardTolerance, "c_n"));

        // One training step: loss, gradients, their global norm, the weights after SGD(lr 1, clip 5).
        var sgd = new Sgd(learningRate: 1f, clipNorm: 5f);
        var trainer = new TorchLanguageModel.Trainer(model, sgd, maxBatch: batch, maxSteps: steps);
        float loss = trainer.Step(inputs, targets, batch, steps);
        double lossError = Math.Abs(loss - fx["loss.value"][0]);
        Assert.True(lossError <= ForwardTolerance, $"loss {loss:R}, expected {fx["loss.value"][0]:R}");
        Assert.Equal(fx["perplexity"][0], MathF.Exp(loss), 3);

        double gradients = 0, gradientsAbsolute = 0;
        foreach (var (ours, torch) in Names)
        {
            var actual = Tensor(ours).Slice(trainer.Workspace.Gradients).ToArray();
            gradients = Math.Max(gradients, Tolerance.AssertGradientClose(fx["grad." + torch], actual, "grad." + torch));
            gradientsAbsolute = Math.Max(gradientsAbsolute, MaxAbsoluteError(fx["grad." + torch], actual));
        }

        double norm = Math.Abs(sgd.LastGradientNorm - fx["grad_global_norm"][0]) / fx["grad_global_norm"][0];
        Assert.True(norm <= 1e-4, $"global norm {sgd.LastGradientNorm:R}, expected {fx["grad_global_norm"][0]:R}");

        double after = 0;
        foreach (var (ours, torch) in Names)
        {
            after = Math.Max(after, Tolerance.AssertClose(fx["after_sgd." + torch], Tensor(ours).Slice(model.Parameters).ToArray(), ForwardTolerance, "after_sgd." + torch));
        }

        _output.WriteLine($"generated: forward |error| {forward:E2}, loss |error| {lossError:E2}, gradients max relative {gradients:E2} (max |error| {gradientsAbsolute:E2}), norm relative {norm:E2} (norm {sgd.LastGradientNorm:R}), weights after SGD |error| {after:E2}");
    }

    [Fact]
    public void Reference_layers_match_pytorch_through_one_clipped_sgd_step()
    {
        var fx = Fixture.Load(FixtureName);
        int steps = fx.Int("T"), batch = fx.Int("B"), vocabulary = fx.Int("vocab"), size = fx.Int("embedding"), hidden = fx.Int("hidden");
        var (inputs, targets) = Tokens(fx, steps, batch);
        var weights = Names.ToDictionary(n => n.Torch, n => fx[n.Torch]);

        var result = ReferenceLanguageModel.Run(weights, inputs, targets, steps, batch, vocabulary, size, hidden);

        double forward = Tolerance.AssertClose(ReferenceDense.Softmax(fx["logits"], steps * batch, vocabulary), result.Probabilities, ForwardTolerance, "softmax(logits)");
        double lossError = Math.Abs(result.Loss - fx["loss.value"][0]);
        Assert.True(lossError <= ForwardTolerance, $"loss {result.Loss:R}, expected {fx["loss.value"][0]:R}");
        double gradients = 0, gradientsAbsolute = 0;
        double squares = 0;
        foreach (var (_, torch) in Names)
        {
            gradients = Math.Max(gradients, Tolerance.AssertGradientClose(fx["grad." + torch], result.Gradients[torch], "grad." + torch));
            gradientsAbsolute = Math.Max(gradientsAbsolute, MaxAbsoluteError(fx["grad." + torch], result.Gradients[torch]));
            squares += result.Gradients[torch].Sum(g => (double)g * g);
        }

        double norm = Math.Sqrt(squares);
        Assert.True(Math.Abs(norm - fx["grad_global_norm"][0]) <= 1e-4 * norm, $"global norm {norm:R}, expected {fx["grad_global_norm"][0]:R}");

        // θ ← θ − lr · min(1, 5 / (‖g‖ + 1e−6)) · g, lr 1, as torch.nn.utils.clip_grad_norm_ then SGD.
        double scale = Math.Min(1.0, 5.0 / (norm + 1e-6));
        double after = 0;
        foreach (var (_, torch) in Names)
        {
            var updated = weights[torch].Select((w, i) => (float)(w - (scale * result.Gradients[torch][i]))).ToArray();
            after = Math.Max(after, Tolerance.AssertClose(fx["after_sgd." + torch], updated, ForwardTolerance, "after_sgd." + torch));
        }

        _output.WriteLine($"reference: forward |error| {forward:E2}, loss |error| {lossError:E2}, gradients max relative {gradients:E2} (max |error| {gradientsAbsolute:E2}), weights after SGD |error| {after:E2}");
    }

    [Fact]
    public void LoadPyTorch_reads_the_module_names_of_the_language_model()
    {
        var map = RnnGen.Interop.PyTorchImport.MapNames(nameof(TorchLanguageModel), TorchLanguageModel.ParameterTensors, PyTorchLayers(), null);

        Assert.Equal(Names.Select(n => n.Torch), TorchLanguageModel.ParameterTensors.Select(t => map[t.Name]));
    }

    /// <summary>Inputs <c>tokens[:-1]</c> and targets <c>tokens[1:]</c>, each <c>[T, B]</c>, from the fixture's <c>tokens [T+1, B]</c>.</summary>
    internal static (int[] Inputs, int[] Targets) Tokens(Fixture fx, int steps, int batch)
    {
        var all = fx.Get("tokens", steps + 1, batch).Select(t => checked((int)t)).ToArray();
        Assert.All(all, t => Assert.Equal(t, (float)t));
        return (all[..(steps * batch)], all[batch..]);
    }

    /// <summary>The fixture's weights only, under their state_dict names, as <c>save_file(model.state_dict())</c> writes them.</summary>
    private static SafeTensorsFile StateDict()
    {
        var file = SafeTensorsFile.Read(Path.Combine(RepositoryPaths.Fixtures, FixtureName + ".safetensors"));
        var writer = new SafeTensorsWriter();
        foreach (var (_, torch) in Names)
        {
            writer.Add(torch, file.GetFloats(torch), file.Shape(torch));
        }

        return SafeTensorsFile.Parse(writer.ToArray());
    }

    private static double MaxAbsoluteError(float[] expected, float[] actual) => expected.Zip(actual, (e, a) => Math.Abs((double)e - a)).Max();

    private static TensorInfo Tensor(string name) => TorchLanguageModel.ParameterTensors.Single(t => t.Name == name);

    /// <summary>The generated model's default PyTorch names, read through its private table.</summary>
    private static IReadOnlyList<RnnGen.Interop.PyTorchLayer> PyTorchLayers() =>
        (RnnGen.Interop.PyTorchLayer[])typeof(TorchLanguageModel).GetField("PyTorchLayers", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!.GetValue(null)!;
}
