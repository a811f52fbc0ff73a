using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Tests.Fixtures;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Gated;

/// <summary>
/// Every LSTM and GRU variant, alone and with dense heads (many-to-many and many-to-one), compiled by the real
/// generator: the generated forward and backward against the double-precision reference implementations, against
/// finite differences, state handling, allocations and argument checks.
/// </summary>
public sealed class GatedModelTests
{
    private const int Batch = 3, Steps = 5;

    private readonly ITestOutputHelper _output;

    public GatedModelTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Networks() => new(GatedModelCatalog.Networks);

    [Theory]
    [MemberData(nameof(Networks))]
    public void Generated_forward_and_backward_match_the_reference(string name)
    {
        var model = GatedModelCatalog.Create(name);
        var random = new SeededRandom(11);
        model.Initialize(seed: 3);
        var (input, given, outputGradient) = RandomPass(model, ref random);

        var generated = Engines.Run(Engines.Generated, model, input, Batch, Steps, given, outputGradient);
        var reference = Engines.Run(Engines.Reference, model, input, Batch, Steps, given, outputGradient);

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
        _output.WriteLine($"{name}: forward max |error| {forward:E2}, gradients max relative error {gradient:E2} (generated vs reference)");
    }

    /// <summary>
    /// Central differences of <c>L = Σ y ⊙ R + Σ final states ⊙ their R</c> through the generated forward pass, at
    /// parameters of every tensor, inputs and initial states. The forward pass is float32, so the difference quotient
    /// carries the loss's rounding error over 2ε (about 1e-4 here) and the truncation error ε²·L'''/6: hence the
    /// 1e-3 absolute + 1e-2 relative tolerance, far below the size of any wrong term.
    /// </summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void Generated_backward_matches_finite_differences(string name)
    {
        const float Epsilon = 1e-2f;
        var model = GatedModelCatalog.Create(name);
        var random = new SeededRandom(5);
        model.Initialize(seed: 9);
        var (input, given, outputGradient) = RandomPass(model, ref random);
        var analytic = Engines.Run(Engines.Generated, model, input, Batch, Steps, given, outputGradient);

        double Loss()
        {
            var run = ForwardOnly(model, input, given);
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
            foreach (int k in Sample(tensor.Length, 6, ref random))
            {
                Check(model.Parameters, tensor.Offset + k, analytic.Gradients[tensor.Offset + k], $"d{tensor.Name}[{k}]");
            }
        }

        foreach (int k in Sample(input.Length, 6, ref random))
        {
            Check(input, k, analytic.InputGradient[k], $"dx[{k}]");
        }

        foreach (var state in Engines.StateNames(model).Given.Where(s => !s.EndsWith("Gradient", StringComparison.Ordinal)))
        {
            foreach (int k in Sample(given[state].Length, 4, ref random))
            {
                Check(given[state], k, analytic.States[state + "Gradient"][k], $"d{state}[{k}]");
            }
        }

        _output.WriteLine($"{name}: {checkedCount} finite differences, max |error| {worst:E2}");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Forward_and_training_step_allocate_nothing_after_warm_up(string name)
    {
        var model = GatedModelCatalog.Create(name);
        var random = new SeededRandom(1);
        var input = Uniform(Steps * Batch * model.InputSize, 1f, ref random);
        var output = new float[OutputLength(model)];
        model.CreateWorkspace(Batch, Steps, training: false);
        model.CreateTrainer(new Sgd(learningRate: 0.1f, clipNorm: 5f), Batch, Steps);
        var classes = Enumerable.Range(0, OutputRows(model)).Select(r => r % model.OutputSize).ToArray();
        var targets = Uniform(OutputLength(model), 1f, ref random);
        float Train() => model.ClassifiesOutput ? model.TrainStep(input, classes, Batch, Steps) : model.TrainStep(input, targets, Batch, Steps);

        for (int i = 0; i < 3; i++)
        {
            model.Forward(input, Batch, Steps, output);
            Train();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            model.Forward(input, Batch, Steps, output);
        }

        long forwardBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        float loss = 0;
        for (int i = 0; i < 20; i++)
        {
            loss = Train();
        }

        long stepBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"{name}: {forwardBytes} bytes over 20 Forward calls, {stepBytes} bytes over 20 Trainer.Step calls (last loss {loss:F4})");
        Assert.Equal(0, forwardBytes);
        Assert.Equal(0, stepBytes);
        Assert.True(float.IsFinite(loss));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Training_lowers_the_loss_on_a_fixed_batch(string name)
    {
        var model = GatedModelCatalog.Create(name);
        var random = new SeededRandom(21);
        var input = Uniform(Steps * Batch * model.InputSize, 1f, ref random);
        var classes = Enumerable.Range(0, OutputRows(model)).Select(r => (r * 7) % model.OutputSize).ToArray();
        // Targets in (0.1, 0.9), reachable by every output activation of the test models (sigmoid included).
        var targets = Uniform(OutputLength(model), 0.4f, ref random).Select(t => t + 0.5f).ToArray();
        model.CreateTrainer(new Sgd(learningRate: 1f, clipNorm: 5f), Batch, Steps);
        float Train() => model.ClassifiesOutput ? model.TrainStep(input, classes, Batch, Steps) : model.TrainStep(input, targets, Batch, Steps);

        float first = Train();
        float last = first;
        for (int i = 0; i < 300; i++)
        {
            last = Train();
        }

        _output.WriteLine($"{name}: loss {first:F4} → {last:F4} in 300 steps");
        Assert.True(last < 0.9f * first, $"{name}: loss went from {first} to {last} in 300 steps.");
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void An_inference_workspace_computes_what_a_training_workspace_computes(string name)
    {
        var model = GatedModelCatalog.Create(name);
        var random = new SeededRandom(8);
        var input = Uniform(Steps * Batch * model.InputSize, 1f, ref random);
        var training = new float[OutputLength(model)];
        var inference = new float[OutputLength(model)];
        model.CreateWorkspace(Batch, Steps, training: true);
        model.Forward(input, Batch, Steps, training);
        model.CreateWorkspace(Batch, Steps, training: false);
        model.Forward(input, Batch, Steps, inference);
        Assert.Equal(training, inference);
        Assert.Throws<InvalidOperationException>(() => model.Backward(training, default));
    }

    [Theory]
    [InlineData(nameof(Models.TorchLstm))]
    [InlineData(nameof(Models.PeepholeCoupledLstm))]
    [InlineData(nameof(Models.TorchGru))]
    [InlineData(nameof(Models.ChoGru))]
    public void Carrying_state_across_two_chunks_equals_one_long_pass(string name)
    {
        const int First = 2, Second = 3;
        var model = GatedModelCatalog.Create(name);
        var random = new SeededRandom(4);
        int features = model.InputSize, outputs = model.OutputSize;
        var input = Uniform((First + Second) * Batch * features, 1f, ref random);
        var states = Engines.StateNames(model).Given.Where(s => !s.EndsWith("Gradient", StringComparison.Ordinal)).ToList();
        var initial = states.ToDictionary(s => s, s => Uniform(Engines.StateLength(model, s, Batch), 0.5f, ref random));

        model.CreateWorkspace(Batch, First + Second);
        var whole = new float[(First + Second) * Batch * outputs];
        foreach (var s in states)
        {
            initial[s].CopyTo(model.WorkspaceSpan(s));
        }

        model.Forward(input, Batch, First + Second, whole);
        var finals = states.ToDictionary(s => s, s => model.WorkspaceSpan(s.Replace("Initial", "Final", StringComparison.Ordinal)).Slice(0, initial[s].Length).ToArray());

        model.ResetState();
        foreach (var s in states)
        {
            Assert.All(model.WorkspaceSpan(s).ToArray(), v => Assert.Equal(0f, v));
            initial[s].CopyTo(model.WorkspaceSpan(s));
        }

        var chunks = new float[(First + Second) * Batch * outputs];
        model.Forward(input.AsSpan(0, First * Batch * features), Batch, First, chunks.AsSpan(0, First * Batch * outputs));
        model.CarryState();
        model.Forward(input.AsSpan(First * Batch * features), Batch, Second, chunks.AsSpan(First * Batch * outputs));

        Assert.Equal(whole, chunks);
        foreach (var s in states)
        {
            Assert.Equal(finals[s], model.WorkspaceSpan(s.Replace("Initial", "Final", StringComparison.Ordinal)).Slice(0, initial[s].Length).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Wrong_span_lengths_throw_naming_the_expected_length(string name)
    {
        var model = GatedModelCatalog.Create(name);
        model.CreateWorkspace(Batch, Steps);
        int inputLength = Steps * Batch * model.InputSize, outputLength = OutputLength(model);
        var input = new float[inputLength];
        var output = new float[outputLength];

        var e = Assert.Throws<ArgumentException>(() => model.Forward(new float[inputLength - 1], Batch, Steps, output));
        Assert.Equal("input", e.ParamName);
        Assert.Contains($"Expected {inputLength} elements", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => model.Forward(input, Batch, Steps, new float[outputLength + 1]));
        Assert.Equal("output", e.ParamName);
        Assert.Contains($"Expected {outputLength} elements", e.Message, StringComparison.Ordinal);

        model.Forward(input, Batch, Steps, output);
        e = Assert.Throws<ArgumentException>(() => model.Backward(new float[outputLength - 1], default));
        Assert.Equal("outputGradient", e.ParamName);
        Assert.Contains($"Expected {outputLength} elements", e.Message, StringComparison.Ordinal);

        e = Assert.Throws<ArgumentException>(() => model.Backward(output, new float[inputLength + 2]));
        Assert.Equal("inputGradient", e.ParamName);
        Assert.Contains($"Expected {inputLength} elements", e.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(new float[(Steps + 1) * Batch * model.InputSize], Batch, Steps + 1, new float[(model.OutputIsSequence ? (Steps + 1) * Batch : Batch) * model.OutputSize]));

        model.CreateTrainer(new Sgd(0.1f), Batch, Steps);
        int rows = OutputRows(model);
        e = model.ClassifiesOutput
            ? Assert.Throws<ArgumentException>(() => model.TrainStep(input, new int[rows + 1], Batch, Steps))
            : Assert.Throws<ArgumentException>(() => model.TrainStep(input, new float[outputLength - 1], Batch, Steps));
        Assert.Equal("targets", e.ParamName);
        Assert.Contains($"Expected {(model.ClassifiesOutput ? rows : outputLength)} elements", e.Message, StringComparison.Ordinal);
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

    /// <summary>Forward only, with the given initial states; returns the output and the final states.</summary>
    private static NetworkRun ForwardOnly(IGeneratedModel model, float[] input, Dictionary<string, float[]> given)
    {
        model.CreateWorkspace(Batch, Steps, training: false);
        var names = Engines.StateNames(model);
        foreach (var state in names.Given.Where(s => !s.EndsWith("Gradient", StringComparison.Ordinal)))
        {
            given[state].CopyTo(model.WorkspaceSpan(state));
        }

        var output = new float[OutputLength(model)];
        model.Forward(input, Batch, Steps, output);
        var finals = names.Results.Where(s => !s.EndsWith("Gradient", StringComparison.Ordinal))
            .ToDictionary(s => s, s => model.WorkspaceSpan(s).Slice(0, Engines.StateLength(model, s, Batch)).ToArray(), StringComparer.Ordinal);
        return new NetworkRun(output, Array.Empty<float>(), Array.Empty<float>(), finals);
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
