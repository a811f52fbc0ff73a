using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Gated;
using RnnGen.Tests.Models;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Structure;

/// <summary>
/// Bidirectional layers and variable-length batches in models compiled by the real generator: the generated forward and
/// backward against the reference implementations and against finite differences, the semantics of lengths (each
/// sequence as if run alone, padding never read, the full length the same as no lengths), the trainer's loss over valid
/// steps, the state layout of both directions, allocations and argument checks.
/// </summary>
public sealed class BidirectionalAndVariableLengthTests
{
    private const int Batch = 3, Steps = 5;

    /// <summary>A full-length sequence, a one-step sequence and one in between.</summary>
    private static readonly int[] Lengths = { 5, 1, 3 };

    private readonly ITestOutputHelper _output;

    public BidirectionalAndVariableLengthTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> BidirectionalModels() => new(StructureModelCatalog.Bidirectional);

    public static TheoryData<string> VariableLengthModels() => new(StructureModelCatalog.VariableLength);

    [Theory]
    [MemberData(nameof(BidirectionalModels))]
    public void Bidirectional_generated_code_matches_the_reference(string name)
    {
        var (forward, gradient) = CompareWithReference(name, lengths: null, seed: 11);
        _output.WriteLine($"{name}: forward max |error| {forward:E2}, gradients max relative error {gradient:E2} (generated vs reference, full length)");
    }

    [Theory]
    [MemberData(nameof(VariableLengthModels))]
    public void Variable_length_generated_code_matches_the_reference(string name)
    {
        var (forward, gradient) = CompareWithReference(name, Lengths, seed: 12);
        _output.WriteLine($"{name}: forward max |error| {forward:E2}, gradients max relative error {gradient:E2} (generated vs reference, lengths {string.Join(", ", Lengths)})");
    }

    /// <summary>
    /// Central differences of <c>L = Σ y ⊙ R + Σ final states ⊙ their R</c> through the generated variable-length forward
    /// pass, at parameters of every tensor (both directions), inputs and initial states of both directions. Inputs at
    /// padded steps must come out with a zero gradient, and do. Tolerances as in the gated tests: float32 forward, 2ε
    /// quotient.
    /// </summary>
    [Theory]
    [InlineData(nameof(BiLstmTagger))]
    [InlineData(nameof(BiGruClassifier))]
    [InlineData(nameof(DeepBiStack))]
    [InlineData(nameof(MixedDirections))]
    public void Bidirectional_variable_length_backward_matches_finite_differences(string name)
    {
        const float Epsilon = 1e-2f;
        var model = StructureModelCatalog.Create(name);
        var random = new SeededRandom(5);
        model.Initialize(seed: 9);
        var (input, given, outputGradient) = RandomPass(model, ref random);
        var analytic = Engines.Run(Engines.Generated, model, input, Batch, Steps, given, outputGradient, Lengths);

        double Loss()
        {
            var run = ForwardOnly(model, input, given, Lengths);
            double loss = Dot(run.Output, outputGradient);
            foreach (var (state, value) in run.States)
            {
                loss += Dot(value, given[state + "Gradient"]);
            }

            return loss;
        }

        double worst = 0;
        int checkedCount = 0;
        void Check(Span<float> values, int index, float expected, string what)
        {
            float saved = values[index];
            values[index] = saved + Epsilon;
            double plus = Loss();
            values[index] = saved - Epsilon;
            double minus = Loss();
            values[index] = saved;
            double numeric = (plus - minus) / (2 * Epsilon);
            double error = Math.Abs(numeric - expected);
            Assert.True(error <= 1e-3 + (1e-2 * Math.Abs(expected)), $"{what}: backward gives {expected:R}, finite differences {numeric:R}.");
            worst = Math.Max(worst, error);
            checkedCount++;
        }

        foreach (var tensor in model.ParameterTensors)
        {
            foreach (int k in Sample(tensor.Length, 5, ref random))
            {
                Check(model.Parameters, tensor.Offset + k, analytic.Gradients[tensor.Offset + k], $"d{tensor.Name}[{k}]");
            }
        }

        foreach (int k in Sample(input.Length, 10, ref random))
        {
            Check(input, k, analytic.InputGradient[k], $"dx[{k}]");
        }

        foreach (var state in Engines.StateNames(model).Given.Where(s => !s.EndsWith("Gradient", StringComparison.Ordinal)))
        {
            foreach (int k in Sample(given[state].Length, 6, ref random))
            {
                Check(given[state], k, analytic.States[state + "Gradient"][k], $"d{state}[{k}]");
            }
        }

        // Inputs past a sequence's end reach nothing.
        Assert.All(PaddedRows(Lengths, model.InputSize), i => Assert.Equal(0f, analytic.InputGradient[i]));
        _output.WriteLine($"{name}: {checkedCount} finite differences, max |error| {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(VariableLengthModels))]
    public void Each_sequence_of_a_variable_length_batch_computes_what_it_computes_alone(string name)
    {
        // Sequence b, run by itself for exactly lengths[b] steps (batch 1, no lengths), gives the batch's valid outputs
        // and final states: the forward direction stops at its end, the reverse direction starts there.
        var model = StructureModelCatalog.Create(name);
        var random = new SeededRandom(14);
        model.Initialize(seed: 4);
        var input = Uniform(Steps * Batch * model.InputSize, 1f, ref random);
        var initial = Engines.StateNames(model).Given.Where(s => !s.EndsWith("Gradient", StringComparison.Ordinal))
            .ToDictionary(s => s, s => Uniform(Engines.StateLength(model, s, Batch), 0.5f, ref random));

        model.CreateWorkspace(Batch, Steps, training: false);
        SetStates(model, initial);
        var batched = new float[OutputLength(model)];
        model.Forward(input, Lengths, Batch, Steps, batched);
        var finals = FinalStates(model, initial.Keys, Batch);

        double worst = 0;
        for (int b = 0; b < Batch; b++)
        {
            int length = Lengths[b];
            var alone = new float[length * model.InputSize];
            for (int t = 0; t < length; t++)
            {
                input.AsSpan(((t * Batch) + b) * model.InputSize, model.InputSize).CopyTo(alone.AsSpan(t * model.InputSize));
            }

            model.CreateWorkspace(1, length, training: false);
            foreach (var (state, value) in initial)
            {
                ColumnOf(value, b, Batch, DirectionsOf(model, state)).CopyTo(model.WorkspaceSpan(state));
            }

            var output = new float[(model.OutputIsSequence ? length : 1) * model.OutputSize];
            model.Forward(alone, 1, length, output);
            int o = model.OutputSize;
            for (int r = 0; r < (model.OutputIsSequence ? length : 1); r++)
            {
                int at = model.OutputIsSequence ? ((r * Batch) + b) * o : b * o;
                worst = Math.Max(worst, Tolerance.AssertClose(output.AsSpan(r * o, o), batched.AsSpan(at, o), 1e-6, $"{name} sequence {b} row {r}"));
            }

            foreach (var (state, value) in finals)
            {
                var expected = model.WorkspaceSpan(state).Slice(0, value.Length / Batch).ToArray();
                worst = Math.Max(worst, Tolerance.AssertClose(expected, ColumnOf(value, b, Batch, DirectionsOf(model, state)), 1e-6, $"{name} sequence {b} {state}"));
            }
        }

        if (model.OutputIsSequence)
        {
            Assert.All(PaddedRows(Lengths, model.OutputSize), i => Assert.Equal(0f, batched[i]));
        }

        _output.WriteLine($"{name}: each sequence alone vs in the batch, max |difference| {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(VariableLengthModels))]
    public void Values_at_padded_steps_are_never_read(string name)
    {
        var model = StructureModelCatalog.Create(name);
        var random = new SeededRandom(16);
        model.Initialize(seed: 6);
        var (input, given, outputGradient) = RandomPass(model, ref random);
        var first = Engines.Run(Engines.Generated, model, input, Batch, Steps, given, outputGradient, Lengths);

        // Other inputs and other output gradients past every sequence's end.
        foreach (int i in PaddedRows(Lengths, model.InputSize))
        {
            input[i] = 100f * (random.NextFloat() - 0.5f);
        }

        if (model.OutputIsSequence)
        {
            foreach (int i in PaddedRows(Lengths, model.OutputSize))
            {
                outputGradient[i] = 100f * (random.NextFloat() - 0.5f);
            }
        }

        var second = Engines.Run(Engines.Generated, model, input, Batch, Steps, given, outputGradient, Lengths);
        Assert.Equal(first.Output, second.Output);
        Assert.Equal(first.Gradients, second.Gradients);
        Assert.Equal(first.InputGradient, second.InputGradient);
        foreach (var (state, value) in first.States)
        {
            Assert.Equal(value, second.States[state]);
        }
    }

    [Theory]
    [MemberData(nameof(VariableLengthModels))]
    public void Every_sequence_at_full_length_is_the_same_as_no_lengths(string name)
    {
        var model = StructureModelCatalog.Create(name);
        var random = new SeededRandom(17);
        model.Initialize(seed: 7);
        var (input, given, outputGradient) = RandomPass(model, ref random);

        var without = Engines.Run(Engines.Generated, model, input, Batch, Steps, given, outputGradient);
        var full = Engines.Run(Engines.Generated, model, input, Batch, Steps, given, outputGradient, Enumerable.Repeat(Steps, Batch).ToArray());

        Assert.Equal(without.Output, full.Output);
        Assert.Equal(without.Gradients, full.Gradients);
        Assert.Equal(without.InputGradient, full.InputGradient);
        foreach (var (state, value) in without.States)
        {
            Assert.Equal(value, full.States[state]);
        }
    }

    [Fact]
    public void The_trainer_averages_the_loss_over_valid_steps_and_never_reads_padded_targets()
    {
        var model = new BiLstmTagger();
        model.Initialize(seed: 2);
        var random = new SeededRandom(18);
        var input = Uniform(Steps * Batch * BiLstmTagger.InputSize, 1f, ref random);
        var targets = new int[Steps * Batch];
        for (int t = 0; t < Steps; t++)
        {
            for (int b = 0; b < Batch; b++)
            {
                // −1 past a sequence's end, as an ignore index: an error if it were read.
                targets[(t * Batch) + b] = t < Lengths[b] ? random.NextInt(BiLstmTagger.OutputSize) : -1;
            }
        }

        // The loss by hand: mean −log p over the valid steps of the variable-length forward pass.
        var workspace = new BiLstmTagger.Workspace(Batch, Steps, training: false);
        var probabilities = new float[Steps * Batch * BiLstmTagger.OutputSize];
        model.Forward(workspace, input, Lengths, Batch, Steps, probabilities);
        double expected = 0;
        int valid = 0;
        for (int t = 0; t < Steps; t++)
        {
            for (int b = 0; b < Batch; b++)
            {
                if (t < Lengths[b])
                {
                    expected -= Math.Log(probabilities[(((t * Batch) + b) * BiLstmTagger.OutputSize) + targets[(t * Batch) + b]]);
                    valid++;
                }
            }
        }

        var trainer = new BiLstmTagger.Trainer(model, new Sgd(learningRate: 0.5f, clipNorm: 5f), Batch, Steps);
        float evaluated = trainer.Evaluate(input, targets, Lengths, Batch, Steps);
        Assert.Equal(expected / valid, evaluated, 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Evaluate(input, targets, Batch, Steps));

        float first = trainer.Step(input, targets, Lengths, Batch, Steps);
        Assert.Equal(evaluated, first, 6);
        float last = first;
        for (int i = 0; i < 100; i++)
        {
            last = trainer.Step(input, targets, Lengths, Batch, Steps);
        }

        _output.WriteLine($"BiLstmTagger with lengths {string.Join(", ", Lengths)}: loss {first:F4} → {last:F4} in 100 steps");
        Assert.True(last < 0.5f * first, $"loss went from {first} to {last}");
    }

    [Fact]
    public void The_squared_error_of_a_sequence_output_counts_valid_steps_only()
    {
        var model = new DeepBiStack();
        model.Initialize(seed: 3);
        var random = new SeededRandom(19);
        var input = Uniform(Steps * Batch * DeepBiStack.InputSize, 1f, ref random);
        var targets = Uniform(Steps * Batch * DeepBiStack.OutputSize, 1f, ref random);
        foreach (int i in PaddedRows(Lengths, DeepBiStack.OutputSize))
        {
            targets[i] = float.NaN; // never read
        }

        var workspace = new DeepBiStack.Workspace(Batch, Steps, training: false);
        var output = new float[targets.Length];
        model.Forward(workspace, input, Lengths, Batch, Steps, output);
        double sum = 0;
        int count = 0;
        for (int i = 0; i < output.Length; i++)
        {
            if (!float.IsNaN(targets[i]))
            {
                sum += (output[i] - targets[i]) * (double)(output[i] - targets[i]);
                count++;
            }
        }

        var trainer = new DeepBiStack.Trainer(model, new Sgd(0.1f), Batch, Steps);
        float loss = trainer.Step(input, targets, Lengths, Batch, Steps);
        Assert.Equal(sum / count, loss, 5);
        Assert.True(model.Parameters.ToArray().All(float.IsFinite));
    }

    [Fact]
    public void A_bidirectional_layer_keeps_both_directions_states_at_the_documented_places()
    {
        // [2, MaxBatch, H]: with a workspace for 4 sequences running 2, the reverse direction's block starts at MaxBatch·H.
        const int MaxBatch = 4, Run = 2, H = 4;
        var model = new BiGruClassifier();
        model.Initialize(seed: 8);
        var random = new SeededRandom(20);
        var input = Uniform(Steps * Run * BiGruClassifier.InputSize, 1f, ref random);
        var forwardH0 = Uniform(Run * H, 0.5f, ref random);
        var reverseH0 = Uniform(Run * H, 0.5f, ref random);

        var workspace = new BiGruClassifier.Workspace(MaxBatch, Steps, training: false);
        Assert.Equal(2 * MaxBatch * H, workspace.EncoderInitialState.Length);
        Assert.Equal(2 * MaxBatch * H, workspace.EncoderFinalState.Length);
        forwardH0.CopyTo(workspace.EncoderInitialState);
        reverseH0.CopyTo(workspace.EncoderInitialState.Slice(MaxBatch * H));
        var output = new float[Run * BiGruClassifier.OutputSize];
        model.Forward(workspace, input, Run, Steps, output);

        var adapter = (GeneratedModel<BiGruClassifier, BiGruClassifier.Workspace>)StructureModelCatalog.Create(nameof(BiGruClassifier));
        model.Parameters.CopyTo(adapter.Parameters);
        var given = new Dictionary<string, float[]> { ["EncoderInitialState"] = forwardH0.Concat(reverseH0).ToArray() };
        var reference = Engines.Run(Engines.Reference, adapter, input, Run, Steps, given, new float[output.Length]);
        Tolerance.AssertClose(reference.Output, output, 1e-5, "output");
        var final = reference.States["EncoderFinalState"];
        Tolerance.AssertClose(final.AsSpan(0, Run * H), workspace.EncoderFinalState.Slice(0, Run * H), 1e-5, "h→_T");
        Tolerance.AssertClose(final.AsSpan(Run * H, Run * H), workspace.EncoderFinalState.Slice(MaxBatch * H, Run * H), 1e-5, "h←_1");
    }

    [Fact]
    public void Reverse_tensors_follow_the_forward_ones_and_the_views_expose_them()
    {
        var model = new TorchLstmL2Bi();
        Assert.Equal(
            new[]
            {
                "Lower.weight_ih", "Lower.weight_hh", "Lower.bias_ih", "Lower.bias_hh",
                "Lower.weight_ih_reverse", "Lower.weight_hh_reverse", "Lower.bias_ih_reverse", "Lower.bias_hh_reverse",
                "Upper.weight_ih", "Upper.weight_hh", "Upper.bias_ih", "Upper.bias_hh",
                "Upper.weight_ih_reverse", "Upper.weight_hh_reverse", "Upper.bias_ih_reverse", "Upper.bias_hh_reverse",
            },
            TorchLstmL2Bi.ParameterTensors.Select(t => t.Name));
        Assert.Equal(new[] { 28, 14 }, TorchLstmL2Bi.ParameterTensors.Single(t => t.Name == "Upper.weight_ih").Shape);
        Assert.Equal(14, TorchLstmL2Bi.OutputSize);

        var upper = model.Upper;
        Assert.True(upper.Bidirectional);
        Assert.Equal(2, upper.Directions);
        Assert.Equal(2 * LstmLayer.ParameterCountOf(14, 7, false, false), upper.ParameterCount);
        AssertAliases(model.Parameters, TorchLstmL2Bi.ParameterTensors, "Upper.weight_ih", upper.InputWeights);
        AssertAliases(model.Parameters, TorchLstmL2Bi.ParameterTensors, "Upper.weight_ih_reverse", upper.ReverseInputWeights);
        AssertAliases(model.Parameters, TorchLstmL2Bi.ParameterTensors, "Upper.weight_hh_reverse", upper.ReverseRecurrentWeights);
        AssertAliases(model.Parameters, TorchLstmL2Bi.ParameterTensors, "Upper.bias_ih_reverse", upper.ReverseInputBias);
        AssertAliases(model.Parameters, TorchLstmL2Bi.ParameterTensors, "Upper.bias_hh_reverse", upper.ReverseRecurrentBias);
        Assert.True(upper.ReversePeepholeWeights.IsEmpty);

        var stack = new DeepBiStack();
        AssertAliases(stack.Parameters, DeepBiStack.ParameterTensors, "First.peephole_reverse", stack.First.ReversePeepholeWeights);
        AssertAliases(stack.Parameters, DeepBiStack.ParameterTensors, "Second.weight_hh_reverse", stack.Second.ReverseRecurrentWeights);
        Assert.Equal(2 * GruLayer.ParameterCountOf(8, 3), stack.Second.ParameterCount);
        var elman = new BiElmanRegressor();
        AssertAliases(elman.Parameters, BiElmanRegressor.ParameterTensors, "Encoder.bias_hh_reverse", elman.Encoder.ReverseRecurrentBias);
        AssertAliases(elman.Parameters, BiElmanRegressor.ParameterTensors, "Encoder.weight_ih_reverse", elman.Encoder.ReverseInputWeights);
        Assert.True(new TorchLstmL2Uni().Lower.ReverseInputWeights.IsEmpty);
        Assert.Equal(1, new TorchLstmL2Uni().Lower.Directions);

        static void AssertAliases(Span<float> arena, IReadOnlyList<TensorInfo> tensors, string tensor, Span<float> view)
        {
            var info = tensors.Single(t => t.Name == tensor);
            Assert.Equal(info.Length, view.Length);
            view[0] = 42.5f;
            view[^1] = -3.25f;
            Assert.Equal(42.5f, info.Slice(arena)[0]);
            Assert.Equal(-3.25f, info.Slice(arena)[^1]);
        }
    }

    [Theory]
    [InlineData(nameof(BiLstmTagger))]
    [InlineData(nameof(BiGruClassifier))]
    [InlineData(nameof(DeepBiStack))]
    [InlineData(nameof(BiElmanRegressor))]
    [InlineData(nameof(GatedStack))]
    public void Forward_and_training_steps_with_lengths_allocate_nothing_after_warm_up(string name)
    {
        var model = StructureModelCatalog.Create(name);
        var random = new SeededRandom(1);
        var input = Uniform(Steps * Batch * model.InputSize, 1f, ref random);
        var output = new float[OutputLength(model)];
        model.CreateWorkspace(Batch, Steps, training: false);
        model.CreateTrainer(new Sgd(learningRate: 0.1f, clipNorm: 5f), Batch, Steps);
        var classes = Enumerable.Range(0, OutputRows(model)).Select(r => r % model.OutputSize).ToArray();
        var targets = Uniform(OutputLength(model), 1f, ref random);
        float Train() => model.ClassifiesOutput ? model.TrainStep(input, classes, Lengths, Batch, Steps) : model.TrainStep(input, targets, Lengths, Batch, Steps);

        for (int i = 0; i < 3; i++)
        {
            model.Forward(input, Lengths, Batch, Steps, output);
            Train();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            model.Forward(input, Lengths, Batch, Steps, output);
        }

        long forwardBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        float loss = 0;
        for (int i = 0; i < 20; i++)
        {
            loss = Train();
        }

        long stepBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"{name}: {forwardBytes} bytes over 20 Forward calls with lengths, {stepBytes} bytes over 20 Trainer.Step calls with lengths (last loss {loss:F4})");
        Assert.Equal(0, forwardBytes);
        Assert.Equal(0, stepBytes);
        Assert.True(float.IsFinite(loss));
    }

    [Theory]
    [InlineData(new[] { 5, 1 }, "Expected 3 sequence lengths")]
    [InlineData(new[] { 5, 0, 3 }, "Sequence 1 has length 0")]
    [InlineData(new[] { 5, 2, 6 }, "Sequence 2 has length 6")]
    [InlineData(new[] { -1, 2, 3 }, "Sequence 0 has length -1")]
    public void Wrong_lengths_are_rejected_naming_the_sequence(int[] lengths, string message)
    {
        var model = StructureModelCatalog.Create(nameof(BiLstmTagger));
        model.CreateWorkspace(Batch, Steps);
        model.CreateTrainer(new Sgd(0.1f), Batch, Steps);
        var input = new float[Steps * Batch * model.InputSize];
        var output = new float[OutputLength(model)];

        var e = Assert.Throws<ArgumentException>(() => model.Forward(input, lengths, Batch, Steps, output));
        Assert.Equal("lengths", e.ParamName);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => model.TrainStep(input, new int[Steps * Batch], lengths, Batch, Steps));
        Assert.Equal("lengths", e.ParamName);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forward_pass_without_lengths_forgets_the_lengths_of_the_one_before()
    {
        var model = StructureModelCatalog.Create(nameof(BiLstmTagger));
        var random = new SeededRandom(21);
        var input = Uniform(Steps * Batch * model.InputSize, 1f, ref random);
        model.CreateWorkspace(Batch, Steps);
        var plain = new float[OutputLength(model)];
        model.Forward(input, Batch, Steps, plain);
        var masked = new float[plain.Length];
        model.Forward(input, Lengths, Batch, Steps, masked);
        var again = new float[plain.Length];
        model.Forward(input, Batch, Steps, again);

        Assert.NotEqual(plain, masked);
        Assert.Equal(plain, again);
    }

    /// <summary>Runs generated and reference engines on one random pass and compares everything; returns the worst errors.</summary>
    private static (double Forward, double Gradient) CompareWithReference(string name, int[]? lengths, int seed)
    {
        var model = StructureModelCatalog.Create(name);
        var random = new SeededRandom((ulong)seed);
        model.Initialize(seed: 3);
        var (input, given, outputGradient) = RandomPass(model, ref random);

        var generated = Engines.Run(Engines.Generated, model, input, Batch, Steps, given, outputGradient, lengths);
        var reference = Engines.Run(Engines.Reference, model, input, Batch, Steps, given, outputGradient, lengths);

        double forward = Tolerance.AssertClose(reference.Output, generated.Output, 1e-5, "output");
        double gradient = Tolerance.AssertGradientClose(reference.InputGradient, generated.InputGradient, "dL/dx");
        foreach (var (state, expected) in reference.States)
        {
            if (state.EndsWith("Gradient", StringComparison.Ordinal))
            {
                gradient = Math.Max(gradient, Tolerance.AssertGradientClose(expected, generated.States[state], state));
            }
            else
            {
                forward = Math.Max(forward, Tolerance.AssertClose(expected, generated.States[state], 1e-5, state));
            }
        }

        foreach (var tensor in model.ParameterTensors)
        {
            gradient = Math.Max(gradient, Tolerance.AssertGradientClose(tensor.Slice(reference.Gradients), tensor.Slice(generated.Gradients), "d" + tensor.Name));
        }

        Assert.Equal(Engines.StateNames(model).Results.Count, reference.States.Count);
        return (forward, gradient);
    }

    /// <summary>Random input, initial states, final-state gradients and output gradient for one pass.</summary>
    private static (float[] Input, Dictionary<string, float[]> Given, float[] OutputGradient) RandomPass(IGeneratedModel model, ref SeededRandom random)
    {
        var input = Uniform(Steps * Batch * model.InputSize, 1f, ref random);
        var given = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var state in Engines.StateNames(model).Given)
        {
            given[state] = Uniform(Engines.StateLength(model, state, Batch), state.EndsWith("Gradient", StringComparison.Ordinal) ? 1f : 0.5f, ref random);
        }

        return (input, given, Uniform(OutputLength(model), 1f, ref random));
    }

    /// <summary>Forward only, with the given initial states and lengths; returns the output and the final states.</summary>
    private static NetworkRun ForwardOnly(IGeneratedModel model, float[] input, Dictionary<string, float[]> given, int[] lengths)
    {
        model.CreateWorkspace(Batch, Steps, training: false);
        var names = Engines.StateNames(model);
        SetStates(model, names.Given.Where(s => !s.EndsWith("Gradient", StringComparison.Ordinal)).ToDictionary(s => s, s => given[s]));
        var output = new float[OutputLength(model)];
        model.Forward(input, lengths, Batch, Steps, output);
        return new NetworkRun(output, Array.Empty<float>(), Array.Empty<float>(), FinalStates(model, names.Given.Where(s => !s.EndsWith("Gradient", StringComparison.Ordinal)), Batch));
    }

    private static void SetStates(IGeneratedModel model, IReadOnlyDictionary<string, float[]> states)
    {
        foreach (var (state, value) in states)
        {
            value.CopyTo(model.WorkspaceSpan(state));
        }
    }

    /// <summary>The final states that go with the given initial-state names, read from the workspace.</summary>
    private static Dictionary<string, float[]> FinalStates(IGeneratedModel model, IEnumerable<string> initialStates, int batch) =>
        initialStates.Select(s => s.Replace("Initial", "Final", StringComparison.Ordinal))
            .ToDictionary(s => s, s => model.WorkspaceSpan(s).Slice(0, Engines.StateLength(model, s, batch)).ToArray(), StringComparer.Ordinal);

    /// <summary>Sequence b's rows of a state <c>[D, B, H]</c> (<paramref name="directions"/> blocks) as <c>[D, 1, H]</c>.</summary>
    private static float[] ColumnOf(float[] state, int b, int batch, int directions)
    {
        int block = state.Length / directions, hidden = block / batch;
        var column = new float[directions * hidden];
        for (int d = 0; d < directions; d++)
        {
            state.AsSpan((d * block) + (b * hidden), hidden).CopyTo(column.AsSpan(d * hidden));
        }

        return column;
    }

    /// <summary>Directions of the layer that owns a state member.</summary>
    private static int DirectionsOf(IGeneratedModel model, string state) =>
        model.Layers.Single(l => state.StartsWith(l.Name + "Initial", StringComparison.Ordinal) || state.StartsWith(l.Name + "Final", StringComparison.Ordinal)).Directions;

    /// <summary>Element indices of <c>[T, B, width]</c> rows past their sequence's end.</summary>
    private static IEnumerable<int> PaddedRows(int[] lengths, int width)
    {
        for (int t = 0; t < Steps; t++)
        {
            for (int b = 0; b < Batch; b++)
            {
                if (t >= lengths[b])
                {
                    for (int j = 0; j < width; j++)
                    {
                        yield return (((t * Batch) + b) * width) + j;
                    }
                }
            }
        }
    }

    private static int OutputRows(IGeneratedModel model) => model.OutputIsSequence ? Steps * Batch : Batch;

    private static int OutputLength(IGeneratedModel model) => OutputRows(model) * model.OutputSize;

    private static float[] Uniform(int length, float bound, ref SeededRandom random)
    {
        var values = new float[length];
        random.FillUniform(values, bound);
        return values;
    }

    private static IEnumerable<int> Sample(int length, int count, ref SeededRandom random)
    {
        var picked = new SortedSet<int>();
        while (picked.Count < Math.Min(count, length))
        {
            picked.Add(random.NextInt(length));
        }

        return picked;
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
