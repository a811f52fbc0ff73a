using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Rules;

namespace RnnGen.Analyzers;

/// <summary>
/// The one table of RnnGen diagnostics: ID, title, message, severity and a help page each
/// (<c>docs/diagnostics/RNNxxxx.md</c>). Message arguments come from <see cref="Violation.Arguments"/>.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "RnnGen";

    /// <summary>
    /// Where the help pages are: <c>docs/diagnostics/</c> of the repository. A descriptor needs an absolute URI,
    /// so the relative docs path is joined to the repository's address; each page is <c>RNNxxxx.md</c>.
    /// </summary>
    public const string HelpLinkBase = "https://github.com/rnngen/rnngen/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor ModelNotPartial = Rule(
        DiagnosticIds.ModelNotPartial,
        "Model class must be partial",
        "Model class '{0}' must be declared partial so RnnGen can generate its forward and backward code; add the 'partial' modifier");

    public static readonly DiagnosticDescriptor UnsupportedModelType = Rule(
        DiagnosticIds.UnsupportedModelType,
        "Model class is of an unsupported kind",
        "Model class '{0}' is {1}; declare the model as a plain partial class (not generic, static, file-local or a record, not derived from another model) whose enclosing types are partial and non-generic");

    public static readonly DiagnosticDescriptor NoLayers = Rule(
        DiagnosticIds.NoLayers,
        "Model has no layers",
        "Model '{0}' declares no layers; add a property with a layer attribute such as [SimpleRnn(hidden: 32)]");

    public static readonly DiagnosticDescriptor InputSizeMissing = Rule(
        DiagnosticIds.InputSizeMissing,
        "Model input size is missing or out of range",
        "Model '{0}' has InputSize = {1}; set [RnnModel(InputSize = n)] to the number of features per time step, between 1 and {2}");

    public static readonly DiagnosticDescriptor SizeOutOfRange = Rule(
        DiagnosticIds.SizeOutOfRange,
        "Layer size is out of range",
        "Layer '{0}' has size {1}; a size must be between 1 and {2}");

    public static readonly DiagnosticDescriptor InvalidArgument = Rule(
        DiagnosticIds.InvalidArgument,
        "Layer attribute argument is missing, not a constant or not a defined value",
        "An argument of layer '{0}' is missing, is not a compile-time constant or is not a defined enum value; RnnGen needs constant sizes and options it knows");

    public static readonly DiagnosticDescriptor LayerPropertyShape = Rule(
        DiagnosticIds.LayerPropertyShape,
        "Layer property has the wrong form",
        "Layer '{0}' must be declared as an instance 'partial {1} {0} {{ get; }}' property without a body");

    public static readonly DiagnosticDescriptor SeveralLayerAttributes = Rule(
        DiagnosticIds.SeveralLayerAttributes,
        "Property declares several layers",
        "Property '{0}' carries more than one layer attribute; declare one layer per property");

    public static readonly DiagnosticDescriptor SoftmaxNotOnOutput = Rule(
        DiagnosticIds.SoftmaxNotOnOutput,
        "Softmax must be on the output dense layer",
        "[Softmax] on '{0}' is not allowed here; put it on the last layer of the model, which must be a [Dense] layer");

    public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = Rule(
        DiagnosticIds.LayersSplitAcrossDeclarations,
        "Layers are split across partial declarations",
        "Model '{0}' declares layers in {1} partial declarations, so their order is ambiguous; declare all layers in one declaration");

    public static readonly DiagnosticDescriptor RecurrentLayerNeedsSequence = Rule(
        DiagnosticIds.RecurrentLayerNeedsSequence,
        "Recurrent layer has no sequence to read",
        "Recurrent layer '{0}' follows '{1}', which yields one vector per sequence; set ReturnSequences = true on '{1}' or move '{0}' before it");

    public static readonly DiagnosticDescriptor LargeModel = Rule(
        DiagnosticIds.LargeModel,
        "Model is very large",
        "Model '{0}' has {1} parameters ({2} MB of float32 for the weights alone, as much again for gradients); check the layer sizes");

    public static readonly DiagnosticDescriptor GeneratedNameClash = Rule(
        DiagnosticIds.GeneratedNameClash,
        "Name clashes with generated code",
        "The name '{0}' is taken by {1}; rename it");

    public static readonly DiagnosticDescriptor ModelTooLarge = Rule(
        DiagnosticIds.ModelTooLarge,
        "Model has more parameters than an array can hold",
        "Model '{0}' has {1} parameters, more than the {2} one parameter array can hold; reduce the layer sizes");

    public static readonly DiagnosticDescriptor SoftmaxAfterActivation = Rule(
        DiagnosticIds.SoftmaxAfterActivation,
        "Softmax layer has an activation",
        "Layer '{0}' has Activation = DenseActivation.{1} and [Softmax], but softmax is applied to W x + b itself and the activation would be ignored; remove the Activation argument");

    public static readonly DiagnosticDescriptor SoftmaxOverOneClass = Rule(
        DiagnosticIds.SoftmaxOverOneClass,
        "Softmax output has one class",
        "Softmax layer '{0}' has one output, whose probability is always 1, so its loss and every gradient are 0 and nothing can be learned; give it one output per class, at least 2");

    public static readonly DiagnosticDescriptor LayerOutsideModel = Rule(
        DiagnosticIds.LayerOutsideModel,
        "Layer attribute outside a model",
        "'{0}' carries a layer attribute, but its class '{1}' has no [RnnModel] attribute, so RnnGen generates nothing for it; mark the class [RnnModel(InputSize = n)] or remove the layer attribute");

    public static readonly DiagnosticDescriptor LayerNamesDifferOnlyInCase = Rule(
        DiagnosticIds.LayerNamesDifferOnlyInCase,
        "Layer names differ only in case",
        "Layers '{0}' and '{1}' differ only in case, so their tensor names ('{0}.*', '{1}.*') collide in case-insensitive file systems and checkpoint tools; rename one");

    public static readonly DiagnosticDescriptor BidirectionalNotRecurrent = Rule(
        DiagnosticIds.BidirectionalNotRecurrent,
        "Only recurrent layers can be bidirectional",
        "[Bidirectional] on '{0}' is not allowed: only a recurrent layer ([SimpleRnn], [Lstm] or [Gru]) runs in both directions; remove [Bidirectional] or put it on a recurrent layer");

    public static readonly DiagnosticDescriptor BidirectionalInStreamingModel = Rule(
        DiagnosticIds.BidirectionalInStreamingModel,
        "A streaming model cannot have a bidirectional layer",
        "Layer '{0}' is bidirectional, but model '{1}' is declared for streaming: the reverse direction starts at a sequence's end, which a live stream never reaches; remove [Bidirectional] or Streaming = true");

    public static readonly DiagnosticDescriptor EmbeddingNotFirst = Rule(
        DiagnosticIds.EmbeddingNotFirst,
        "Embedding must be the first layer",
        "Layer '{0}' is an embedding after layer '{1}': an embedding reads the model's token ids, which only the first layer sees; move it first or remove it");

    public static readonly DiagnosticDescriptor InputSizeWithEmbedding = Rule(
        DiagnosticIds.InputSizeWithEmbedding,
        "Model that reads token ids has an input size",
        "Model '{0}' has InputSize = {1}, but its first layer '{2}' is an embedding, so it reads one token id per step; remove InputSize");

    public static readonly DiagnosticDescriptor VocabularyOutOfRange = Rule(
        DiagnosticIds.VocabularyOutOfRange,
        "Embedding vocabulary is out of range",
        "Embedding '{0}' has vocabulary {1}; a vocabulary must be between 1 and {2} token ids");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        ModelNotPartial, UnsupportedModelType, NoLayers, InputSizeMissing, SizeOutOfRange, InvalidArgument,
        LayerPropertyShape, SeveralLayerAttributes, SoftmaxNotOnOutput, LayersSplitAcrossDeclarations,
        RecurrentLayerNeedsSequence, LargeModel, GeneratedNameClash, ModelTooLarge, SoftmaxAfterActivation,
        SoftmaxOverOneClass, LayerOutsideModel, LayerNamesDifferOnlyInCase, BidirectionalNotRecurrent,
        BidirectionalInStreamingModel, EmbeddingNotFirst, InputSizeWithEmbedding, VocabularyOutOfRange);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = new();

    /// <summary>The descriptor of a rule ID.</summary>
    public static DiagnosticDescriptor For(string id)
    {
        lock (ById)
        {
            if (ById.Count == 0)
            {
                foreach (var d in All)
                {
                    ById[d.Id] = d;
                }
            }

            return ById[id];
        }
    }

    /// <summary>A descriptor whose severity is the rules' own (<see cref="DiagnosticIds.IsWarning"/>).</summary>
    private static DiagnosticDescriptor Rule(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticIds.IsWarning(id) ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
