using System;
using System.Collections.Generic;

namespace RnnGen.Generator.Model;

/// <summary>Metadata names of the runtime types the parser and the emitter refer to.</summary>
internal static class KnownNames
{
    public const string RnnModelAttribute = "RnnGen.RnnModelAttribute";
    public const string SimpleRnnAttribute = "RnnGen.SimpleRnnAttribute";
    public const string DenseAttribute = "RnnGen.DenseAttribute";
    public const string SoftmaxAttribute = "RnnGen.SoftmaxAttribute";
    public const string LstmAttribute = "RnnGen.LstmAttribute";
    public const string GruAttribute = "RnnGen.GruAttribute";
    public const string BidirectionalAttribute = "RnnGen.BidirectionalAttribute";
    public const string EmbeddingAttribute = "RnnGen.EmbeddingAttribute";

    public const string SimpleRnnLayer = "global::RnnGen.SimpleRnnLayer";
    public const string DenseLayer = "global::RnnGen.DenseLayer";
    public const string LstmLayer = "global::RnnGen.LstmLayer";
    public const string GruLayer = "global::RnnGen.GruLayer";
    public const string EmbeddingLayer = "global::RnnGen.EmbeddingLayer";

    /// <summary>The member the emitter adds to a model that reads token ids (its first layer is an embedding).</summary>
    public const string VocabularySizeMember = "VocabularySize";

    /// <summary>
    /// Members the emitter adds to every model class; a layer property of the same name would clash with one.
    /// Keep in step with <c>ModelEmitter</c>.
    /// </summary>
    private static readonly HashSet<string> GeneratedMembers = new(StringComparer.Ordinal)
    {
        "InputSize", "OutputSize", "OutputIsSequence", "ParameterCount", "ParameterTensors", "Parameters",
        "Initialize", "InitialParameters", "InitializeArena", "Forward", "CheckForward", "RunForward",
        "Backward", "RunBackward", "Workspace", "Trainer", "_parameters", "Step", "State", "Save", "Load",
        "LoadPyTorch", "PyTorchLayers", "_parameterVersion", "_stepWeights", "PackStepWeights", "StepWeightsLength",
    };

    /// <summary>
    /// Suffixes of the members the emitter adds to the model class for each layer <c>L</c>, besides the field
    /// <c>_LLayer</c>: offset constants of its tensors (<c>L_WeightIh</c>) and its <c>L_Forward</c>/<c>L_Backward</c>
    /// methods. Keep in step with <c>NetworkPlanner</c> and the layer emitters.
    /// </summary>
    public static IReadOnlyList<string> LayerMemberSuffixes(LayerKind kind) => kind switch
    {
        LayerKind.SimpleRnn or LayerKind.Gru => RecurrentSuffixes,
        LayerKind.Lstm => LstmSuffixes,
        LayerKind.Dense => DenseSuffixes,
        LayerKind.Embedding => EmbeddingSuffixes,
        _ => Array.Empty<string>(),
    };

    private static readonly string[] RecurrentSuffixes =
    {
        "_WeightIh", "_WeightHh", "_BiasIh", "_BiasHh",
        "_WeightIhReverse", "_WeightHhReverse", "_BiasIhReverse", "_BiasHhReverse",
        "_Forward", "_Backward", "_Step", "_StepWeights",
    };

    private static readonly string[] LstmSuffixes =
    {
        "_WeightIh", "_WeightHh", "_BiasIh", "_BiasHh", "_Peephole",
        "_WeightIhReverse", "_WeightHhReverse", "_BiasIhReverse", "_BiasHhReverse", "_PeepholeReverse",
        "_Forward", "_Backward", "_Step", "_StepWeights",
    };

    private static readonly string[] DenseSuffixes = { "_Weight", "_Bias", "_Forward", "_Backward", "_Step" };

    private static readonly string[] EmbeddingSuffixes = { "_Weight", "_Forward", "_Backward", "_Step" };

    /// <summary>Names of the <c>DenseActivation</c> values, by value.</summary>
    public static IReadOnlyList<string> DenseActivationNames { get; } = new[] { "Linear", "Tanh", "Relu", "Sigmoid" };

    /// <summary>Whether a layer named <paramref name="name"/> would clash with a generated member.</summary>
    public static bool IsGeneratedMemberName(string name) => GeneratedMembers.Contains(name) || name == VocabularySizeMember;

    /// <summary>The members the emitter adds to every model class.</summary>
    public static IEnumerable<string> GeneratedMemberNames => GeneratedMembers;

    /// <summary>Whether a model class named <paramref name="name"/> would clash with a type generated inside it.</summary>
    public static bool IsGeneratedTypeName(string name) => name is "Workspace" or "Trainer" or "State";

    /// <summary>
    /// How many values the activation enum of <paramref name="kind"/> defines: <c>RnnActivation</c> has tanh and relu,
    /// <c>DenseActivation</c> linear, tanh, relu and sigmoid. The emitters handle exactly these. LSTM and GRU have
    /// fixed nonlinearities (σ for gates, tanh for candidates) and no activation option, an embedding none: their one value is 0.
    /// </summary>
    public static int ActivationCountOf(LayerKind kind) => kind switch
    {
        LayerKind.SimpleRnn => 2,
        LayerKind.Dense => 4,
        LayerKind.Lstm or LayerKind.Gru or LayerKind.Embedding => 1,
        _ => 0,
    };

    /// <summary>The property type a layer of <paramref name="kind"/> must have.</summary>
    public static string LayerTypeOf(LayerKind kind) => kind switch
    {
        LayerKind.SimpleRnn => SimpleRnnLayer,
        LayerKind.Dense => DenseLayer,
        LayerKind.Lstm => LstmLayer,
        LayerKind.Gru => GruLayer,
        LayerKind.Embedding => EmbeddingLayer,
        _ => string.Empty,
    };
}
