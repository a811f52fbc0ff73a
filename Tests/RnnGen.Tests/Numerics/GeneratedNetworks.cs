using System.Collections.Generic;
using RnnGen.Tests.Gated;
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

    public static GeneratedNetwork TorchRnnTanhNetwork(int seed, int maxBatch, int maxSteps) => Build<TorchRnnTanh, TorchRnnTanh.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork TorchRnnReluNetwork(int seed, int maxBatch, int maxSteps) => Build<TorchRnnRelu, TorchRnnRelu.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork TinyTaggerNetwork(int seed, int maxBatch, int maxSteps) => Build<TinyTagger, TinyTagger.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork TorchRnnStackedNetwork(int seed, int maxBatch, int maxSteps) => Build<TorchRnnStacked, TorchRnnStacked.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork ManyToOneRegressorNetwork(int seed, int maxBatch, int maxSteps) => Build<ManyToOneRegressor, ManyToOneRegressor.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork TanhHeadTaggerNetwork(int seed, int maxBatch, int maxSteps) => Build<TanhHeadTagger, TanhHeadTagger.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork ReluHeadTaggerNetwork(int seed, int maxBatch, int maxSteps) => Build<ReluHeadTagger, ReluHeadTagger.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork SigmoidHeadClassifierNetwork(int seed, int maxBatch, int maxSteps) => Build<SigmoidHeadClassifier, SigmoidHeadClassifier.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork SequenceClassifierNetwork(int seed, int maxBatch, int maxSteps) => Build<SequenceClassifier, SequenceClassifier.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork DeepTaggerNetwork(int seed, int maxBatch, int maxSteps) => Build<DeepTagger, DeepTagger.Workspace>(seed, maxBatch, maxSteps);

    public static GeneratedNetwork DenseFirstTaggerNetwork(int seed, int maxBatch, int maxSteps) => Build<DenseFirstTagger, DenseFirstTagger.Workspace>(seed, maxBatch, maxSteps);

    /// <summary>
    /// Binds a generated model and a training workspace through the reflection adapter the gated-cell tests use, so
    /// one body serves every model: the generated members have the same names in every model class.
    /// </summary>
    private static GeneratedNetwork Build<TModel, TWorkspace>(int seed, int maxBatch, int maxSteps)
        where TModel : class, new()
        where TWorkspace : class
    {
        var model = new GeneratedModel<TModel, TWorkspace>();
        model.Initialize(seed);
        model.CreateWorkspace(maxBatch, maxSteps, training: true);
        var states = new List<RecurrentState>();
        foreach (var layer in model.Layers)
        {
            if (layer.View is SimpleRnnLayer rnn)
            {
                string n = layer.Name;
                states.Add(new RecurrentState(
                    rnn,
                    () => model.WorkspaceSpan(n + "InitialState"),
                    () => model.WorkspaceSpan(n + "FinalState"),
                    () => model.WorkspaceSpan(n + "InitialStateGradient"),
                    () => model.WorkspaceSpan(n + "FinalStateGradient")));
            }
        }

        return new GeneratedNetwork
        {
            ModelType = typeof(TModel),
            InputSize = model.InputSize,
            OutputSize = model.OutputSize,
            OutputIsSequence = model.OutputIsSequence,
            ParameterCount = (int)typeof(TModel).GetField("ParameterCount")!.GetRawConstantValue()!,
            ParameterTensors = model.ParameterTensors,
            MaxBatch = maxBatch,
            MaxSteps = maxSteps,
            Parameters = () => model.Parameters,
            Gradients = () => model.Gradients,
            ZeroGradients = model.ZeroGradients,
            Forward = model.Forward,
            Backward = model.Backward,
            States = states,
        };
    }
}
