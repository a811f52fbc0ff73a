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
    private const string HelpBase = "https://github.com/rnngen/rnngen/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor ModelNotPartial = Error(
        DiagnosticIds.ModelNotPartial,
        "Model class must be partial",
        "Model class '{0}' must be declared partial so RnnGen can generate its forward and backward code; add the 'partial' modifier");

    public static readonly DiagnosticDescriptor UnsupportedModelType = Error(
        DiagnosticIds.UnsupportedModelType,
        "Model class is of an unsupported kind",
        "Model class '{0}' is {1}; declare the model as a non-generic, non-static partial class whose enclosing types are partial and non-generic");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        DiagnosticIds.NoLayers,
        "Model has no layers",
        "Model '{0}' declares no layers; add a property with a layer attribute such as [SimpleRnn(hidden: 32)]");

    public static readonly DiagnosticDescriptor InputSizeMissing = Error(
        DiagnosticIds.InputSizeMissing,
        "Model input size is missing or out of range",
        "Model '{0}' has InputSize = {1}; set [RnnModel(InputSize = n)] to the number of features per time step, between 1 and {2}");

    public static readonly DiagnosticDescriptor SizeOutOfRange = Error(
        DiagnosticIds.SizeOutOfRange,
        "Layer size is out of range",
        "Layer '{0}' has size {1}; a size must be between 1 and {2}");

    public static readonly DiagnosticDescriptor InvalidArgument = Error(
        DiagnosticIds.InvalidArgument,
        "Layer attribute argument is missing, not a constant or not a defined value",
        "An argument of layer '{0}' is missing, is not a compile-time constant or is not a defined enum value; RnnGen needs constant sizes and options it knows");

    public static readonly DiagnosticDescriptor LayerPropertyShape = Error(
        DiagnosticIds.LayerPropertyShape,
        "Layer property has the wrong form",
        "Layer '{0}' must be declared as an instance 'partial {1} {0} {{ get; }}' property without a body");

    public static readonly DiagnosticDescriptor SeveralLayerAttributes = Error(
        DiagnosticIds.SeveralLayerAttributes,
        "Property declares several layers",
        "Property '{0}' carries more than one layer attribute; declare one layer per property");

    public static readonly DiagnosticDescriptor SoftmaxNotOnOutput = Error(
        DiagnosticIds.SoftmaxNotOnOutput,
        "Softmax must be on the output dense layer",
        "[Softmax] on '{0}' is not allowed here; put it on the last layer of the model, which must be a [Dense] layer");

    public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = Error(
        DiagnosticIds.LayersSplitAcrossDeclarations,
        "Layers are split across partial declarations",
        "Model '{0}' declares layers in {1} partial declarations, so their order is ambiguous; declare all layers in one declaration");

    public static readonly DiagnosticDescriptor RecurrentLayerNeedsSequence = Error(
        DiagnosticIds.RecurrentLayerNeedsSequence,
        "Recurrent layer has no sequence to read",
        "Recurrent layer '{0}' follows '{1}', which yields one vector per sequence; set ReturnSequences = true on '{1}' or move '{0}' before it");

    public static readonly DiagnosticDescriptor LargeModel = new(
        DiagnosticIds.LargeModel,
        "Model is very large",
        "Model '{0}' has {1} parameters ({2} MB of float32 for the weights alone, as much again for gradients); check the layer sizes",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpBase + DiagnosticIds.LargeModel + ".md");

    public static readonly DiagnosticDescriptor GeneratedNameClash = Error(
        DiagnosticIds.GeneratedNameClash,
        "Name clashes with generated code",
        "The name '{0}' is taken by a member RnnGen generates in every model; rename it");

    public static readonly DiagnosticDescriptor ModelTooLarge = Error(
        DiagnosticIds.ModelTooLarge,
        "Model has more parameters than an array can hold",
        "Model '{0}' has {1} parameters, more than the {2} one parameter array can hold; reduce the layer sizes");

    public static readonly DiagnosticDescriptor BidirectionalNotRecurrent = Error(
        DiagnosticIds.BidirectionalNotRecurrent,
        "Only recurrent layers can be bidirectional",
        "[Bidirectional] on '{0}' is not allowed: only a recurrent layer ([SimpleRnn], [Lstm] or [Gru]) runs in both directions; remove [Bidirectional] or put it on a recurrent layer");

    public static readonly DiagnosticDescriptor BidirectionalInStreamingModel = Error(
        DiagnosticIds.BidirectionalInStreamingModel,
        "A streaming model cannot have a bidirectional layer",
        "Layer '{0}' is bidirectional, but model '{1}' is declared for streaming: the reverse direction starts at a sequence's end, which a live stream never reaches; remove [Bidirectional] or Streaming = true");

    public static ImmutableArray<DiagnosticDescriptor> All { get; } = ImmutableArray.Create(
        ModelNotPartial, UnsupportedModelType, NoLayers, InputSizeMissing, SizeOutOfRange, InvalidArgument,
        LayerPropertyShape, SeveralLayerAttributes, SoftmaxNotOnOutput, LayersSplitAcrossDeclarations,
        RecurrentLayerNeedsSequence, LargeModel, GeneratedNameClash, ModelTooLarge, BidirectionalNotRecurrent,
        BidirectionalInStreamingModel);

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

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");
}
