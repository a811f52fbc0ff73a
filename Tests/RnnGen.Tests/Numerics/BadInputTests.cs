using System;
using System.Text.RegularExpressions;
using RnnGen.Tests.Models;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// Wrong shapes fail loudly and early: span lengths with an <see cref="ArgumentException"/> naming the expected
/// length, batch and step counts outside the workspace with <see cref="ArgumentOutOfRangeException"/>, Backward
/// without a forward pass or gradients with <see cref="InvalidOperationException"/> — and a failed training step
/// leaves the model as it was.
/// </summary>
public sealed class BadInputTests
{
    // Sizes chosen so the expected lengths (TinyTagger: 3·2·3 = 18 inputs, 3·2·2 = 12 outputs; ManyToOneRegressor:
    // 5·3·3 = 45 inputs, 3·2 = 6 outputs) appear nowhere else in the messages.
    private const int Batch = 3;

    [Fact]
    public void Forward_WrongInputLength_NamesTheExpectedLength()
    {
        var tagger = new TinyTagger();
        var ws = new TinyTagger.Workspace(4, 4);
        var output = new float[12];
        AssertLength(18, "input", () => tagger.Forward(ws, new float[17], Batch, 2, output));
        AssertLength(18, "input", () => tagger.Forward(ws, new float[19], Batch, 2, output));

        var regressor = new ManyToOneRegressor();
        var rws = new ManyToOneRegressor.Workspace(4, 8);
        AssertLength(45, "input", () => regressor.Forward(rws, new float[44], Batch, 5, new float[6]));
    }

    [Fact]
    public void Forward_WrongOutputLength_NamesTheExpectedLength()
    {
        var tagger = new TinyTagger();
        var ws = new TinyTagger.Workspace(4, 4);
        AssertLength(12, "output", () => tagger.Forward(ws, new float[18], Batch, 2, new float[11]));
        AssertLength(12, "output", () => tagger.Forward(ws, new float[18], Batch, 2, new float[24]));

        // A many-to-one model outputs one row per sequence, not per step.
        var regressor = new ManyToOneRegressor();
        var rws = new ManyToOneRegressor.Workspace(4, 8);
        AssertLength(6, "output", () => regressor.Forward(rws, new float[45], Batch, 5, new float[30]));
    }

    [Fact]
    public void Backward_WrongGradientLengths_NameTheExpectedLength()
    {
        var tagger = new TinyTagger();
        var ws = new TinyTagger.Workspace(4, 4);
        tagger.Forward(ws, new float[18], Batch, 2, new float[12]);
        AssertLength(12, "outputGradient", () => tagger.Backward(ws, new float[13]));
        AssertLength(18, "inputGradient", () => tagger.Backward(ws, new float[12], new float[16]));

        var regressor = new ManyToOneRegressor();
        var rws = new ManyToOneRegressor.Workspace(4, 8);
        regressor.Forward(rws, new float[45], Batch, 5, new float[6]);
        AssertLength(6, "outputGradient", () => regressor.Backward(rws, new float[30]));
        AssertLength(45, "inputGradient", () => regressor.Backward(rws, new float[6], new float[46]));
    }

    [Fact]
    public void TrainerStep_WrongLengths_NameTheExpectedLength()
    {
        var tagger = new TinyTagger.Trainer(new TinyTagger(), new Sgd(0.1f), 4, 4);
        AssertLength(6, "targets", () => tagger.Step(new float[18], new int[5], Batch, 2));
        AssertLength(6, "targets", () => tagger.Evaluate(new float[18], new int[12], Batch, 2));
        AssertLength(18, "input", () => tagger.Step(new float[20], new int[6], Batch, 2));

        var regressor = new ManyToOneRegressor.Trainer(new ManyToOneRegressor(), new Sgd(0.1f), 4, 8);
        AssertLength(6, "targets", () => regressor.Step(new float[45], new float[7], Batch, 5));
        AssertLength(45, "input", () => regressor.Evaluate(new float[43], new float[6], Batch, 5));
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(-1, 2)]
    [InlineData(5, 2)]
    [InlineData(3, 0)]
    [InlineData(3, 7)]
    public void BatchOrStepsOutsideTheWorkspace_ThrowOutOfRange(int batch, int steps)
    {
        // The workspace holds at most 4 sequences of 6 steps; spans are sized for the request so only the range fails.
        int rows = Math.Max(batch, 0) * Math.Max(steps, 0);
        var tagger = new TinyTagger();
        var ws = new TinyTagger.Workspace(maxBatch: 4, maxSteps: 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => tagger.Forward(ws, new float[rows * 3], batch, steps, new float[rows * 2]));

        var trainer = new TinyTagger.Trainer(tagger, new Sgd(0.1f), maxBatch: 4, maxSteps: 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(new float[rows * 3], new int[rows], batch, steps));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Evaluate(new float[rows * 3], new int[rows], batch, steps));

        var regressor = new ManyToOneRegressor();
        var rws = new ManyToOneRegressor.Workspace(maxBatch: 4, maxSteps: 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => regressor.Forward(rws, new float[rows * 3], batch, steps, new float[Math.Max(batch, 0) * 2]));
    }

    [Fact]
    public void Workspace_NonPositiveSizes_ThrowOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TinyTagger.Workspace(0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TinyTagger.Workspace(4, 0));
    }

    [Fact]
    public void Backward_BeforeAnyForward_Throws()
    {
        var tagger = new TinyTagger();
        var ws = new TinyTagger.Workspace(4, 4);
        var e = Assert.Throws<InvalidOperationException>(() => tagger.Backward(ws, new float[12]));
        Assert.Contains("Forward", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backward_OnAnInferenceWorkspace_Throws()
    {
        var tagger = new TinyTagger();
        var ws = new TinyTagger.Workspace(4, 4, training: false);
        tagger.Forward(ws, new float[18], Batch, 2, new float[12]);
        var e = Assert.Throws<InvalidOperationException>(() => tagger.Backward(ws, new float[12]));
        Assert.Contains("training", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => ws.ZeroGradients());
    }

    [Theory]
    [InlineData(5)] // one target short
    [InlineData(7)] // one target too many
    public void FailedCrossEntropyStep_WrongTargetCount_LeavesTheModelUnchanged(int targetCount)
    {
        var (model, trainer, sgd, input) = NewTagger();
        var before = model.Parameters.ToArray();
        var state = trainer.Workspace.RnnInitialState.ToArray();

        Assert.Throws<ArgumentException>(() => trainer.Step(input, new int[targetCount], Batch, 2));

        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(state, trainer.Workspace.RnnInitialState.ToArray());
        Assert.Equal(0, sgd.StepCount);
    }

    [Theory]
    [InlineData(2)] // TinyTagger has classes 0 and 1
    [InlineData(-1)]
    public void FailedCrossEntropyStep_ClassOutOfRange_LeavesTheModelUnchanged(int badClass)
    {
        var (model, trainer, sgd, input) = NewTagger();
        var before = model.Parameters.ToArray();
        var state = trainer.Workspace.RnnInitialState.ToArray();
        var targets = new[] { 0, 1, 1, 0, badClass, 1 };

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(input, targets, Batch, 2));
        Assert.Contains(badClass.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);

        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(state, trainer.Workspace.RnnInitialState.ToArray());
        Assert.Equal(0, sgd.StepCount);

        // Nothing is half-done: a good step afterwards equals a good step on a fresh trainer.
        targets[4] = 1;
        var (freshModel, freshTrainer, _, _) = NewTagger();
        Assert.Equal(freshTrainer.Step(input, targets, Batch, 2), trainer.Step(input, targets, Batch, 2));
        Assert.Equal(freshModel.Parameters.ToArray(), model.Parameters.ToArray());
    }

    [Fact]
    public void FailedSquaredErrorStep_WrongTargetCount_LeavesTheModelUnchanged()
    {
        var model = new ManyToOneRegressor();
        var sgd = new Sgd(0.5f);
        var trainer = new ManyToOneRegressor.Trainer(model, sgd, 4, 8) { CarryState = true };
        var random = new SeededRandom(71);
        var input = TestData.Uniform(ref random, 45);
        var before = model.Parameters.ToArray();

        Assert.Throws<ArgumentException>(() => trainer.Step(input, new float[5], Batch, 5));
        Assert.Throws<ArgumentException>(() => trainer.Step(input, new float[30], Batch, 5));

        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(new float[4 * 5], trainer.Workspace.EncoderInitialState.ToArray());
        Assert.Equal(0, sgd.StepCount);
    }

    private static (TinyTagger Model, TinyTagger.Trainer Trainer, Sgd Sgd, float[] Input) NewTagger()
    {
        var model = new TinyTagger();
        model.Initialize(70);
        var sgd = new Sgd(0.5f);
        var trainer = new TinyTagger.Trainer(model, sgd, 4, 4) { CarryState = true };
        var random = new SeededRandom(70);
        return (model, trainer, sgd, TestData.Uniform(ref random, 18));
    }

    private static void AssertLength(int expected, string parameter, Action call)
    {
        var e = Assert.Throws<ArgumentException>(call);
        Assert.Equal(parameter, e.ParamName);
        Assert.Matches(new Regex($@"\b{expected}\b"), e.Message);
    }
}
