using System;
using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Models;
using RnnGen.Kernels;
using RnnGen.Training;

namespace RnnGen.Benchmarks;

/// <summary>
/// Streaming latency at batch 1: one <c>Step</c> of a recurrent layer followed by a one-unit dense output, the state
/// carried from call to call (as a real-time audio or sensor model runs). The shapes are those of the RTNeural
/// comparison in <c>docs/benchmarks.md</c>. Each size is a different generated class, so the benchmark calls the
/// model through a delegate made once in the set-up (about a nanosecond of the measured time).
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    private Func<float> _step = () => 0f;

    [Params("Lstm", "Gru")]
    public string Kind { get; set; } = "Lstm";

    [Params("1x8", "1x16", "1x32", "1x64", "32x32", "64x64", "128x128")]
    public string Size { get; set; } = "1x8";

    [GlobalSetup]
    public void Setup()
    {
        _step = (Kind + Size) switch
        {
            "Lstm1x8" => Stepper<StepLstm1x8, StepLstm1x8.State>(new(), new(), StepLstm1x8.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Lstm1x16" => Stepper<StepLstm1x16, StepLstm1x16.State>(new(), new(), StepLstm1x16.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Lstm1x32" => Stepper<StepLstm1x32, StepLstm1x32.State>(new(), new(), StepLstm1x32.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Lstm1x64" => Stepper<StepLstm1x64, StepLstm1x64.State>(new(), new(), StepLstm1x64.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Lstm32x32" => Stepper<StepLstm32x32, StepLstm32x32.State>(new(), new(), StepLstm32x32.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Lstm64x64" => Stepper<StepLstm64x64, StepLstm64x64.State>(new(), new(), StepLstm64x64.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Lstm128x128" => Stepper<StepLstm128x128, StepLstm128x128.State>(new(), new(), StepLstm128x128.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Gru1x8" => Stepper<StepGru1x8, StepGru1x8.State>(new(), new(), StepGru1x8.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Gru1x16" => Stepper<StepGru1x16, StepGru1x16.State>(new(), new(), StepGru1x16.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Gru1x32" => Stepper<StepGru1x32, StepGru1x32.State>(new(), new(), StepGru1x32.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Gru1x64" => Stepper<StepGru1x64, StepGru1x64.State>(new(), new(), StepGru1x64.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Gru32x32" => Stepper<StepGru32x32, StepGru32x32.State>(new(), new(), StepGru32x32.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Gru64x64" => Stepper<StepGru64x64, StepGru64x64.State>(new(), new(), StepGru64x64.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            "Gru128x128" => Stepper<StepGru128x128, StepGru128x128.State>(new(), new(), StepGru128x128.InputSize, (m, s, i, o) => m.Step(s, i, o)),
            _ => throw new InvalidOperationException($"No model for {Kind} {Size}."),
        };
    }

    /// <summary>One time step and the dense output; returns the output so that nothing is optimised away.</summary>
    [Benchmark]
    public float Step() => _step();

    private delegate void StepFunction<TModel, TState>(TModel model, TState state, ReadOnlySpan<float> input, Span<float> output);

    private static Func<float> Stepper<TModel, TState>(TModel model, TState state, int inputSize, StepFunction<TModel, TState> step)
    {
        float[] input = GemmBenchmarks.Filled(inputSize, new Random(11));
        float[] output = new float[1];
        return () =>
        {
            step(model, state, input, output);
            return output[0];
        };
    }
}

/// <summary>
/// Sequence inference: <c>Forward</c> of one LSTM layer (input 128, hidden 128 or 256) over T = 100 steps at batch 1
/// and 32, into a preallocated inference workspace and output; compared with <c>nn.LSTM</c> forward.
/// </summary>
[MemoryDiagnoser]
public class SequenceBenchmarks
{
    private const int Steps = 100;
    private const int Input = 128;
    private Func<float> _forward = () => 0f;

    [Params(128, 256)]
    public int Hidden { get; set; } = 128;

    [Params(1, 32)]
    public int Batch { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        float[] input = GemmBenchmarks.Filled(Steps * Batch * Input, new Random(13));
        float[] output = new float[Steps * Batch * Hidden];
        int batch = Batch;
        if (Hidden == 128)
        {
            var model = new SequenceLstm128();
            var workspace = new SequenceLstm128.Workspace(batch, Steps, training: false);
            _forward = () =>
            {
                model.Forward(workspace, input, batch, Steps, output);
                return output[^1];
            };
        }
        else
        {
            var model = new SequenceLstm256();
            var workspace = new SequenceLstm256.Workspace(batch, Steps, training: false);
            _forward = () =>
            {
                model.Forward(workspace, input, batch, Steps, output);
                return output[^1];
            };
        }
    }

    /// <summary>One forward pass over the whole sequence; returns the last output.</summary>
    [Benchmark]
    public float SequenceForward() => _forward();
}

/// <summary>
/// One training step of the Penn Treebank small configuration, batch 20 × 20 steps: two LSTM layers of 200, Dense 10 000
/// with softmax cross-entropy at every step, forward, backward and SGD with the gradient norm clipped at 5.
/// <see cref="TrainingStep"/> feeds dense random input of 200 features (the model without its embedding);
/// <see cref="TrainingStepWithEmbedding"/> feeds random token ids through the embedding of 10 000 × 200, the whole model.
/// Tokens per second = 400 / step time. The matrix products run on one or two threads
/// (<see cref="Parallelism.Threads"/>); everything else on the calling thread.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private const int Batch = 20;
    private const int Steps = 20;
    private PtbSmallNoEmbedding.Trainer? _trainer;
    private float[] _input = [];
    private int[] _targets = [];
    private PtbSmall.Trainer? _tokenTrainer;
    private int[] _tokens = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        Parallelism.Threads = Threads;
        var random = new Random(17);
        _input = GemmBenchmarks.Filled(Steps * Batch * PtbSmallNoEmbedding.InputSize, random);
        _targets = new int[Steps * Batch];
        for (int i = 0; i < _targets.Length; i++)
        {
            _targets[i] = random.Next(PtbSmallNoEmbedding.OutputSize);
        }

        // A small learning rate keeps the weights (and so the work per step) much the same over many steps.
        _trainer = new PtbSmallNoEmbedding.Trainer(new PtbSmallNoEmbedding(), new Sgd(0.01f, clipNorm: 5f), Batch, Steps);

        _tokens = new int[Steps * Batch];
        for (int i = 0; i < _tokens.Length; i++)
        {
            _tokens[i] = random.Next(PtbSmall.VocabularySize);
        }

        _tokenTrainer = new PtbSmall.Trainer(new PtbSmall(), new Sgd(0.01f, clipNorm: 5f), Batch, Steps);
    }

    [GlobalCleanup]
    public void Cleanup() => Parallelism.Threads = 1;

    /// <summary>Forward, backward and update on one batch; returns the loss.</summary>
    [Benchmark]
    public float TrainingStep() => _trainer!.Step(_input, _targets, Batch, Steps);

    /// <summary>The same with token ids through the embedding; returns the loss.</summary>
    [Benchmark]
    public float TrainingStepWithEmbedding() => _tokenTrainer!.Step(_tokens, _targets, Batch, Steps);
}
