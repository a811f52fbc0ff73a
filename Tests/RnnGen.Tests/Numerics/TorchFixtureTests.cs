using System;
using System.Linq;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Models;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// The generated Elman code against PyTorch's <c>torch.nn.RNN</c>: weights, input and initial state from the
/// fixture; outputs, final states and every gradient of <c>L = Σ y·R_y + Σ h_n·R_hn</c> must match.
/// </summary>
public sealed class TorchFixtureTests
{
    private const double ForwardTolerance = 1e-5;
    private readonly ITestOutputHelper _output;

    public TorchFixtureTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("torch_rnn_l1_uni_tanh", nameof(TorchRnnTanh))]
    [InlineData("torch_rnn_l1_uni_relu", nameof(TorchRnnRelu))]
    [InlineData("torch_rnn_l2_uni_tanh", nameof(TorchRnnStacked))]
    public void GeneratedModel_ReproducesPyTorchForwardAndGradients(string fixtureName, string modelName)
    {
        var fx = Fixture.Load(fixtureName);
        int steps = fx.Int("T"), batch = fx.Int("B"), inputSize = fx.Int("input"), hidden = fx.Int("hidden"), layers = fx.Int("layers");
        var network = GeneratedNetworks.All[modelName](seed: 0, maxBatch: batch, maxSteps: steps);
        Assert.Equal(inputSize, network.InputSize);
        Assert.Equal(layers, network.States.Count);
        var activation = fx.Config.GetProperty("nonlinearity").GetString() == "relu" ? RnnActivation.Relu : RnnActivation.Tanh;

        // Weights into the layer views, h0 [layers, B, H] into each layer's initial state.
        var h0 = fx.Get("h0", layers, batch, hidden);
        for (int l = 0; l < layers; l++)
        {
            var layer = network.States[l].Layer;
            Assert.Equal(hidden, layer.HiddenSize);
            Assert.Equal(activation, layer.Activation);
            int layerInput = l == 0 ? inputSize : hidden;
            fx.Get($"weight_ih_l{l}", hidden, layerInput).CopyTo(layer.InputWeights);
            fx.Get($"weight_hh_l{l}", hidden, hidden).CopyTo(layer.RecurrentWeights);
            fx.Get($"bias_ih_l{l}", hidden).CopyTo(layer.InputBias);
            fx.Get($"bias_hh_l{l}", hidden).CopyTo(layer.RecurrentBias);
        }

        network.SetInitialStates(Split(h0, layers));

        // Forward: y [T, B, H] and h_n [layers, B, H].
        var y = network.Run(fx.Get("x", steps, batch, inputSize), batch, steps);
        double worstForward = Tolerance.AssertClose(fx.Get("y", steps, batch, hidden), y, ForwardTolerance, $"{fixtureName} y");
        var expectedFinal = Split(fx.Get("h_n", layers, batch, hidden), layers);
        var finals = network.ReadStates(batch, s => s.Final);
        for (int l = 0; l < layers; l++)
        {
            worstForward = Math.Max(worstForward, Tolerance.AssertClose(expectedFinal[l], finals[l], ForwardTolerance, $"{fixtureName} h_n[{l}]"));
        }

        // L = Σ y·R_y + Σ h_n·R_hn from our outputs. Each output is within ForwardTolerance, so L may differ by at
        // most ForwardTolerance·Σ|R| (plus float32 rounding of the stored loss, far smaller).
        var ry = fx.Get("loss.R.y", steps, batch, hidden);
        var rh = fx.Get("loss.R.h_n", layers, batch, hidden);
        var rhPerLayer = Split(rh, layers);
        double loss = TestData.Dot(y, ry) + Enumerable.Range(0, layers).Sum(l => TestData.Dot(finals[l], rhPerLayer[l]));
        double expectedLoss = fx.Get("loss.value", 1)[0];
        double lossTolerance = (ForwardTolerance * (ry.Sum(MathF.Abs) + rh.Sum(MathF.Abs))) + (1e-6 * Math.Abs(expectedLoss));
        Assert.True(Math.Abs(loss - expectedLoss) <= lossTolerance, $"{fixtureName}: loss {loss:R} from our outputs, PyTorch {expectedLoss:R} (allowed {lossTolerance:E2}).");

        // Backward with dL/dy = R_y and dL/dh_n = R_hn.
        network.ZeroGradients();
        network.SetFinalStateGradients(rhPerLayer);
        var dx = new float[steps * batch * inputSize];
        network.Backward(ry, dx);

        double worstGradient = 0;
        string worstAt = "none";
        void Check(string name, float[] expected, ReadOnlySpan<float> actual)
        {
            double e = Tolerance.AssertGradientClose(expected, actual, $"{fixtureName} grad.{name}");
            if (e >= worstGradient)
            {
                worstGradient = e;
                worstAt = name;
            }
        }

        var gradients = network.Gradients();
        for (int l = 0; l < layers; l++)
        {
            string layerName = network.States[l].Layer.Name;
            foreach (var tensor in new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" })
            {
                var info = network.ParameterTensors.Single(t => t.Name == $"{layerName}.{tensor}");
                Check($"{tensor}_l{l}", fx.Get($"grad.{tensor}_l{l}", info.Shape), info.Slice(gradients));
            }
        }

        Check("x", fx.Get("grad.x", steps, batch, inputSize), dx);
        var dh0 = network.ReadStates(batch, s => s.InitialGradient);
        var expectedDh0 = Split(fx.Get("grad.h0", layers, batch, hidden), layers);
        for (int l = 0; l < layers; l++)
        {
            Check($"h0[{l}]", expectedDh0[l], dh0[l]);
        }

        _output.WriteLine($"{fixtureName}: worst forward |error| {worstForward:E2} (allowed {ForwardTolerance:E0}); worst gradient relative error {worstGradient:E2} (grad.{worstAt}; allowed 1E-04 relative or 1E-05 absolute); loss {loss:R} vs {expectedLoss:R}.");
    }

    /// <summary>Splits a <c>[parts, ...]</c> tensor into its first-axis slices.</summary>
    private static float[][] Split(float[] tensor, int parts)
    {
        int size = tensor.Length / parts;
        return Enumerable.Range(0, parts).Select(p => tensor.AsSpan(p * size, size).ToArray()).ToArray();
    }
}
