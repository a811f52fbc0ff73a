using System;
using System.Linq;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Models;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// Generated code against the reference engine (<c>ReferenceElman</c>, <c>ReferenceDense</c>, double precision)
/// on random models, inputs, initial states and loss gradients: outputs, final states, every parameter gradient,
/// the input gradient and every initial-state gradient.
/// </summary>
public sealed class ReferenceAgreementTests
{
    private const int MaxBatch = 4;
    private const int MaxSteps = 9;
    private const double ForwardTolerance = 1e-5;

    /// <summary>
    /// Shapes run one after another on the same workspace, so stale values from a larger call would show:
    /// batch 1 and 1 step, the maxima, and everything between.
    /// </summary>
    private static readonly (int Batch, int Steps)[] Shapes = { (3, 5), (1, 1), (4, 9), (1, 7), (2, 1), (4, 3) };

    private readonly ITestOutputHelper _output;

    public ReferenceAgreementTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, int> ModelsAndSeeds()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in GeneratedNetworks.All.Keys)
        {
            foreach (var seed in new[] { 1, 2, 3 })
            {
                data.Add(name, seed);
            }
        }

        return data;
    }

    public static TheoryData<string> Models() => new(GeneratedNetworks.All.Keys);

    [Fact]
    public void ParameterTable_FollowsPyTorchLayoutOfTheDeclaredLayers()
    {
        foreach (var (name, create) in GeneratedNetworks.All)
        {
            var network = create(0, 1, 1);
            var reference = ReferenceNetwork.Of(network.ModelType);
            var expected = reference.TensorLayout().ToArray();
            Assert.Equal(reference.ParameterCount, network.ParameterCount);
            Assert.Equal(network.ParameterCount, network.Parameters().Length);
            Assert.Equal(network.ParameterCount, network.Gradients().Length);
            Assert.Equal(expected.Select(t => t.Name), network.ParameterTensors.Select(t => t.Name));
            Assert.Equal(expected.Select(t => t.Offset), network.ParameterTensors.Select(t => t.Offset));
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(expected[i].Shape.SequenceEqual(network.ParameterTensors[i].Shape), $"{name}: {expected[i].Name} has shape {network.ParameterTensors[i].ShapeText}");
            }

            var last = reference.Layers[^1];
            Assert.Equal(last.Size, network.OutputSize);
            Assert.Equal(reference.InputSize, network.InputSize);
        }
    }

    [Theory]
    [MemberData(nameof(ModelsAndSeeds))]
    public void ForwardAndBackward_MatchTheReference(string modelName, int seed)
    {
        var network = GeneratedNetworks.All[modelName](seed, MaxBatch, MaxSteps);
        var reference = ReferenceNetwork.Of(network.ModelType);
        var random = new SeededRandom((ulong)(1000 + seed));
        double worstForward = 0, worstGradient = 0;
        foreach (var (batch, steps) in Shapes)
        {
            string at = $"{modelName} seed {seed}, B={batch}, T={steps}";
            var input = TestData.Uniform(ref random, steps * batch * network.InputSize);
            var h0 = TestData.PerState(ref random, network, batch, 0.5f);
            var dOutput = TestData.Uniform(ref random, network.OutputLength(batch, steps));
            var dFinal = TestData.PerState(ref random, network, batch, 1f);
            var parameters = network.Parameters().ToArray();
            var expected = reference.Run(parameters, input, h0, batch, steps, dOutput, dFinal);

            network.SetInitialStates(h0);
            var output = network.Run(input, batch, steps);
            worstForward = Math.Max(worstForward, Tolerance.AssertClose(expected.Output, output, ForwardTolerance, $"{at}: output"));
            var finals = network.ReadStates(batch, s => s.Final);
            for (int l = 0; l < finals.Length; l++)
            {
                worstForward = Math.Max(worstForward, Tolerance.AssertClose(expected.FinalStates[l], finals[l], ForwardTolerance, $"{at}: final state of {network.States[l].Layer.Name}"));
            }

            network.ZeroGradients();
            network.SetFinalStateGradients(dFinal);
            var dInput = new float[input.Length];
            network.Backward(dOutput, dInput);
            var gradients = network.Gradients();
            foreach (var tensor in network.ParameterTensors)
            {
                var wanted = tensor.Slice(expected.ParameterGradients).ToArray();
                worstGradient = Math.Max(worstGradient, Tolerance.AssertGradientClose(wanted, tensor.Slice(gradients), $"{at}: d{tensor.Name}"));
            }

            worstGradient = Math.Max(worstGradient, Tolerance.AssertGradientClose(expected.InputGradient, dInput, $"{at}: dL/dx"));
            var dh0 = network.ReadStates(batch, s => s.InitialGradient);
            for (int l = 0; l < dh0.Length; l++)
            {
                worstGradient = Math.Max(worstGradient, Tolerance.AssertGradientClose(expected.InitialStateGradients[l], dh0[l], $"{at}: dL/dh_0 of {network.States[l].Layer.Name}"));
            }
        }

        _output.WriteLine($"{modelName} seed {seed}: worst forward |error| {worstForward:E2}, worst gradient relative error {worstGradient:E2}.");
    }

    [Fact]
    public void InferenceWorkspace_GivesTheSameOutputsAsATrainingWorkspace()
    {
        var model = new DeepTagger();
        model.Initialize(9);
        var training = new DeepTagger.Workspace(maxBatch: 3, maxSteps: 5, training: true);
        var inference = new DeepTagger.Workspace(maxBatch: 3, maxSteps: 5, training: false);
        var random = new SeededRandom(3000);
        var input = TestData.Uniform(ref random, 5 * 2 * DeepTagger.InputSize);
        foreach (var ws in new[] { training, inference })
        {
            var firstState = new SeededRandom(3001);
            firstState.FillUniform(ws.FirstInitialState, 0.5f);
            firstState.FillUniform(ws.SecondInitialState, 0.5f);
        }

        var fromTraining = new float[5 * 2 * DeepTagger.OutputSize];
        var fromInference = new float[fromTraining.Length];
        model.Forward(training, input, 2, 5, fromTraining);
        model.Forward(inference, input, 2, 5, fromInference);

        Assert.Equal(fromTraining, fromInference);
        Assert.Equal(training.FirstFinalState.ToArray(), inference.FirstFinalState.ToArray());
        Assert.Equal(training.SecondFinalState.ToArray(), inference.SecondFinalState.ToArray());
        Assert.True(inference.FirstInitialStateGradient.IsEmpty);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Backward_AccumulatesIntoGradients(string modelName)
    {
        // Two Backward calls without ZeroGradients in between add up: the arena holds the sum.
        var network = GeneratedNetworks.All[modelName](seed: 5, MaxBatch, MaxSteps);
        var random = new SeededRandom(2000);
        const int batch = 2, steps = 3;
        var input = TestData.Uniform(ref random, steps * batch * network.InputSize);
        var dOutput = TestData.Uniform(ref random, network.OutputLength(batch, steps));
        network.SetInitialStates(TestData.PerState(ref random, network, batch, 0.5f));
        network.SetFinalStateGradients(TestData.PerState(ref random, network, batch, 1f));
        network.Run(input, batch, steps);
        network.ZeroGradients();
        network.Backward(dOutput, default);
        var once = network.Gradients().ToArray();
        network.Backward(dOutput, default);
        var twice = network.Gradients().ToArray();
        Assert.Contains(once, g => g != 0f);
        Tolerance.AssertGradientClose(once.Select(g => 2 * g).ToArray(), twice, $"{modelName}: two backward passes");
    }
}
