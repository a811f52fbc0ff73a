using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Models;
using RnnGen.Tests.Numerics;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Streaming;

/// <summary>
/// The streaming <c>Step</c> of every test model against its own <c>Forward</c> with batch 1: the same outputs step by step,
/// the same states, across calls, after a reset, and with several streams on one model.
/// </summary>
public sealed class StepTests
{
    /// <summary>
    /// Step and Forward do the same arithmetic with the products summed in another order (matrix–vector against
    /// matrix–matrix kernels), so they agree to a few float roundings per step, not bit for bit; a missing or wrong
    /// term shows up as an error of order 0.01 or more.
    /// </summary>
    private const double Agreement = 1e-5;

    private const int Steps = 7;

    private readonly ITestOutputHelper _output;

    public StepTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Models() => SteppedModels.All();

    [Theory]
    [MemberData(nameof(Models))]
    public void Stepping_through_a_sequence_gives_what_Forward_gives(string name)
    {
        var model = SteppedModels.Create(name);
        model.Initialize(seed: 11);
        var input = Input(model, Steps, seed: 12);
        var stream = model.NewStream();
        var stepped = StepThrough(model, stream, input, Steps);

        double worst;
        if (model.OutputIsSequence)
        {
            worst = Tolerance.AssertClose(model.Forward(input, Steps).Output, stepped.SelectMany(o => o).ToArray(), Agreement, $"{name}: outputs of every step");
        }
        else
        {
            // Many-to-one: after step t, Step gives what Forward returns for the sequence cut after step t.
            worst = 0;
            for (int t = 1; t <= Steps; t++)
            {
                var prefix = model.Forward(input.AsSpan(0, t * model.InputSize), t).Output;
                worst = Math.Max(worst, Tolerance.AssertClose(prefix, stepped[t - 1], Agreement, $"{name}: output after step {t}"));
            }
        }

        var whole = model.Forward(input, Steps);
        foreach (var member in model.StateMembers)
        {
            worst = Math.Max(worst, Tolerance.AssertClose(whole.FinalStates[member], stream.Member(member), Agreement, $"{name}: {member} after {Steps} steps"));
        }

        Assert.NotEmpty(model.StateMembers);
        _output.WriteLine($"{name}: largest |Step − Forward| = {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void The_state_carries_a_stream_across_calls_and_converts_to_and_from_the_workspace(string name)
    {
        var model = SteppedModels.Create(name);
        model.Initialize(seed: 21);
        const int Half = 4;
        var input = Input(model, 2 * Half, seed: 22);
        var first = input.AsSpan(0, Half * model.InputSize).ToArray();
        var second = input.AsSpan(Half * model.InputSize).ToArray();
        var whole = model.Forward(input, 2 * Half);

        // Forward over the first half, its final states put into a new State, then Step over the second half:
        // the second half of the whole sequence's outputs, and its final states.
        var firstHalf = model.Forward(first, Half);
        var stream = model.NewStream();
        foreach (var member in model.StateMembers)
        {
            firstHalf.FinalStates[member].CopyTo(stream.Member(member));
        }

        var stepped = StepThrough(model, stream, second, Half);
        var expected = model.OutputIsSequence ? whole.Output.AsSpan(Half * model.OutputSize).ToArray() : whole.Output;
        var actual = model.OutputIsSequence ? stepped.SelectMany(o => o).ToArray() : stepped[^1];
        Tolerance.AssertClose(expected, actual, Agreement, $"{name}: second half stepped from the first half's Forward states");
        foreach (var member in model.StateMembers)
        {
            Tolerance.AssertClose(whole.FinalStates[member], stream.Member(member), Agreement, $"{name}: {member} at the end");
        }

        // And back: Step over the first half, then Forward over the second half from the stepped states.
        var back = model.NewStream();
        StepThrough(model, back, first, Half);
        var initial = model.StateMembers.ToDictionary(m => m, m => back.Member(m).ToArray(), StringComparer.Ordinal);
        var secondHalf = model.Forward(second, Half, initial);
        Tolerance.AssertClose(expected, secondHalf.Output, Agreement, $"{name}: second half forwarded from the stepped states");
    }

    [Theory]
    [InlineData(nameof(StreamingLstm))]
    [InlineData(nameof(WideGruScorer))]
    [InlineData(nameof(DeepTagger))]
    [InlineData(nameof(PeepholeLstmRegressor))]
    public void Stepping_in_several_calls_equals_stepping_in_one_bit_for_bit(string name)
    {
        var model = SteppedModels.Create(name);
        model.Initialize(seed: 31);
        var input = Input(model, 6, seed: 32);
        var once = StepThrough(model, model.NewStream(), input, 6).SelectMany(o => o).ToArray();

        // The same stream continued from a fresh call site: only the state object connects the calls.
        var stream = model.NewStream();
        var parts = StepThrough(model, stream, input.AsSpan(0, 2 * model.InputSize).ToArray(), 2)
            .Concat(StepThrough(model, stream, input.AsSpan(2 * model.InputSize).ToArray(), 4))
            .SelectMany(o => o)
            .ToArray();

        Assert.Equal(once.Select(BitConverter.SingleToInt32Bits), parts.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(nameof(StreamingLstm))]
    [InlineData(nameof(ChoGruRegressor))]
    [InlineData(nameof(TorchRnnStacked))]
    public void Reset_starts_the_stream_again(string name)
    {
        var model = SteppedModels.Create(name);
        model.Initialize(seed: 41);
        var other = Input(model, 5, seed: 42);
        var input = Input(model, 5, seed: 43);
        var fresh = StepThrough(model, model.NewStream(), input, 5).SelectMany(o => o).ToArray();

        var stream = model.NewStream();
        StepThrough(model, stream, other, 5);
        Assert.Contains(model.StateMembers, m => stream.Member(m).ToArray().Any(v => v != 0f));
        stream.Reset();

        Assert.All(model.StateMembers, m => Assert.All(stream.Member(m).ToArray(), v => Assert.Equal(0f, v)));
        var again = StepThrough(model, stream, input, 5).SelectMany(o => o).ToArray();
        Assert.Equal(fresh.Select(BitConverter.SingleToInt32Bits), again.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Streams_on_one_model_are_independent()
    {
        var model = SteppedModels.Create(nameof(StreamingLstm));
        model.Initialize(seed: 51);
        var a = Input(model, 6, seed: 52);
        var b = Input(model, 6, seed: 53);
        var aAlone = StepThrough(model, model.NewStream(), a, 6).SelectMany(o => o).ToArray();
        var bAlone = StepThrough(model, model.NewStream(), b, 6).SelectMany(o => o).ToArray();

        var streamA = model.NewStream();
        var streamB = model.NewStream();
        var aInterleaved = new List<float>();
        var bInterleaved = new List<float>();
        var output = new float[model.OutputSize];
        for (int t = 0; t < 6; t++)
        {
            streamA.Step(a.AsSpan(t * model.InputSize, model.InputSize), output);
            aInterleaved.AddRange(output);
            streamB.Step(b.AsSpan(t * model.InputSize, model.InputSize), output);
            bInterleaved.AddRange(output);
        }

        Assert.Equal(aAlone, aInterleaved);
        Assert.Equal(bAlone, bInterleaved);
        Assert.NotEqual(aAlone, bAlone);
    }

    [Fact]
    public void A_new_state_is_zero_and_the_public_spans_have_the_layer_sizes()
    {
        var state = new StreamingLstm.State();

        Assert.Equal(6, state.LowerHidden.Length);
        Assert.Equal(6, state.LowerCell.Length);
        Assert.Equal(5, state.UpperHidden.Length);
        Assert.Equal(5, state.UpperCell.Length);
        Assert.All(state.LowerHidden.ToArray().Concat(state.LowerCell.ToArray()).Concat(state.UpperHidden.ToArray()).Concat(state.UpperCell.ToArray()), v => Assert.Equal(0f, v));
        Assert.Equal(37, new WideGruScorer.State().EncoderHidden.Length);
    }

    [Fact]
    public void Step_outputs_class_probabilities_for_a_softmax_model()
    {
        var model = new StreamingLstm();
        model.Initialize(seed: 61);
        var state = new StreamingLstm.State();
        var random = new SeededRandom(62);
        var x = TestData.Uniform(ref random, StreamingLstm.InputSize, bound: 2f);
        var p = new float[StreamingLstm.OutputSize];

        model.Step(state, x, p);

        Assert.All(p, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(1.0, p.Sum(v => (double)v), precision: 6);
    }

    [Fact]
    public void Step_rejects_spans_of_the_wrong_length_naming_the_expected_one()
    {
        var model = new StreamingLstm();
        var state = new StreamingLstm.State();
        var input = new float[StreamingLstm.InputSize];
        var output = new float[StreamingLstm.OutputSize];

        var shortInput = Assert.Throws<ArgumentException>(() => model.Step(state, new float[3], output));
        var longInput = Assert.Throws<ArgumentException>(() => model.Step(state, new float[5], output));
        var shortOutput = Assert.Throws<ArgumentException>(() => model.Step(state, input, new float[2]));
        var sequenceOutput = Assert.Throws<ArgumentException>(() => model.Step(state, input, new float[6]));
        Assert.Throws<ArgumentNullException>(() => model.Step(null!, input, output));

        Assert.Equal("input", shortInput.ParamName);
        Assert.Contains("Expected 4 elements ([4]) but the span has 3", shortInput.Message, StringComparison.Ordinal);
        Assert.Contains("Expected 4 elements ([4]) but the span has 5", longInput.Message, StringComparison.Ordinal);
        Assert.Equal("output", shortOutput.ParamName);
        Assert.Contains("Expected 3 elements ([3]) but the span has 2", shortOutput.Message, StringComparison.Ordinal);
        Assert.Contains("Expected 3 elements ([3]) but the span has 6", sequenceOutput.Message, StringComparison.Ordinal);
        Assert.All(state.LowerHidden.ToArray(), v => Assert.Equal(0f, v));
    }

    /// <summary>Inputs <c>[T, 1, I]</c> in [−2, 2), wide enough to reach the nonlinear parts of every activation.</summary>
    internal static float[] Input(ISteppedModel model, int steps, ulong seed)
    {
        var random = new SeededRandom(seed);
        return TestData.Uniform(ref random, steps * model.InputSize, bound: 2f);
    }

    /// <summary>Steps <paramref name="stream"/> through <paramref name="input"/> and returns each step's output.</summary>
    internal static List<float[]> StepThrough(ISteppedModel model, IModelStream stream, ReadOnlySpan<float> input, int steps)
    {
        var outputs = new List<float[]>();
        for (int t = 0; t < steps; t++)
        {
            var output = new float[model.OutputSize];
            stream.Step(input.Slice(t * model.InputSize, model.InputSize), output);
            outputs.Add(output);
        }

        return outputs;
    }
}
