using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Rules;

/// <summary>Where a violation points: the model class, one layer (by index in declaration order) or one of its arguments, or another member.</summary>
internal enum ViolationTarget
{
    ModelClass,
    LayerAttribute,
    LayerProperty,

    /// <summary>One named argument of a layer attribute, <see cref="Violation.ArgumentName"/>; the attribute if it is not written.</summary>
    LayerNamedArgument,

    /// <summary>A member of the model class that is not a layer, named by the first message argument; the class if it is inherited.</summary>
    Member,
}

/// <summary>One broken rule, as plain data; the analyzers turn it into a diagnostic at the right place.</summary>
/// <param name="Id">A <see cref="DiagnosticIds"/> constant.</param>
/// <param name="Target">What the diagnostic points at.</param>
/// <param name="LayerIndex">The layer, for layer targets; -1 otherwise.</param>
/// <param name="Arguments">Message arguments, in the order of the descriptor's format.</param>
internal sealed record Violation(string Id, ViolationTarget Target, int LayerIndex, EquatableArray<string> Arguments)
{
    /// <summary>For <see cref="ViolationTarget.LayerNamedArgument"/>: the name of the argument, such as <c>Activation</c>.</summary>
    public string? ArgumentName { get; init; }

    /// <summary>Whether the rule is a warning rather than an error.</summary>
    public bool IsWarning => DiagnosticIds.IsWarning(Id);
}

/// <summary>
/// The shape and model rules, in one place: the analyzers report what they find, and the generator
/// emits nothing for a model with any error, so an invalid model never turns into broken code.
/// </summary>
internal static class ModelRules
{
    /// <summary>Every rule <paramref name="spec"/> breaks, in source order.</summary>
    public static List<Violation> Check(NetworkSpec spec)
    {
        var found = new List<Violation>();
        void Model(string id, params string[] args) => found.Add(new Violation(id, ViolationTarget.ModelClass, -1, new EquatableArray<string>(args)));
        void Layer(string id, ViolationTarget target, int index, params string[] args) => found.Add(new Violation(id, target, index, new EquatableArray<string>(args)));

        if (!spec.IsPartial)
        {
            Model(DiagnosticIds.ModelNotPartial, spec.ClassName);
        }

        if (KnownNames.IsGeneratedTypeName(spec.ClassName))
        {
            Model(DiagnosticIds.GeneratedNameClash, spec.ClassName, "a type RnnGen generates in every model");
        }

        if (spec.IsGeneric || spec.IsStatic || spec.IsRecord || spec.IsFileLocal)
        {
            Model(DiagnosticIds.UnsupportedModelType, spec.ClassName, spec.IsGeneric ? "a generic class" : spec.IsStatic ? "a static class" : spec.IsRecord ? "a record" : "a file-local class, which the generated file cannot add to");
        }

        if (spec.BaseModelName is { } baseModel)
        {
            Model(DiagnosticIds.UnsupportedModelType, spec.ClassName, $"derived from the model '{baseModel}', whose generated members it would hide");
        }

        foreach (var container in spec.Containers)
        {
            if (container.IsGeneric || !container.IsPartial || container.Keyword == "interface" || container.IsFileLocal)
            {
                Model(
                    DiagnosticIds.UnsupportedModelType,
                    spec.ClassName,
                    container.IsGeneric ? $"nested in the generic type '{container.Name}'"
                    : container.IsFileLocal ? $"nested in the file-local type '{container.Name}', which the generated file cannot add to"
                    : $"nested in '{container.Name}', which is not a partial class or struct");
            }
        }

        if (spec.Layers.Count == 0)
        {
            Model(DiagnosticIds.NoLayers, spec.ClassName);
            return found;
        }

        if (spec.LayerDeclarationCount > 1)
        {
            Model(DiagnosticIds.LayersSplitAcrossDeclarations, spec.ClassName, spec.LayerDeclarationCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (spec.ReadsTokens)
        {
            // The input is one token id per step, [T, B]; a feature count would contradict the embedding.
            if (spec.InputSize != 0)
            {
                Model(DiagnosticIds.InputSizeWithEmbedding, spec.ClassName, spec.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), spec.Layers[0].Name);
            }
        }
        else if (spec.InputSize <= 0 || spec.InputSize > ShapeLimits.MaxInputSize)
        {
            Model(DiagnosticIds.InputSizeMissing, spec.ClassName, spec.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), ShapeLimits.MaxInputSize.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }

        var generatedNames = GeneratedNames(spec);
        foreach (string member in spec.OtherMemberNames)
        {
            if (generatedNames.TryGetValue(member, out string? owner))
            {
                found.Add(new Violation(DiagnosticIds.GeneratedNameClash, ViolationTarget.Member, -1, new EquatableArray<string>(new[] { member, owner })));
            }
        }

        bool sequence = true;
        long parameters = 0;
        int inputSize = spec.InputSize;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            if (layer.LayerAttributeCount > 1)
            {
                Layer(DiagnosticIds.SeveralLayerAttributes, ViolationTarget.LayerProperty, i, layer.Name);
            }

            if (layer.Bidirectional && !layer.IsRecurrent)
            {
                // On a dense layer, or alone without a layer attribute.
                Layer(DiagnosticIds.BidirectionalNotRecurrent, ViolationTarget.LayerProperty, i, layer.Name);
            }

            if (layer.Bidirectional && layer.IsRecurrent && spec.Streaming)
            {
                // A live stream has no end for the reverse direction to start from.
                Layer(DiagnosticIds.BidirectionalInStreamingModel, ViolationTarget.LayerProperty, i, layer.Name, spec.ClassName);
            }

            if (layer.Kind == LayerKind.Unknown)
            {
                // Only modifiers without a layer attribute: [Softmax] there is misplaced ([Bidirectional] is reported above).
                if (layer.Softmax || !layer.Bidirectional)
                {
                    Layer(DiagnosticIds.SoftmaxNotOnOutput, ViolationTarget.LayerProperty, i, layer.Name);
                }

                continue;
            }

            if (generatedNames.TryGetValue(layer.Name, out string? owner))
            {
                Layer(DiagnosticIds.GeneratedNameClash, ViolationTarget.LayerProperty, i, layer.Name, owner);
            }

            for (int j = 0; j < i; j++)
            {
                string other = spec.Layers[j].Name;
                if (other != layer.Name && string.Equals(other, layer.Name, System.StringComparison.OrdinalIgnoreCase))
                {
                    Layer(DiagnosticIds.LayerNamesDifferOnlyInCase, ViolationTarget.LayerProperty, i, layer.Name, other);
                    break;
                }
            }

            string expectedType = KnownNames.LayerTypeOf(layer.Kind);
            if (layer.PropertyType != expectedType || !layer.IsPartialDefinition || layer.IsStatic)
            {
                Layer(DiagnosticIds.LayerPropertyShape, ViolationTarget.LayerProperty, i, layer.Name, expectedType.Replace("global::", string.Empty));
            }

            // An activation outside its enum, such as (RnnActivation)7, is as unusable as a missing one.
            if (layer.HasInvalidArguments || layer.Activation < 0 || layer.Activation >= KnownNames.ActivationCountOf(layer.Kind))
            {
                Layer(DiagnosticIds.InvalidArgument, ViolationTarget.LayerAttribute, i, layer.Name);
            }
            else
            {
                int max = layer.IsRecurrent ? ShapeLimits.MaxHidden : layer.Kind == LayerKind.Embedding ? ShapeLimits.MaxEmbeddingSize : ShapeLimits.MaxUnits;
                if (layer.Size <= 0 || layer.Size > max)
                {
                    Layer(DiagnosticIds.SizeOutOfRange, ViolationTarget.LayerAttribute, i, layer.Name, layer.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), max.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            if (layer.Kind == LayerKind.Embedding && !layer.HasInvalidArguments && (layer.Vocabulary <= 0 || layer.Vocabulary > ShapeLimits.MaxVocabulary))
            {
                Layer(DiagnosticIds.VocabularyOutOfRange, ViolationTarget.LayerAttribute, i, layer.Name, layer.Vocabulary.ToString(System.Globalization.CultureInfo.InvariantCulture), ShapeLimits.MaxVocabulary.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            }

            // Token ids enter the model only at its input: after another layer there are features, not ids.
            if (layer.Kind == LayerKind.Embedding && i > 0)
            {
                Layer(DiagnosticIds.EmbeddingNotFirst, ViolationTarget.LayerAttribute, i, layer.Name, spec.Layers[0].Name);
            }

            if (layer.Softmax && (layer.Kind != LayerKind.Dense || i != spec.Layers.Count - 1))
            {
                Layer(DiagnosticIds.SoftmaxNotOnOutput, ViolationTarget.LayerProperty, i, layer.Name);
            }

            // Softmax is applied to W x + b itself; an activation in between would be silently left out.
            if (layer.Softmax && layer.Kind == LayerKind.Dense && layer.Activation > 0 && layer.Activation < KnownNames.DenseActivationNames.Count)
            {
                found.Add(new Violation(DiagnosticIds.SoftmaxAfterActivation, ViolationTarget.LayerNamedArgument, i, new EquatableArray<string>(new[] { layer.Name, KnownNames.DenseActivationNames[layer.Activation] }))
                {
                    ArgumentName = "Activation",
                });
            }

            // One class has probability 1 whatever the input: cross-entropy is 0 and its gradient too.
            if (layer.Softmax && layer.Kind == LayerKind.Dense && layer.Size == 1 && !layer.HasInvalidArguments)
            {
                Layer(DiagnosticIds.SoftmaxOverOneClass, ViolationTarget.LayerAttribute, i, layer.Name);
            }

            if (layer.IsRecurrent && !sequence)
            {
                Layer(DiagnosticIds.RecurrentLayerNeedsSequence, ViolationTarget.LayerAttribute, i, layer.Name, spec.Layers[i - 1].Name);
            }

            // A bidirectional layer has each tensor twice and passes on [h→; h←], 2H wide.
            int directions = layer.IsRecurrent && layer.Bidirectional ? 2 : 1;
            int units = layer.Size > 0 ? layer.Size : 0;
            parameters += directions * ParameterCount(layer, inputSize, units);
            int outputSize = (int)System.Math.Min((long)directions * units, int.MaxValue);
            if (layer.IsRecurrent)
            {
                sequence = layer.ReturnSequences;
            }

            inputSize = outputSize;
        }

        if (parameters > ShapeLimits.MaxParameterCount)
        {
            Model(DiagnosticIds.ModelTooLarge, spec.ClassName, parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), ShapeLimits.MaxParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }
        else if (parameters > ShapeLimits.LargeParameterCount)
        {
            Model(DiagnosticIds.LargeModel, spec.ClassName, parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), (parameters * 4 / (1024 * 1024)).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }

        return found;
    }

    /// <summary>
    /// Rules for properties that carry a layer attribute in a class without <c>[RnnModel]</c>: the generator never
    /// sees such a class, so the attribute does nothing. Only the analyzers call this.
    /// </summary>
    /// <param name="className">The class that holds the properties.</param>
    /// <param name="layerProperties">Names of its properties with a layer attribute or <c>[Softmax]</c>, in declaration order.</param>
    public static List<Violation> CheckClassWithoutModelAttribute(string className, IReadOnlyList<string> layerProperties)
    {
        var found = new List<Violation>();
        for (int i = 0; i < layerProperties.Count; i++)
        {
            found.Add(new Violation(DiagnosticIds.LayerOutsideModel, ViolationTarget.LayerAttribute, i, new EquatableArray<string>(new[] { layerProperties[i], className })));
        }

        return found;
    }

    private const string EveryModel = "a member RnnGen generates in every model";

    /// <summary>
    /// Every name the generated code declares in the model class, with what it belongs to (for the message):
    /// the members of every model, and each layer's field, offset constants and forward and backward methods.
    /// </summary>
    private static Dictionary<string, string> GeneratedNames(NetworkSpec spec)
    {
        var names = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (string name in KnownNames.GeneratedMemberNames)
        {
            names[name] = EveryModel;
        }

        if (spec.ReadsTokens)
        {
            names[KnownNames.VocabularySizeMember] = "a member RnnGen generates in every model that reads token ids";
        }

        foreach (var layer in spec.Layers)
        {
            string owner = $"the member RnnGen generates for layer '{layer.Name}'";
            names["_" + layer.Name + "Layer"] = owner;
            foreach (string suffix in KnownNames.LayerMemberSuffixes(layer.Kind))
            {
                names[layer.Name + suffix] = owner;
            }
        }

        return names;
    }

    /// <summary>
    /// Parameters of one layer (one direction of a bidirectional layer) reading <paramref name="inputSize"/> features, in 64 bits so that absurd sizes are
    /// reported rather than overflowed. Gated cells have one weight block per gate: LSTM 4 (3 when the input gate is
    /// coupled to the forget gate) plus one peephole vector per peeping gate, GRU 3.
    /// </summary>
    public static long ParameterCount(LayerSpec layer, long inputSize, long outputSize)
    {
        switch (layer.Kind)
        {
            case LayerKind.SimpleRnn:
                return outputSize * (inputSize + outputSize + 2);
            case LayerKind.Lstm:
                long gates = layer.CoupledInputForget ? 3 : 4;
                long peepholes = layer.Peephole ? (layer.CoupledInputForget ? 2 : 3) : 0;
                return (gates * outputSize * (inputSize + outputSize + 2)) + (peepholes * outputSize);
            case LayerKind.Gru:
                return 3 * outputSize * (inputSize + outputSize + 2);
            case LayerKind.Dense:
                return outputSize * (inputSize + 1);
            case LayerKind.Embedding:
                return System.Math.Max(0L, layer.Vocabulary) * outputSize;
            default:
                return 0;
        }
    }

    /// <summary>
    /// Whether <paramref name="spec"/> breaks no error rule, so code can be generated for it. A class or
    /// layer without a name, or two layers or a layer and another member of one name, are compile errors
    /// already; generating code for them would only repeat those errors in the generated file.
    /// </summary>
    public static bool CanGenerate(NetworkSpec spec)
    {
        var names = new HashSet<string>();
        if (spec.ClassName.Length == 0)
        {
            return false;
        }

        foreach (var container in spec.Containers)
        {
            if (container.Name.Length == 0)
            {
                return false;
            }
        }

        foreach (var layer in spec.Layers)
        {
            if (layer.Name.Length == 0 || !names.Add(layer.Name))
            {
                return false;
            }
        }

        // Another member of a layer's name is the compiler's error CS0102 already.
        foreach (string member in spec.OtherMemberNames)
        {
            if (names.Contains(member))
            {
                return false;
            }
        }

        foreach (var violation in Check(spec))
        {
            if (!violation.IsWarning)
            {
                return false;
            }
        }

        return true;
    }
}
