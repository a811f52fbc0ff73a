using System;
using System.IO;
using System.Linq;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Models;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Streaming;

/// <summary>
/// <c>Step</c> reads a packed copy of the recurrent weights, made on the first step. Every way of changing the
/// parameters after that — the <c>Parameters</c> span, a layer view's tensor spans, <c>Initialize</c>, <c>Load</c>,
/// a training step — must be seen by the next step: the stream then gives what <c>Forward</c> gives with the new
/// weights, and differs from what it gave before.
/// </summary>
public sealed class StepWeightsTests
{
    private const double Agreement = 1e-5;
    private const int Steps = 6;

    public static System.Collections.Generic.IEnumerable<object[]> Models() => SteppedModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Writes_through_the_parameter_span_reach_the_next_step(string name)
    {
        var model = SteppedModels.Create(name);
        model.Initialize(seed: 41);
        var input = StepTests.Input(model, Steps, seed: 42);
        var before = Stepped(model, input);

        // Every weight scaled and shifted through the public span.
        var parameters = model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (parameters[i] * 1.5f) + 0.01f;
        }

        AssertStepFollowsForward(model, input, before, $"{name} after writing Parameters");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Initialize_and_Load_reach_the_next_step(string name)
    {
        var model = SteppedModels.Create(name);
        model.Initialize(seed: 51);
        var input = StepTests.Input(model, Steps, seed: 52);
        var before = Stepped(model, input);

        model.Initialize(seed: 53);
        var afterInitialize = AssertStepFollowsForward(model, input, before, $"{name} after Initialize");

        var other = SteppedModels.Create(name);
        other.Initialize(seed: 54);
        using var file = new MemoryStream();
        other.Save(file);
        file.Position = 0;
        model.Load(file);
        AssertStepFollowsForward(model, input, afterInitialize, $"{name} after Load");
    }

    [Fact]
    public void Writes_through_a_layer_view_and_training_steps_reach_the_next_step()
    {
        var model = new StreamingLstm();
        model.Initialize(seed: 61);
        var bound = SteppedModels.Create(nameof(StreamingLstm));
        var input = StepTests.Input(bound, Steps, seed: 62);
        var before = Stepped(model, input);

        // One recurrent weight of the upper layer, changed through its view.
        model.Upper.RecurrentWeights[3] += 0.75f;
        var afterView = Stepped(model, input);
        Assert.NotEqual(before, afterView);
        Tolerance.AssertClose(Forward(model, input), afterView, Agreement, "StreamingLstm after writing a layer view");

        // A training step changes every parameter through the optimizer.
        var trainer = new StreamingLstm.Trainer(model, new Sgd(learningRate: 0.5f), maxBatch: 1, maxSteps: Steps);
        var targets = Enumerable.Range(0, Steps).Select(t => t % StreamingLstm.OutputSize).ToArray();
        trainer.Step(input, targets, batch: 1, steps: Steps);
        var afterTraining = Stepped(model, input);
        Assert.NotEqual(afterView, afterTraining);
        Tolerance.AssertClose(Forward(model, input), afterTraining, Agreement, "StreamingLstm after a training step");
    }

    private static float[] AssertStepFollowsForward(ISteppedModel model, float[] input, float[] before, string what)
    {
        var after = Stepped(model, input);
        Assert.NotEqual(before, after);
        var expected = model.Forward(input, Steps).Output;
        var actual = model.OutputIsSequence ? after : after.AsSpan(after.Length - model.OutputSize).ToArray();
        Tolerance.AssertClose(expected, actual, Agreement, what);
        return after;
    }

    /// <summary>Every step's output of a new stream over <paramref name="input"/>, concatenated.</summary>
    private static float[] Stepped(ISteppedModel model, float[] input) =>
        StepTests.StepThrough(model, model.NewStream(), input, Steps).SelectMany(o => o).ToArray();

    private static float[] Stepped(StreamingLstm model, float[] input)
    {
        var state = new StreamingLstm.State();
        var outputs = new float[Steps * StreamingLstm.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            model.Step(state, input.AsSpan(t * StreamingLstm.InputSize, StreamingLstm.InputSize), outputs.AsSpan(t * StreamingLstm.OutputSize, StreamingLstm.OutputSize));
        }

        return outputs;
    }

    private static float[] Forward(StreamingLstm model, float[] input)
    {
        var workspace = new StreamingLstm.Workspace(maxBatch: 1, maxSteps: Steps);
        var output = new float[Steps * StreamingLstm.OutputSize];
        model.Forward(workspace, input, batch: 1, steps: Steps, output);
        return output;
    }
}
