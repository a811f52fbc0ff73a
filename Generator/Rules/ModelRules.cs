using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Rules;

/// <summary>Where a violation points: the model class, or one layer (by index in declaration order).</summary>
internal enum ViolationTarget
{
    ModelClass,
    LayerAttribute,
    LayerProperty,
}

/// <summary>One broken rule, as plain data; the analyzers turn it into a diagnostic at the right place.</summary>
/// <param name="Id">A <see cref="DiagnosticIds"/> constant.</param>
/// <param name="Target">What the diagnostic points at.</param>
/// <param name="LayerIndex">The layer, for layer targets; -1 otherwise.</param>
/// <param name="Arguments">Message arguments, in the order of the descriptor's format.</param>
internal sealed record Violation(string Id, ViolationTarget Target, int LayerIndex, EquatableArray<string> Arguments)
{
    /// <summary>Whether the rule is a warning rather than an error.</summary>
    public bool IsWarning => Id == DiagnosticIds.LargeModel;
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
            Model(DiagnosticIds.GeneratedNameClash, spec.ClassName);
        }

        if (spec.IsGeneric || spec.IsStatic)
        {
            Model(DiagnosticIds.UnsupportedModelType, spec.ClassName, spec.IsGeneric ? "a generic class" : "a static class");
        }

        foreach (var container in spec.Containers)
        {
            if (container.IsGeneric || !container.IsPartial || container.Keyword == "interface")
            {
                Model(DiagnosticIds.UnsupportedModelType, spec.ClassName, container.IsGeneric ? $"nested in the generic type '{container.Name}'" : $"nested in '{container.Name}', which is not a partial class or struct");
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

        if (spec.InputSize <= 0 || spec.InputSize > ShapeLimits.MaxInputSize)
        {
            Model(DiagnosticIds.InputSizeMissing, spec.ClassName, spec.InputSize.ToString(System.Globalization.CultureInfo.InvariantCulture), ShapeLimits.MaxInputSize.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
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

            if (KnownNames.IsGeneratedMemberName(layer.Name))
            {
                Layer(DiagnosticIds.GeneratedNameClash, ViolationTarget.LayerProperty, i, layer.Name);
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
                int max = layer.IsRecurrent ? ShapeLimits.MaxHidden : ShapeLimits.MaxUnits;
                if (layer.Size <= 0 || layer.Size > max)
                {
                    Layer(DiagnosticIds.SizeOutOfRange, ViolationTarget.LayerAttribute, i, layer.Name, layer.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), max.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            if (layer.Softmax && (layer.Kind != LayerKind.Dense || i != spec.Layers.Count - 1))
            {
                Layer(DiagnosticIds.SoftmaxNotOnOutput, ViolationTarget.LayerProperty, i, layer.Name);
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
            default:
                return 0;
        }
    }

    /// <summary>
    /// Whether <paramref name="spec"/> breaks no error rule, so code can be generated for it. A class or
    /// layer without a name, or two layers of one name, are compile errors already; generating code for
    /// them would only repeat those errors in the generated file.
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
