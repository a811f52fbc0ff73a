using System;
using System.Linq;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Models;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// <c>Trainer.Step</c> against the same step written out by hand — Forward, the loss, Backward, then
/// <c>θ ← θ − lr · min(1, clip / (‖g‖ + 1e−6)) · g</c> — for softmax cross-entropy and mean squared error; learning
/// on small tasks; carrying state between batches.
/// </summary>
public sealed class TrainerTests
{
    private const float LearningRate = 0.5f;
    private const int Batch = 3;
    private const int Steps = 4;

    private readonly ITestOutputHelper _output;

    public TrainerTests(ITestOutputHelper output) => _output = output;

    /// <summary>0: no clipping; 0.25: the clip binds (the step is scaled to a quarter); 10: the clip is above the norm.</summary>
    public static TheoryData<float> ClipFactors() => new() { 0f, 0.25f, 10f };

    [Theory]
    [MemberData(nameof(ClipFactors))]
    public void Step_TinyTagger_EqualsManualCrossEntropyStep(float clipFactor)
    {
        var random = new SeededRandom(31);
        var input = TestData.Uniform(ref random, Steps * Batch * TinyTagger.InputSize);
        var targets = TestData.Classes(ref random, Steps * Batch, TinyTagger.OutputSize);
        var manual = GeneratedNetworks.TinyTaggerNetwork(seed: 21, Batch, Steps);
        var h0 = TestData.PerState(ref random, manual, Batch, 0.5f);
        var expected = ManualCrossEntropy(manual, h0, input, targets);

        AssertStepEqualsManual("TinyTagger", manual, expected, clipFactor, sgd =>
        {
            var model = new TinyTagger();
            model.Initialize(21);
            var trainer = new TinyTagger.Trainer(model, sgd, Batch, Steps);
            h0[0].CopyTo(trainer.Workspace.RnnInitialState);
            float loss = trainer.Step(input, targets, Batch, Steps);
            return (loss, trainer.Workspace.Gradients.ToArray(), model.Parameters.ToArray());
        });
    }

    [Theory]
    [MemberData(nameof(ClipFactors))]
    public void Step_DeepTagger_EqualsManualCrossEntropyStep(float clipFactor)
    {
        var random = new SeededRandom(32);
        var input = TestData.Uniform(ref random, Steps * Batch * DeepTagger.InputSize);
        var targets = TestData.Classes(ref random, Steps * Batch, DeepTagger.OutputSize);
        var manual = GeneratedNetworks.DeepTaggerNetwork(seed: 22, Batch, Steps);
        var h0 = TestData.PerState(ref random, manual, Batch, 0.5f);
        var expected = ManualCrossEntropy(manual, h0, input, targets);

        AssertStepEqualsManual("DeepTagger", manual, expected, clipFactor, sgd =>
        {
            var model = new DeepTagger();
            model.Initialize(22);
            var trainer = new DeepTagger.Trainer(model, sgd, Batch, Steps);
            h0[0].CopyTo(trainer.Workspace.FirstInitialState);
            h0[1].CopyTo(trainer.Workspace.SecondInitialState);
            float loss = trainer.Step(input, targets, Batch, Steps);
            return (loss, trainer.Workspace.Gradients.ToArray(), model.Parameters.ToArray());
        });
    }

    [Theory]
    [MemberData(nameof(ClipFactors))]
    public void Step_SequenceClassifier_EqualsManualCrossEntropyStep(float clipFactor)
    {
        // Many-to-one: one class index per sequence.
        var random = new SeededRandom(33);
        var input = TestData.Uniform(ref random, Steps * Batch * SequenceClassifier.InputSize);
        var targets = TestData.Classes(ref random, Batch, SequenceClassifier.OutputSize);
        var manual = GeneratedNetworks.SequenceClassifierNetwork(seed: 23, Batch, Steps);
        var h0 = TestData.PerState(ref random, manual, Batch, 0.5f);
        var expected = ManualCrossEntropy(manual, h0, input, targets);

        AssertStepEqualsManual("SequenceClassifier", manual, expected, clipFactor, sgd =>
        {
            var model = new SequenceClassifier();
            model.Initialize(23);
            var trainer = new SequenceClassifier.Trainer(model, sgd, Batch, Steps);
            h0[0].CopyTo(trainer.Workspace.EncoderInitialState);
            float loss = trainer.Step(input, targets, Batch, Steps);
            return (loss, trainer.Workspace.Gradients.ToArray(), model.Parameters.ToArray());
        });
    }

    [Theory]
    [MemberData(nameof(ClipFactors))]
    public void Step_TanhHeadTagger_EqualsManualSquaredErrorStep(float clipFactor)
    {
        var random = new SeededRandom(34);
        var input = TestData.Uniform(ref random, Steps * Batch * TanhHeadTagger.InputSize);
        var targets = TestData.Uniform(ref random, Steps * Batch * TanhHeadTagger.OutputSize);
        var manual = GeneratedNetworks.TanhHeadTaggerNetwork(seed: 24, Batch, Steps);
        var h0 = TestData.PerState(ref random, manual, Batch, 0.5f);
        var expected = ManualSquaredError(manual, h0, input, targets);

        AssertStepEqualsManual("TanhHeadTagger", manual, expected, clipFactor, sgd =>
        {
            var model = new TanhHeadTagger();
            model.Initialize(24);
            var trainer = new TanhHeadTagger.Trainer(model, sgd, Batch, Steps);
            h0[0].CopyTo(trainer.Workspace.RnnInitialState);
            float loss = trainer.Step(input, targets, Batch, Steps);
            return (loss, trainer.Workspace.Gradients.ToArray(), model.Parameters.ToArray());
        });
    }

    [Theory]
    [MemberData(nameof(ClipFactors))]
    public void Step_ManyToOneRegressor_EqualsManualSquaredErrorStep(float clipFactor)
    {
        var random = new SeededRandom(35);
        var input = TestData.Uniform(ref random, Steps * Batch * ManyToOneRegressor.InputSize);
        var targets = TestData.Uniform(ref random, Batch * ManyToOneRegressor.OutputSize);
        var manual = GeneratedNetworks.ManyToOneRegressorNetwork(seed: 25, Batch, Steps);
        var h0 = TestData.PerState(ref random, manual, Batch, 0.5f);
        var expected = ManualSquaredError(manual, h0, input, targets);

        AssertStepEqualsManual("ManyToOneRegressor", manual, expected, clipFactor, sgd =>
        {
            var model = new ManyToOneRegressor();
            model.Initialize(25);
            var trainer = new ManyToOneRegressor.Trainer(model, sgd, Batch, Steps);
            h0[0].CopyTo(trainer.Workspace.EncoderInitialState);
            float loss = trainer.Step(input, targets, Batch, Steps);
            return (loss, trainer.Workspace.Gradients.ToArray(), model.Parameters.ToArray());
        });
    }

    [Fact]
    public void CrossEntropyLoss_FallsOnALearnableTaggingTask()
    {
        // Tag each step 1 when its first feature exceeds its second: the head can read it off h_t.
        var model = new TinyTagger();
        model.Initialize(41);
        var trainer = new TinyTagger.Trainer(model, new Sgd(learningRate: 1f, clipNorm: 5f), maxBatch: 8, maxSteps: 6);
        var random = new SeededRandom(42);
        var input = TestData.Uniform(ref random, 6 * 8 * TinyTagger.InputSize);
        var targets = Enumerable.Range(0, 6 * 8).Select(r => input[r * 3] > input[(r * 3) + 1] ? 1 : 0).ToArray();

        var losses = Enumerable.Range(0, 50).Select(_ => trainer.Step(input, targets, 8, 6)).ToArray();

        _output.WriteLine($"cross-entropy: first {losses[0]:F4}, last {losses[^1]:F4}");
        AssertFalls(losses);
    }

    [Fact]
    public void SquaredErrorLoss_FallsOnALearnableRegressionTask()
    {
        // Predict the mean of the first feature over the sequence and the last value of the second.
        var model = new ManyToOneRegressor();
        model.Initialize(43);
        var trainer = new ManyToOneRegressor.Trainer(model, new Sgd(learningRate: 0.5f, clipNorm: 5f), maxBatch: 8, maxSteps: 5);
        var random = new SeededRandom(44);
        var input = TestData.Uniform(ref random, 5 * 8 * ManyToOneRegressor.InputSize);
        var targets = new float[8 * 2];
        for (int b = 0; b < 8; b++)
        {
            targets[b * 2] = Enumerable.Range(0, 5).Average(t => input[((t * 8) + b) * 3]);
            targets[(b * 2) + 1] = input[((4 * 8) + b) * 3 + 1];
        }

        var losses = Enumerable.Range(0, 50).Select(_ => trainer.Step(input, targets, 8, 5)).ToArray();

        _output.WriteLine($"squared error: first {losses[0]:F4}, last {losses[^1]:F4}");
        AssertFalls(losses);
    }

    [Fact]
    public void CarryState_MakesEachBatchStartFromThePreviousFinalState()
    {
        var random = new SeededRandom(51);
        var input = TestData.Uniform(ref random, Steps * Batch * DeepTagger.InputSize);
        var targets = TestData.Classes(ref random, Steps * Batch, DeepTagger.OutputSize);
        var manual = GeneratedNetworks.DeepTaggerNetwork(seed: 52, Batch, Steps);
        var h0 = TestData.PerState(ref random, manual, Batch, 0.5f);

        var model = new DeepTagger();
        model.Initialize(52);
        var trainer = new DeepTagger.Trainer(model, new Sgd(LearningRate), Batch, Steps) { CarryState = true };
        var ws = trainer.Workspace;
        h0[0].CopyTo(ws.FirstInitialState);
        h0[1].CopyTo(ws.SecondInitialState);

        // Final states of the first batch, computed with the parameters before the update.
        manual.SetInitialStates(h0);
        manual.Run(input, Batch, Steps);
        var finals = manual.ReadStates(Batch, s => s.Final);

        trainer.Step(input, targets, Batch, Steps);

        Tolerance.AssertClose(finals[0], ws.FirstInitialState.Slice(0, finals[0].Length), 1e-6, "First: initial state after a carrying step");
        Tolerance.AssertClose(finals[1], ws.SecondInitialState.Slice(0, finals[1].Length), 1e-6, "Second: initial state after a carrying step");
        Assert.False(finals[0].SequenceEqual(h0[0]), "the state must have moved for this test to mean anything");

        // The second batch starts from those states, with the updated parameters.
        model.Parameters.CopyTo(manual.Parameters());
        var expected = ManualCrossEntropy(manual, finals, input, targets);
        float second = trainer.Step(input, targets, Batch, Steps);
        Assert.Equal(expected.Loss, second, 5);

        // Evaluate carries too, and leaves the parameters alone.
        var parameters = model.Parameters.ToArray();
        var carried = ws.FirstFinalState.Slice(0, finals[0].Length).ToArray();
        trainer.Evaluate(input, targets, Batch, Steps);
        Assert.Equal(parameters, model.Parameters.ToArray());
        Assert.NotEqual(carried, ws.FirstInitialState.Slice(0, carried.Length).ToArray());
        Assert.Equal(ws.FirstFinalState.Slice(0, carried.Length).ToArray(), ws.FirstInitialState.Slice(0, carried.Length).ToArray());

        // ResetState starts every layer from zero again.
        ws.ResetState();
        Assert.All(ws.FirstInitialState.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(ws.SecondInitialState.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void WithoutCarryState_EveryBatchStartsFromTheSameInitialState()
    {
        var random = new SeededRandom(53);
        var input = TestData.Uniform(ref random, Steps * Batch * TinyTagger.InputSize);
        var targets = TestData.Classes(ref random, Steps * Batch, TinyTagger.OutputSize);
        var h0 = TestData.Uniform(ref random, Batch * 4, 0.5f);
        var model = new TinyTagger();
        var trainer = new TinyTagger.Trainer(model, new Sgd(LearningRate), Batch, Steps);
        Assert.False(trainer.CarryState);
        h0.CopyTo(trainer.Workspace.RnnInitialState);

        trainer.Step(input, targets, Batch, Steps);
        trainer.Evaluate(input, targets, Batch, Steps);

        Assert.Equal(h0, trainer.Workspace.RnnInitialState.Slice(0, h0.Length).ToArray());
        Assert.NotEqual(h0, trainer.Workspace.RnnFinalState.Slice(0, h0.Length).ToArray());
    }

    private static void AssertFalls(float[] losses)
    {
        Assert.All(losses, l => Assert.True(float.IsFinite(l)));
        // The mean of the last five steps must be below half the first loss.
        float late = losses[^5..].Average();
        Assert.True(late < 0.5f * losses[0], $"loss went from {losses[0]} to {late} (mean of the last five steps); expected it to halve.");
    }

    private void AssertStepEqualsManual(string name, GeneratedNetwork manual, ManualStep expected, float clipFactor, Func<Sgd, (float Loss, float[] Gradients, float[] Parameters)> trainerStep)
    {
        float clip = clipFactor * (float)expected.Norm;
        var sgd = new Sgd(LearningRate, clip);
        var (loss, gradients, after) = trainerStep(sgd);

        // θ' = θ − lr · min(1, clip / (‖g‖ + 1e−6)) · g, written out in double.
        double scale = clip > 0f ? Math.Min(1.0, clip / (expected.Norm + 1e-6)) : 1.0;
        var before = manual.Parameters().ToArray();
        var wanted = new float[before.Length];
        for (int i = 0; i < before.Length; i++)
        {
            wanted[i] = (float)(before[i] - (LearningRate * scale * expected.Gradients[i]));
        }

        Assert.Equal(expected.Loss, loss, 5);
        Tolerance.AssertGradientClose(expected.Gradients, gradients, $"{name}: the trainer's gradient");
        Assert.Equal(expected.Norm, sgd.LastGradientNorm, expected.Norm * 1e-5);
        Assert.Equal(1, sgd.StepCount);
        if (clipFactor is > 0f and < 1f)
        {
            Assert.True(scale < 0.3, $"the clip should bind here (scale {scale})");
        }

        // Each parameter is within float32 rounding of the hand-made update (|θ| ≤ 1, |lr·g| of order 1).
        double worst = Tolerance.AssertClose(wanted, after, 1e-6, $"{name}: parameters after one step (clip factor {clipFactor})");
        Assert.False(after.SequenceEqual(before), "the step must change the parameters");
        _output.WriteLine($"{name}, clip factor {clipFactor}: loss {loss:R}, ‖g‖ {expected.Norm:F5}, scale {scale:F4}, worst parameter |error| {worst:E2}.");
    }

    /// <summary>Forward, mean cross-entropy and its gradient with respect to the probabilities, then Backward.</summary>
    private static ManualStep ManualCrossEntropy(GeneratedNetwork network, float[][] h0, float[] input, int[] targets)
    {
        network.SetInitialStates(h0);
        var p = network.Run(input, Batch, Steps);
        int rows = targets.Length, classes = network.OutputSize;
        double loss = 0;
        var dp = new float[p.Length];
        for (int r = 0; r < rows; r++)
        {
            double pt = p[(r * classes) + targets[r]];
            // L = −(1/N) Σ log p[r, y_r], so dL/dp[r, y_r] = −1 / (N p[r, y_r]) and 0 elsewhere.
            loss -= Math.Log(pt);
            dp[(r * classes) + targets[r]] = (float)(-1.0 / (rows * pt));
        }

        return Backward(network, loss / rows, dp);
    }

    /// <summary>Forward, mean squared error and <c>dL/dy = 2(y − t)/N</c>, then Backward.</summary>
    private static ManualStep ManualSquaredError(GeneratedNetwork network, float[][] h0, float[] input, float[] targets)
    {
        network.SetInitialStates(h0);
        var y = network.Run(input, Batch, Steps);
        double loss = 0;
        var dy = new float[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            double e = (double)y[i] - targets[i];
            loss += e * e;
            dy[i] = (float)(2 * e / y.Length);
        }

        return Backward(network, loss / y.Length, dy);
    }

    private static ManualStep Backward(GeneratedNetwork network, double loss, float[] dOutput)
    {
        network.ZeroGradients();
        network.SetFinalStateGradients(network.States.Select(s => new float[Batch * s.Hidden]).ToArray());
        network.Backward(dOutput, default);
        var g = network.Gradients().ToArray();
        return new ManualStep(loss, g, Math.Sqrt(g.Sum(v => (double)v * v)));
    }

    private sealed record ManualStep(double Loss, float[] Gradients, double Norm);
}
