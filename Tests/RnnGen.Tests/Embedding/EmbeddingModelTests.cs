using System;
using System.IO;
using System.Linq;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Models;
using RnnGen.Tests.Numerics;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Embedding;

/// <summary>
/// Models that read token ids through an embedding: the generated code against the reference layers on random weights,
/// the embedding's gradient against finite differences, bad token ids, streaming steps, variable lengths, checkpoints
/// and zero allocation.
/// </summary>
public sealed class EmbeddingModelTests
{
    private readonly ITestOutputHelper _output;

    public EmbeddingModelTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Generated_language_model_matches_the_reference_layers_on_random_weights()
    {
        const int steps = 7, batch = 3;
        var model = new TorchLanguageModel();
        model.Initialize(seed: 5);
        var random = new SeededRandom(19);

        // Few distinct ids, so that several rows scatter into one row of dE.
        var tokens = TestData.Classes(ref random, steps * batch, 6);
        var targets = TestData.Classes(ref random, steps * batch, TorchLanguageModel.OutputSize);
        var weights = TorchLanguageModel.ParameterTensors.ToDictionary(t => TorchName(t.Name), t => t.Slice(model.Parameters).ToArray());
        var expected = ReferenceLanguageModel.Run(weights, tokens, targets, steps, batch, TorchLanguageModel.VocabularySize, 16, 16);

        var trainer = new TorchLanguageModel.Trainer(model, new KeepParameters(), maxBatch: 4, maxSteps: 8);
        float loss = trainer.Step(tokens, targets, batch, steps);
        var probabilities = new float[steps * batch * TorchLanguageModel.OutputSize];
        model.Forward(new TorchLanguageModel.Workspace(4, 8, training: false), tokens, batch, steps, probabilities);

        double forward = Tolerance.AssertClose(expected.Probabilities, probabilities, 1e-5, "probabilities");
        Assert.True(Math.Abs(loss - expected.Loss) <= 1e-5, $"loss {loss:R}, expected {expected.Loss:R}");
        double gradients = 0;
        foreach (var tensor in TorchLanguageModel.ParameterTensors)
        {
            gradients = Math.Max(gradients, Tolerance.AssertGradientClose(expected.Gradients[TorchName(tensor.Name)], tensor.Slice(trainer.Workspace.Gradients).ToArray(), tensor.Name));
        }

        // Rows of ids never read get no gradient at all.
        var dE = TorchLanguageModel.ParameterTensors[0].Slice(trainer.Workspace.Gradients);
        Assert.True(dE[(6 * 16)..].ToArray().All(g => g == 0f));
        _output.WriteLine($"forward |error| {forward:E2}, gradients max relative {gradients:E2}");
    }

    [Fact]
    public void Embedding_gradient_matches_finite_differences()
    {
        // L = Σ output·R of a many-to-one GRU regressor, differentiated by every entry of the embedding table.
        // Tolerance as in Numerics/FiniteDifferenceTests: ε = 1e-2, |numeric − analytic| ≤ 3e-4 + 3e-3·|analytic|.
        const int steps = 5, batch = 2;
        const float epsilon = 1e-2f;
        var model = new TokenRegressor();
        model.Initialize(seed: 8);
        var random = new SeededRandom(23);
        var tokens = new[] { 0, 1, 2, 2, 3, 0, 4, 5, 1, 2 }; // ids 6, 7 and 8 are never read
        var r = TestData.Uniform(ref random, batch * TokenRegressor.OutputSize);
        var workspace = new TokenRegressor.Workspace(batch, steps);
        var output = new float[batch * TokenRegressor.OutputSize];

        double Loss()
        {
            model.Forward(workspace, tokens, batch, steps, output);
            return TestData.Dot(output, r);
        }

        Loss();
        workspace.ZeroGradients();
        model.Backward(workspace, r);
        var table = TokenRegressor.ParameterTensors.Single(t => t.Name == "Words.weight");
        var analytic = table.Slice(workspace.Gradients).ToArray();
        var parameters = table.Slice(model.Parameters);
        double worst = 0;
        for (int i = 0; i < parameters.Length; i++)
        {
            float kept = parameters[i];
            parameters[i] = kept + epsilon;
            double up = Loss();
            parameters[i] = kept - epsilon;
            double down = Loss();
            parameters[i] = kept;
            double numeric = (up - down) / (2 * epsilon);
            double error = Math.Abs(numeric - analytic[i]);
            Assert.True(error <= 3e-4 + (3e-3 * Math.Abs(analytic[i])), $"dE[{i / 5}, {i % 5}]: analytic {analytic[i]:R}, numeric {numeric:R}");
            worst = Math.Max(worst, error);
        }

        Assert.True(analytic[(6 * 5)..].All(g => g == 0f), "rows of unread ids have no gradient");
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3f);
        _output.WriteLine($"worst |numeric − analytic| {worst:E2}");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(50)]
    [InlineData(int.MaxValue)]
    public void Out_of_range_ids_throw_naming_the_id_its_place_and_the_vocabulary_before_changing_anything(int bad)
    {
        const int steps = 3, batch = 2;
        var model = new TorchLanguageModel();
        var before = model.Parameters.ToArray();
        var tokens = new[] { 1, 2, 3, 4, 5, 6 };
        tokens[3] = bad; // step 1, sequence 1
        var targets = new int[steps * batch];
        var trainer = new TorchLanguageModel.Trainer(model, new Sgd(1f), batch, steps);
        trainer.Workspace.LstmInitialState.Fill(0.25f);
        trainer.CarryState = true;
        var output = new float[steps * batch * TorchLanguageModel.OutputSize];

        void AssertMessage(ArgumentOutOfRangeException e, string parameter)
        {
            Assert.Equal(parameter, e.ParamName);
            Assert.Contains($"Token id {bad}", e.Message, StringComparison.Ordinal);
            Assert.Contains("step 1, sequence 1", e.Message, StringComparison.Ordinal);
            Assert.Contains("vocabulary size 50", e.Message, StringComparison.Ordinal);
        }

        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(tokens, targets, batch, steps)), "tokens");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(tokens, targets, new[] { 3, 1 }, batch, steps)), "tokens");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Evaluate(tokens, targets, batch, steps)), "tokens");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(trainer.Workspace, tokens, batch, steps, output)), "tokens");
        AssertMessage(Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(trainer.Workspace, tokens, new[] { 3, 3 }, batch, steps, output)), "tokens");
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Equal(0, trainer.Workspace.Steps);
        Assert.True(trainer.Workspace.LstmInitialState.ToArray().All(h => h == 0.25f));

        var state = new TorchLanguageModel.State();
        model.Step(state, 7, new float[TorchLanguageModel.OutputSize]);
        var carried = state.LstmHidden.ToArray();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Step(state, bad, new float[TorchLanguageModel.OutputSize]));
        Assert.Equal("token", e.ParamName);
        Assert.Contains($"Token id {bad}", e.Message, StringComparison.Ordinal);
        Assert.Contains("vocabulary size 50", e.Message, StringComparison.Ordinal);
        Assert.Equal(carried, state.LstmHidden.ToArray());
    }

    [Fact]
    public void A_wrong_number_of_ids_names_the_expected_shape()
    {
        var model = new TorchLanguageModel();
        var workspace = new TorchLanguageModel.Workspace(2, 3);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(workspace, new int[5], 2, 3, new float[6 * TorchLanguageModel.OutputSize]));

        Assert.Equal("tokens", e.ParamName);
        Assert.Contains("Expected 6 elements ([T, B] token ids)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_gives_what_Forward_gives_token_by_token()
    {
        const int steps = 6;
        var random = new SeededRandom(4);
        var tokens = TestData.Classes(ref random, steps, TorchLanguageModel.VocabularySize);
        var model = new TorchLanguageModel();
        model.Initialize(seed: 2);
        var expected = new float[steps * TorchLanguageModel.OutputSize];
        model.Forward(new TorchLanguageModel.Workspace(1, steps, training: false), tokens, 1, steps, expected);

        var state = new TorchLanguageModel.State();
        var output = new float[TorchLanguageModel.OutputSize];
        for (int t = 0; t < steps; t++)
        {
            model.Step(state, tokens[t], output);
            Tolerance.AssertClose(expected.AsSpan(t * output.Length, output.Length), output, 1e-5, $"step {t}");
        }

        // Many-to-one: the step's output is what Forward returns for the sequence so far.
        var regressor = new TokenRegressor();
        var running = new TokenRegressor.State();
        var answer = new float[TokenRegressor.OutputSize];
        var whole = new float[TokenRegressor.OutputSize];
        var ids = new[] { 3, 8, 0, 5 };
        for (int t = 0; t < ids.Length; t++)
        {
            regressor.Step(running, ids[t], answer);
            regressor.Forward(new TokenRegressor.Workspace(1, t + 1, training: false), ids.AsSpan(0, t + 1), 1, t + 1, whole);
            Tolerance.AssertClose(whole, answer, 1e-5, $"regressor step {t}");
        }
    }

    [Fact]
    public void Padded_steps_give_no_gradient_to_their_ids()
    {
        const int steps = 4, batch = 2;
        var model = new TorchLanguageModel();
        var tokens = new[] { 1, 2, 3, 4, 5, 9, 6, 9 }; // id 9 only past the end of sequence 1 (length 2)
        var targets = new int[steps * batch];
        var trainer = new TorchLanguageModel.Trainer(model, new KeepParameters(), batch, steps);
        trainer.Step(tokens, targets, new[] { 4, 2 }, batch, steps);

        var dE = TorchLanguageModel.ParameterTensors[0].Slice(trainer.Workspace.Gradients);
        Assert.True(dE.Slice(9 * 16, 16).ToArray().All(g => g == 0f), "id 9 is read only at padded steps");
        Assert.Contains(dE.Slice(6 * 16, 16).ToArray(), g => g != 0f);
    }

    [Fact]
    public void Checkpoints_round_trip_the_embedding_table_by_name()
    {
        var model = new TorchLanguageModel();
        model.Initialize(seed: 9);
        using var stream = new MemoryStream();
        model.Save(stream);
        var copy = new TorchLanguageModel();
        stream.Position = 0;
        copy.Load(stream);

        Assert.Equal(model.Parameters.ToArray(), copy.Parameters.ToArray());
        Assert.Equal("Embedding.weight", TorchLanguageModel.ParameterTensors[0].Name);
        Assert.Equal(new[] { 50, 16 }, TorchLanguageModel.ParameterTensors[0].Shape.ToArray());
        Assert.Equal(model.Embedding.Vector(3).ToArray(), model.Parameters.Slice(3 * 16, 16).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Embedding.Vector(50));
    }

    [Fact]
    public void The_table_is_initialised_from_a_standard_normal()
    {
        var model = new TorchLanguageModel();
        model.Initialize(seed: 1);
        var table = model.Embedding.Weights.ToArray();
        double mean = table.Average(v => (double)v);
        double variance = table.Average(v => ((double)v - mean) * ((double)v - mean));

        // 800 draws: the mean within 4 standard errors (4/√800 ≈ 0.14), the variance within 0.25 of 1.
        Assert.InRange(mean, -0.14, 0.14);
        Assert.InRange(variance, 0.75, 1.25);
        Assert.Contains(table, v => Math.Abs(v) > 1.5f);
    }

    [Fact]
    public void Trainer_step_Forward_and_Step_allocate_nothing_after_warm_up()
    {
        const int steps = 5, batch = 4, iterations = 20;
        var random = new SeededRandom(3);
        var model = new TorchLanguageModel();
        var tokens = TestData.Classes(ref random, steps * batch, TorchLanguageModel.VocabularySize);
        var targets = TestData.Classes(ref random, steps * batch, TorchLanguageModel.VocabularySize);
        var trainer = new TorchLanguageModel.Trainer(model, new Sgd(0.1f, clipNorm: 5f), batch, steps) { CarryState = true };
        var inference = new TorchLanguageModel.Workspace(batch, steps, training: false);
        var output = new float[steps * batch * TorchLanguageModel.OutputSize];
        var state = new TorchLanguageModel.State();
        var stepOutput = new float[TorchLanguageModel.OutputSize];

        long Measure(Action action)
        {
            action();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < iterations; i++)
            {
                action();
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.Equal(0, Measure(() => trainer.Step(tokens, targets, batch, steps)));
        Assert.Equal(0, Measure(() => model.Forward(inference, tokens, batch, steps, output)));
        Assert.Equal(0, Measure(() => model.Step(state, tokens[0], stepOutput)));
        Assert.True(Measure(() => _ = new int[4]) >= iterations * 16, "the probe counts allocations");
    }

    [Fact]
    public void A_bidirectional_token_tagger_trains()
    {
        const int steps = 6, batch = 4;
        var random = new SeededRandom(12);
        var tokens = TestData.Classes(ref random, steps * batch, TokenTagger.VocabularySize);

        // The tag of a step is its id modulo 3: learnable from the embedding alone.
        var tags = tokens.Select(t => t % 3).ToArray();
        var model = new TokenTagger();
        model.Initialize(seed: 4);
        var trainer = new TokenTagger.Trainer(model, new Sgd(0.5f, clipNorm: 5f), batch, steps);
        float first = trainer.Evaluate(tokens, tags, batch, steps);
        for (int i = 0; i < 200; i++)
        {
            trainer.Step(tokens, tags, batch, steps);
        }

        float last = trainer.Evaluate(tokens, tags, batch, steps);
        _output.WriteLine($"loss {first} → {last}");
        Assert.True(last < 0.2f * first, $"loss {first} → {last}");
    }

    /// <summary>PyTorch's name of a TorchLanguageModel tensor, written out independently of the importer.</summary>
    private static string TorchName(string tensor) => tensor switch
    {
        "Embedding.weight" => "embedding.weight",
        "Decoder.weight" => "decoder.weight",
        "Decoder.bias" => "decoder.bias",
        _ when tensor.StartsWith("Lstm.", StringComparison.Ordinal) => "lstm." + tensor["Lstm.".Length..] + "_l0",
        _ => "lstm." + tensor["Upper.".Length..] + "_l1",
    };

    /// <summary>Leaves the parameters as they are, so a trainer step only computes the loss and the gradients.</summary>
    private sealed class KeepParameters : Optimizer
    {
        public override void Step(Span<float> parameters, ReadOnlySpan<float> gradients) => StepCount++;
    }
}
