using System;
using System.Linq;
using RnnGen.Tests.Models;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace RnnGen.Tests.Numerics;

/// <summary>
/// The generated Backward against double-sided finite differences of the generated Forward: every parameter of
/// small models, every initial-state entry and a sample of input entries.
/// </summary>
/// <remarks>
/// Tolerance. The forward pass runs in float32 and the loss is summed in double from its float outputs, so each
/// loss value carries a rounding error δ of at most ~1e-6 for these sizes (about 1e-7 relative per output, over
/// some tens of outputs). A central difference with step ε then errs by about δ/ε from rounding plus
/// ε²/6·|L'''| from truncation: with ε = 1e-2 (a smaller step would drown in float32 rounding), that is
/// ≈ 1e-4 + 2e-5·|L'''|, and |L'''| stays within ~10 for these smooth (tanh, sigmoid, softmax) models with weights
/// of order 1/√H, so ≈ 3e-4 at worst. A derivative passes when |numeric − analytic| ≤ 3e-4 + 3e-3·|analytic|; the
/// relative term leaves room for large derivatives, whose higher derivatives are large too. The measured worst,
/// reported by each test, is ~5e-5. A wrong term in a gradient (a missing bias, a transposed product, a lost
/// time step) moves it by a sizeable fraction of itself, far outside this band.
/// </remarks>
public sealed class FiniteDifferenceTests
{
    private const float Epsilon = 1e-2f;
    private const double Absolute = 3e-4;
    private const double Relative = 3e-3;
    private const int Batch = 2;
    private const int Steps = 4;
    private const int SampledInputs = 12;

    private readonly ITestOutputHelper _output;

    public FiniteDifferenceTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(nameof(TorchRnnTanh))]
    [InlineData(nameof(TorchRnnStacked))]
    [InlineData(nameof(TinyTagger))]
    [InlineData(nameof(ManyToOneRegressor))]
    [InlineData(nameof(SigmoidHeadClassifier))]
    [InlineData(nameof(TanhHeadTagger))]
    public void Backward_MatchesDifferencesOfOutputDotR(string modelName)
    {
        var network = GeneratedNetworks.All[modelName](seed: 11, maxBatch: Batch, maxSteps: Steps);
        var random = new SeededRandom(77);
        var input = TestData.Uniform(ref random, Steps * Batch * network.InputSize);
        var r = TestData.Uniform(ref random, network.OutputLength(Batch, Steps));
        var s = TestData.PerState(ref random, network, Batch, 1f);
        network.SetInitialStates(TestData.PerState(ref random, network, Batch, 0.5f));

        // L = Σ output·R + Σ_layers h_T·S, so dL/d(output) = R and dL/dh_T = S.
        double Loss()
        {
            var output = network.Run(input, Batch, Steps);
            double loss = TestData.Dot(output, r);
            for (int l = 0; l < network.States.Count; l++)
            {
                loss += TestData.Dot(network.States[l].Final().Slice(0, s[l].Length), s[l]);
            }

            return loss;
        }

        Loss();
        network.ZeroGradients();
        network.SetFinalStateGradients(s);
        var dInput = new float[input.Length];
        network.Backward(r, dInput);
        var gradients = network.Gradients().ToArray();
        var dInitial = network.ReadStates(Batch, st => st.InitialGradient);

        var check = new DifferenceCheck(modelName);
        CheckEverything(check, network, input, Loss, gradients, dInput, dInitial, ref random);
        _output.WriteLine(check.Summary());
    }

    [Fact]
    public void ReluBackward_MatchesDifferencesAwayFromKinks()
    {
        // A relu network is not differentiable where a pre-activation crosses zero; a difference across such a kink
        // says nothing about the gradient. Such coordinates are detected (the set of active units changes between
        // θ − ε and θ + ε) and counted, and they must stay a small minority.
        var network = GeneratedNetworks.TorchRnnReluNetwork(seed: 11, maxBatch: Batch, maxSteps: Steps);
        var random = new SeededRandom(78);
        var input = TestData.Uniform(ref random, Steps * Batch * network.InputSize);
        var r = TestData.Uniform(ref random, network.OutputLength(Batch, Steps));
        network.SetInitialStates(TestData.PerState(ref random, network, Batch, 0.5f));
        network.SetFinalStateGradients(new[] { new float[Batch * network.States[0].Hidden] });
        bool[] active = Array.Empty<bool>();

        double Loss()
        {
            // The outputs of TorchRnnRelu are all hidden states, so they show every unit's activity.
            var output = network.Run(input, Batch, Steps);
            active = output.Select(v => v > 0f).ToArray();
            return TestData.Dot(output, r);
        }

        Loss();
        network.ZeroGradients();
        var dInput = new float[input.Length];
        network.Backward(r, dInput);
        var gradients = network.Gradients().ToArray();
        var dInitial = network.ReadStates(Batch, st => st.InitialGradient);

        var check = new DifferenceCheck("TorchRnnRelu") { ActivityPattern = () => active };
        CheckEverything(check, network, input, Loss, gradients, dInput, dInitial, ref random);
        _output.WriteLine(check.Summary());
        Assert.True(check.Skipped <= check.Checked / 10, $"{check.Skipped} of {check.Checked + check.Skipped} coordinates sat on a relu kink; expected at most a tenth.");
    }

    [Fact]
    public void TrainerCrossEntropyGradient_MatchesDifferencesOfEvaluate()
    {
        // The gradient Trainer.Step applies, taken from dL/dz = (p − onehot)/N, against differences of Evaluate.
        var model = new TinyTagger();
        model.Initialize(12);
        var trainer = new TinyTagger.Trainer(model, new Sgd(learningRate: 1e-3f), Batch, Steps);
        var random = new SeededRandom(79);
        var input = TestData.Uniform(ref random, Steps * Batch * TinyTagger.InputSize);
        var targets = TestData.Classes(ref random, Steps * Batch, TinyTagger.OutputSize);
        CheckTrainerGradient(
            "TinyTagger cross-entropy",
            model.Parameters.ToArray(),
            () => model.Parameters,
            () => trainer.Step(input, targets, Batch, Steps),
            () => trainer.Workspace.Gradients,
            () => trainer.Evaluate(input, targets, Batch, Steps));
    }

    [Fact]
    public void TrainerSquaredErrorGradient_MatchesDifferencesOfEvaluate()
    {
        var model = new TanhHeadTagger();
        model.Initialize(13);
        var trainer = new TanhHeadTagger.Trainer(model, new Sgd(learningRate: 1e-3f), Batch, Steps);
        var random = new SeededRandom(80);
        var input = TestData.Uniform(ref random, Steps * Batch * TanhHeadTagger.InputSize);
        var targets = TestData.Uniform(ref random, Steps * Batch * TanhHeadTagger.OutputSize);
        CheckTrainerGradient(
            "TanhHeadTagger squared error",
            model.Parameters.ToArray(),
            () => model.Parameters,
            () => trainer.Step(input, targets, Batch, Steps),
            () => trainer.Workspace.Gradients,
            () => trainer.Evaluate(input, targets, Batch, Steps));
    }

    private void CheckTrainerGradient(string what, float[] initial, SpanSource parameters, Action step, SpanSource trainerGradients, Func<double> evaluate)
    {
        step();
        var gradients = trainerGradients().ToArray();
        initial.CopyTo(parameters()); // undo the update; the gradient stays in the trainer's workspace
        var check = new DifferenceCheck(what);
        for (int i = 0; i < initial.Length; i++)
        {
            int at = i;
            check.Coordinate($"θ[{at}]", () => parameters()[at], v => parameters()[at] = v, evaluate, gradients[at]);
        }

        _output.WriteLine(check.Summary());
    }

    private static void CheckEverything(DifferenceCheck check, GeneratedNetwork network, float[] input, Func<double> loss, float[] gradients, float[] dInput, float[][] dInitial, ref SeededRandom random)
    {
        foreach (var tensor in network.ParameterTensors)
        {
            for (int i = 0; i < tensor.Length; i++)
            {
                int at = tensor.Offset + i;
                check.Coordinate($"{tensor.Name}[{i}]", () => network.Parameters()[at], v => network.Parameters()[at] = v, loss, gradients[at]);
            }
        }

        for (int l = 0; l < network.States.Count; l++)
        {
            var state = network.States[l];
            for (int i = 0; i < dInitial[l].Length; i++)
            {
                int at = i;
                check.Coordinate($"{state.Layer.Name} h_0[{at}]", () => state.Initial()[at], v => state.Initial()[at] = v, loss, dInitial[l][at]);
            }
        }

        for (int k = 0; k < SampledInputs; k++)
        {
            int at = random.NextInt(input.Length);
            check.Coordinate($"x[{at}]", () => input[at], v => input[at] = v, loss, dInput[at]);
        }
    }

    /// <summary>Compares analytic derivatives with central differences, one coordinate at a time, and keeps the worst error.</summary>
    private sealed class DifferenceCheck
    {
        private readonly string _what;
        private double _worstError;
        private double _worstRatio;
        private string _worstAt = "none";

        public DifferenceCheck(string what) => _what = what;

        /// <summary>When set, a coordinate whose ± perturbations change this pattern is counted as skipped.</summary>
        public Func<bool[]>? ActivityPattern { get; init; }

        public int Checked { get; private set; }

        public int Skipped { get; private set; }

        public void Coordinate(string name, Func<float> get, Action<float> set, Func<double> loss, double analytic)
        {
            float original = get();
            float plus = original + Epsilon, minus = original - Epsilon;
            set(plus);
            double lossPlus = loss();
            bool[]? patternPlus = ActivityPattern?.Invoke();
            set(minus);
            double lossMinus = loss();
            bool[]? patternMinus = ActivityPattern?.Invoke();
            set(original);
            if (patternPlus is not null && !patternPlus.SequenceEqual(patternMinus!))
            {
                Skipped++;
                return;
            }

            // Divide by the step actually taken in float32, not by 2ε.
            double numeric = (lossPlus - lossMinus) / ((double)plus - minus);
            double error = Math.Abs(numeric - analytic);
            double allowed = Absolute + (Relative * Math.Abs(analytic));
            if (!(error <= allowed))
            {
                throw new XunitException($"{_what}: dL/d{name} is {analytic:R} by Backward but {numeric:R} by central differences (|error| {error:E2} > allowed {allowed:E2}).");
            }

            Checked++;
            if (error / allowed > _worstRatio)
            {
                _worstRatio = error / allowed;
                _worstError = error;
                _worstAt = name;
            }
        }

        public string Summary() =>
            $"{_what}: {Checked} derivatives checked, {Skipped} skipped at kinks; worst |numeric − analytic| {_worstError:E2} at {_worstAt} ({_worstRatio:P0} of its allowance).";
    }
}
