using System.Collections.Generic;
using RnnGen.Tests.Models;

namespace RnnGen.Tests.Numerics;

/// <summary>Creates a model initialised with <paramref name="seed"/> and a training workspace for it.</summary>
internal delegate GeneratedNetwork NetworkFactory(int seed, int maxBatch, int maxSteps);

/// <summary>
/// A <see cref="GeneratedNetwork"/> for every test model: a fresh model initialised with a seed and a
/// training workspace for up to <c>maxBatch</c> sequences of <c>maxSteps</c> steps.
/// </summary>
internal static class GeneratedNetworks
{
    /// <summary>Every test model, by name, for theories.</summary>
    public static readonly IReadOnlyDictionary<string, NetworkFactory> All = new Dictionary<string, NetworkFactory>
    {
        [nameof(TorchRnnTanh)] = TorchRnnTanhNetwork,
        [nameof(TorchRnnRelu)] = TorchRnnReluNetwork,
        [nameof(TinyTagger)] = TinyTaggerNetwork,
        [nameof(TorchRnnStacked)] = TorchRnnStackedNetwork,
        [nameof(ManyToOneRegressor)] = ManyToOneRegressorNetwork,
        [nameof(TanhHeadTagger)] = TanhHeadTaggerNetwork,
        [nameof(ReluHeadTagger)] = ReluHeadTaggerNetwork,
        [nameof(SigmoidHeadClassifier)] = SigmoidHeadClassifierNetwork,
        [nameof(SequenceClassifier)] = SequenceClassifierNetwork,
        [nameof(DeepTagger)] = DeepTaggerNetwork,
        [nameof(DenseFirstTagger)] = DenseFirstTaggerNetwork,
    };

    public static GeneratedNetwork TorchRnnTanhNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new TorchRnnTanh();
        model.Initialize(seed);
        var ws = new TorchRnnTanh.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(TorchRnnTanh),
            InputSize = TorchRnnTanh.InputSize,
            OutputSize = TorchRnnTanh.OutputSize,
            OutputIsSequence = TorchRnnTanh.OutputIsSequence,
            ParameterCount = TorchRnnTanh.ParameterCount,
            ParameterTensors = TorchRnnTanh.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Rnn, () => ws.RnnInitialState, () => ws.RnnFinalState, () => ws.RnnInitialStateGradient, () => ws.RnnFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork TorchRnnReluNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new TorchRnnRelu();
        model.Initialize(seed);
        var ws = new TorchRnnRelu.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(TorchRnnRelu),
            InputSize = TorchRnnRelu.InputSize,
            OutputSize = TorchRnnRelu.OutputSize,
            OutputIsSequence = TorchRnnRelu.OutputIsSequence,
            ParameterCount = TorchRnnRelu.ParameterCount,
            ParameterTensors = TorchRnnRelu.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Rnn, () => ws.RnnInitialState, () => ws.RnnFinalState, () => ws.RnnInitialStateGradient, () => ws.RnnFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork TinyTaggerNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new TinyTagger();
        model.Initialize(seed);
        var ws = new TinyTagger.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(TinyTagger),
            InputSize = TinyTagger.InputSize,
            OutputSize = TinyTagger.OutputSize,
            OutputIsSequence = TinyTagger.OutputIsSequence,
            ParameterCount = TinyTagger.ParameterCount,
            ParameterTensors = TinyTagger.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Rnn, () => ws.RnnInitialState, () => ws.RnnFinalState, () => ws.RnnInitialStateGradient, () => ws.RnnFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork TorchRnnStackedNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new TorchRnnStacked();
        model.Initialize(seed);
        var ws = new TorchRnnStacked.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(TorchRnnStacked),
            InputSize = TorchRnnStacked.InputSize,
            OutputSize = TorchRnnStacked.OutputSize,
            OutputIsSequence = TorchRnnStacked.OutputIsSequence,
            ParameterCount = TorchRnnStacked.ParameterCount,
            ParameterTensors = TorchRnnStacked.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Lower, () => ws.LowerInitialState, () => ws.LowerFinalState, () => ws.LowerInitialStateGradient, () => ws.LowerFinalStateGradient),
                new RecurrentState(model.Upper, () => ws.UpperInitialState, () => ws.UpperFinalState, () => ws.UpperInitialStateGradient, () => ws.UpperFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork ManyToOneRegressorNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new ManyToOneRegressor();
        model.Initialize(seed);
        var ws = new ManyToOneRegressor.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(ManyToOneRegressor),
            InputSize = ManyToOneRegressor.InputSize,
            OutputSize = ManyToOneRegressor.OutputSize,
            OutputIsSequence = ManyToOneRegressor.OutputIsSequence,
            ParameterCount = ManyToOneRegressor.ParameterCount,
            ParameterTensors = ManyToOneRegressor.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Encoder, () => ws.EncoderInitialState, () => ws.EncoderFinalState, () => ws.EncoderInitialStateGradient, () => ws.EncoderFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork TanhHeadTaggerNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new TanhHeadTagger();
        model.Initialize(seed);
        var ws = new TanhHeadTagger.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(TanhHeadTagger),
            InputSize = TanhHeadTagger.InputSize,
            OutputSize = TanhHeadTagger.OutputSize,
            OutputIsSequence = TanhHeadTagger.OutputIsSequence,
            ParameterCount = TanhHeadTagger.ParameterCount,
            ParameterTensors = TanhHeadTagger.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Rnn, () => ws.RnnInitialState, () => ws.RnnFinalState, () => ws.RnnInitialStateGradient, () => ws.RnnFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork ReluHeadTaggerNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new ReluHeadTagger();
        model.Initialize(seed);
        var ws = new ReluHeadTagger.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(ReluHeadTagger),
            InputSize = ReluHeadTagger.InputSize,
            OutputSize = ReluHeadTagger.OutputSize,
            OutputIsSequence = ReluHeadTagger.OutputIsSequence,
            ParameterCount = ReluHeadTagger.ParameterCount,
            ParameterTensors = ReluHeadTagger.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Rnn, () => ws.RnnInitialState, () => ws.RnnFinalState, () => ws.RnnInitialStateGradient, () => ws.RnnFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork SigmoidHeadClassifierNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new SigmoidHeadClassifier();
        model.Initialize(seed);
        var ws = new SigmoidHeadClassifier.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(SigmoidHeadClassifier),
            InputSize = SigmoidHeadClassifier.InputSize,
            OutputSize = SigmoidHeadClassifier.OutputSize,
            OutputIsSequence = SigmoidHeadClassifier.OutputIsSequence,
            ParameterCount = SigmoidHeadClassifier.ParameterCount,
            ParameterTensors = SigmoidHeadClassifier.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Encoder, () => ws.EncoderInitialState, () => ws.EncoderFinalState, () => ws.EncoderInitialStateGradient, () => ws.EncoderFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork SequenceClassifierNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new SequenceClassifier();
        model.Initialize(seed);
        var ws = new SequenceClassifier.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(SequenceClassifier),
            InputSize = SequenceClassifier.InputSize,
            OutputSize = SequenceClassifier.OutputSize,
            OutputIsSequence = SequenceClassifier.OutputIsSequence,
            ParameterCount = SequenceClassifier.ParameterCount,
            ParameterTensors = SequenceClassifier.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Encoder, () => ws.EncoderInitialState, () => ws.EncoderFinalState, () => ws.EncoderInitialStateGradient, () => ws.EncoderFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork DeepTaggerNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new DeepTagger();
        model.Initialize(seed);
        var ws = new DeepTagger.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(DeepTagger),
            InputSize = DeepTagger.InputSize,
            OutputSize = DeepTagger.OutputSize,
            OutputIsSequence = DeepTagger.OutputIsSequence,
            ParameterCount = DeepTagger.ParameterCount,
            ParameterTensors = DeepTagger.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.First, () => ws.FirstInitialState, () => ws.FirstFinalState, () => ws.FirstInitialStateGradient, () => ws.FirstFinalStateGradient),
                new RecurrentState(model.Second, () => ws.SecondInitialState, () => ws.SecondFinalState, () => ws.SecondInitialStateGradient, () => ws.SecondFinalStateGradient),
            },
        };
    }

    public static GeneratedNetwork DenseFirstTaggerNetwork(int seed, int maxBatch, int maxSteps)
    {
        var model = new DenseFirstTagger();
        model.Initialize(seed);
        var ws = new DenseFirstTagger.Workspace(maxBatch, maxSteps, training: true);
        return new GeneratedNetwork
        {
            ModelType = typeof(DenseFirstTagger),
            InputSize = DenseFirstTagger.InputSize,
            OutputSize = DenseFirstTagger.OutputSize,
            OutputIsSequence = DenseFirstTagger.OutputIsSequence,
            ParameterCount = DenseFirstTagger.ParameterCount,
            ParameterTensors = DenseFirstTagger.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => ws.Gradients,
            ZeroGradients = ws.ZeroGradients,
            Forward = (input, batch, steps, output) => model.Forward(ws, input, batch, steps, output),
            Backward = (outputGradient, inputGradient) => model.Backward(ws, outputGradient, inputGradient),
            States = new[]
            {
                new RecurrentState(model.Rnn, () => ws.RnnInitialState, () => ws.RnnFinalState, () => ws.RnnInitialStateGradient, () => ws.RnnFinalStateGradient),
            },
        };
    }
}
