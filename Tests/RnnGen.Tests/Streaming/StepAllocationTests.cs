using System;
using RnnGen.Tests.Models;
using RnnGen.Tests.Numerics;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Streaming;

/// <summary>After one warm-up step, Step allocates nothing: every buffer of a step lives in the stream's State.</summary>
public sealed class StepAllocationTests
{
    private const int Iterations = 100;
    private readonly ITestOutputHelper _output;

    public StepAllocationTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Step_AllocatesNothing()
    {
        var random = new SeededRandom(71);

        var lstm = new StreamingLstm();
        var lstmState = new StreamingLstm.State();
        var lstmInput = TestData.Uniform(ref random, StreamingLstm.InputSize);
        var lstmOutput = new float[StreamingLstm.OutputSize];
        AssertNoAllocation("StreamingLstm.Step (peephole and coupled LSTMs, softmax)", () => lstm.Step(lstmState, lstmInput, lstmOutput));

        var gru = new WideGruScorer();
        var gruState = new WideGruScorer.State();
        var gruInput = TestData.Uniform(ref random, WideGruScorer.InputSize);
        var gruOutput = new float[WideGruScorer.OutputSize];
        AssertNoAllocation("WideGruScorer.Step (GRU reset after, many-to-one, sigmoid)", () => gru.Step(gruState, gruInput, gruOutput));

        var stack = new GatedStack();
        var stackState = new GatedStack.State();
        var stackInput = TestData.Uniform(ref random, GatedStack.InputSize);
        var stackOutput = new float[GatedStack.OutputSize];
        AssertNoAllocation("GatedStack.Step (LSTM, GRU reset before)", () => stack.Step(stackState, stackInput, stackOutput));

        var elman = new DeepTagger();
        var elmanState = new DeepTagger.State();
        var elmanInput = TestData.Uniform(ref random, DeepTagger.InputSize);
        var elmanOutput = new float[DeepTagger.OutputSize];
        AssertNoAllocation("DeepTagger.Step (Elman tanh and relu, dense layers)", () => elman.Step(elmanState, elmanInput, elmanOutput));
    }

    [Fact]
    public void Measurement_SeesOneSmallArrayPerStep()
    {
        // The probe must be able to fail: one array of four floats per call is counted.
        float[]? last = null;
        long allocated = Measure(() => last = new float[4]);
        Assert.NotNull(last);
        Assert.True(allocated >= Iterations * 4 * sizeof(float), $"measured {allocated} bytes");
    }

    private static long Measure(Action step)
    {
        step(); // warm-up: JIT, lazily created layer views
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Iterations; i++)
        {
            step();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private void AssertNoAllocation(string what, Action step)
    {
        long allocated = Measure(step);
        _output.WriteLine($"{what}: {allocated} bytes over {Iterations} steps after warm-up ({(double)allocated / Iterations} per step).");
        Assert.True(allocated == 0, $"{what} allocated {allocated} bytes over {Iterations} steps after warm-up.");
    }
}
