using System;
using RnnGen.Tests.Models;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// After one warm-up call, Forward, Backward and a whole training step allocate nothing on the managed heap:
/// every buffer lives in the workspace, planned once.
/// </summary>
public sealed class AllocationTests
{
    private const int Iterations = 20;
    private readonly ITestOutputHelper _output;

    public AllocationTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Forward_AllocatesNothing()
    {
        var random = new SeededRandom(61);
        var tagger = new DeepTagger();
        var taggerWorkspace = new DeepTagger.Workspace(maxBatch: 4, maxSteps: 8, training: true);
        var taggerInference = new DeepTagger.Workspace(maxBatch: 4, maxSteps: 8, training: false);
        var taggerInput = TestData.Uniform(ref random, 8 * 4 * DeepTagger.InputSize);
        var taggerOutput = new float[8 * 4 * DeepTagger.OutputSize];
        var classifier = new SequenceClassifier();
        var classifierWorkspace = new SequenceClassifier.Workspace(maxBatch: 1, maxSteps: 5);
        var classifierInput = TestData.Uniform(ref random, 5 * SequenceClassifier.InputSize);
        var classifierOutput = new float[SequenceClassifier.OutputSize];

        AssertNoAllocation("DeepTagger.Forward (training workspace)", () => tagger.Forward(taggerWorkspace, taggerInput, 4, 8, taggerOutput));
        AssertNoAllocation("DeepTagger.Forward (inference workspace)", () => tagger.Forward(taggerInference, taggerInput, 4, 8, taggerOutput));
        AssertNoAllocation("SequenceClassifier.Forward (batch 1)", () => classifier.Forward(classifierWorkspace, classifierInput, 1, 5, classifierOutput));
    }

    [Fact]
    public void Backward_AllocatesNothing()
    {
        var random = new SeededRandom(62);
        var model = new DeepTagger();
        var workspace = new DeepTagger.Workspace(maxBatch: 4, maxSteps: 8);
        var input = TestData.Uniform(ref random, 8 * 4 * DeepTagger.InputSize);
        var output = new float[8 * 4 * DeepTagger.OutputSize];
        var dOutput = TestData.Uniform(ref random, output.Length);
        var dInput = new float[input.Length];
        model.Forward(workspace, input, 4, 8, output);

        AssertNoAllocation("DeepTagger.Backward", () =>
        {
            workspace.ZeroGradients();
            model.Backward(workspace, dOutput, dInput);
        });
    }

    [Fact]
    public void TrainerStep_AllocatesNothing()
    {
        var random = new SeededRandom(63);
        var tagger = new DeepTagger();
        var taggerTrainer = new DeepTagger.Trainer(tagger, new Sgd(learningRate: 0.1f, clipNorm: 1f), maxBatch: 4, maxSteps: 8) { CarryState = true };
        var taggerInput = TestData.Uniform(ref random, 8 * 4 * DeepTagger.InputSize);
        var taggerTargets = TestData.Classes(ref random, 8 * 4, DeepTagger.OutputSize);
        var regressor = new TanhHeadTagger();
        var regressorTrainer = new TanhHeadTagger.Trainer(regressor, new Sgd(learningRate: 0.1f), maxBatch: 4, maxSteps: 8);
        var regressorInput = TestData.Uniform(ref random, 8 * 4 * TanhHeadTagger.InputSize);
        var regressorTargets = TestData.Uniform(ref random, 8 * 4 * TanhHeadTagger.OutputSize);

        AssertNoAllocation("DeepTagger.Trainer.Step (cross-entropy, clipping, carried state)", () => taggerTrainer.Step(taggerInput, taggerTargets, 4, 8));
        AssertNoAllocation("DeepTagger.Trainer.Evaluate", () => taggerTrainer.Evaluate(taggerInput, taggerTargets, 4, 8));
        AssertNoAllocation("TanhHeadTagger.Trainer.Step (squared error)", () => regressorTrainer.Step(regressorInput, regressorTargets, 4, 8));
    }

    [Fact]
    public void Measurement_SeesASmallAllocation()
    {
        // The probe must be able to fail: twenty arrays of four floats are counted.
        float[]? last = null;
        long allocated = Measure(() => last = new float[4]);
        Assert.NotNull(last);
        Assert.True(allocated >= Iterations * 4 * sizeof(float), $"measured {allocated} bytes");
    }

    private static long Measure(Action action)
    {
        action(); // warm-up: JIT, lazily created layer views
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private void AssertNoAllocation(string what, Action action)
    {
        long allocated = Measure(action);
        _output.WriteLine($"{what}: {allocated} bytes over {Iterations} calls after warm-up.");
        Assert.True(allocated == 0, $"{what} allocated {allocated} bytes over {Iterations} calls after warm-up.");
    }
}
