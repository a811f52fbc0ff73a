using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing;

/// <summary>
/// Reads a model class into a <see cref="NetworkSpec"/>. The only code that touches Roslyn symbols; shared
/// by the generator and the analyzers. Never throws on half-typed code: whatever does not parse becomes a
/// value (size 0, <see cref="LayerSpec.HasInvalidArguments"/>) that the rules report.
/// </summary>
internal static class ModelParser
{
    /// <summary>Builds the spec of <paramref name="type"/>, which carries <c>[RnnModel]</c>.</summary>
    public static NetworkSpec Parse(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var containers = new List<ContainingTypeSpec>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containers.Insert(0, new ContainingTypeSpec(KeywordOf(outer), outer.Name, IsPartial(outer), outer.TypeParameters.Length > 0) { IsFileLocal = outer.IsFileLocal });
        }

        var model = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.RnnModelAttribute);
        int inputSize = model is null ? 0 : NamedInt(model, "InputSize", 0, out _);
        bool streaming = model is not null && NamedBool(model, "Streaming", false, out _);

        var layers = new List<LayerSpec>();
        var declarations = new HashSet<SyntaxNode>();
        var layerProperties = LayerProperties(type).ToList();
        foreach (var property in layerProperties)
        {
            cancellationToken.ThrowIfCancellationRequested();
            layers.Add(ParseLayer(property));
            foreach (var reference in property.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(cancellationToken).Parent is TypeDeclarationSyntax declaration)
                {
                    declarations.Add(declaration);
                }
            }
        }

        string? ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        return new NetworkSpec(
            ns,
            type.Name,
            new EquatableArray<ContainingTypeSpec>(containers),
            IsPartial(type),
            type.TypeParameters.Length > 0,
            type.IsStatic,
            inputSize,
            declarations.Count,
            new EquatableArray<LayerSpec>(layers))
        {
            Streaming = streaming,
            IsRecord = type.IsRecord,
            IsFileLocal = type.IsFileLocal,
            BaseModelName = BaseModel(type)?.Name,
            OtherMemberNames = new EquatableArray<string>(MemberNamesThatMayClash(type, layerProperties)),
        };
    }

    private static INamedTypeSymbol? BaseModel(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
        {
            if (current.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.RnnModelAttribute))
            {
                return current;
            }
        }

        return null;
    }

    /// <summary>
    /// Names of members of <paramref name="type"/> other than its layers, declared in it or inherited (not
    /// private, not from <c>object</c>), that a generated member could take: the names every model gets, names
    /// with an underscore (per-layer members are <c>Layer_Suffix</c>) and, among its own members, the names of
    /// layers. Others cannot clash, and leaving them out keeps an unrelated edit to the class from changing its
    /// spec. Members RnnGen itself generated are skipped, since the analyzers see the class together with its
    /// generated half.
    /// </summary>
    private static List<string> MemberNamesThatMayClash(INamedTypeSymbol type, List<IPropertySymbol> layerProperties)
    {
        var layers = new HashSet<ISymbol>(layerProperties, SymbolEqualityComparer.Default);
        var layerNames = new HashSet<string>(layerProperties.Select(p => p.Name));
        var names = new SortedSet<string>(System.StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            bool own = SymbolEqualityComparer.Default.Equals(current, type);
            foreach (var member in current.GetMembers())
            {
                if (member.IsImplicitlyDeclared || !member.CanBeReferencedByName || IsGeneratedByRnnGen(member) || layers.Contains(member)
                    || (!own && member.DeclaredAccessibility == Accessibility.Private))
                {
                    continue;
                }

                if (KnownNames.IsGeneratedMemberName(member.Name) || KnownNames.IsGeneratedTypeName(member.Name) || member.Name.IndexOf('_') >= 0
                    || (own && layerNames.Contains(member.Name)))
                {
                    names.Add(member.Name);
                }
            }
        }

        return names.ToList();
    }

    /// <summary>
    /// Whether every declaration of <paramref name="member"/> is in a file RnnGen generated; the compiler names such
    /// files after the generator's assembly and type.
    /// </summary>
    private static bool IsGeneratedByRnnGen(ISymbol member) =>
        member.DeclaringSyntaxReferences.Length > 0
        && member.DeclaringSyntaxReferences.All(r => r.SyntaxTree.FilePath.Replace('\\', '/').Contains(GeneratedFolder));

    private const string GeneratedFolder = "RnnGen.Generator/RnnGen.Generator.RnnModelGenerator/";

    /// <summary>
    /// The properties of <paramref name="type"/> that carry an RnnGen layer attribute, in declaration order.
    /// The analyzers use the same list to map a layer index back to source.
    /// </summary>
    public static IEnumerable<IPropertySymbol> LayerProperties(INamedTypeSymbol type) =>
        type.GetMembers()
            .OfType<IPropertySymbol>()
            .Where(p => p.GetAttributes().Any(a => IsLayerOrModifier(a.AttributeClass?.ToDisplayString())));

    /// <summary>The attribute on <paramref name="property"/> that declares its layer, if any.</summary>
    public static AttributeData? LayerAttribute(IPropertySymbol property) =>
        property.GetAttributes().FirstOrDefault(a => KindOf(a.AttributeClass?.ToDisplayString()) != LayerKind.Unknown);

    private static LayerSpec ParseLayer(IPropertySymbol property)
    {
        var attributes = property.GetAttributes();
        var layerAttributes = attributes.Where(a => KindOf(a.AttributeClass?.ToDisplayString()) != LayerKind.Unknown).ToList();
        var kind = LayerKind.Unknown;
        int size = 0, activation = 0, vocabulary = 0;
        bool returnSequences = true, invalid = false;
        bool peephole = false, coupledInputForget = false, resetAfter = true;
        if (layerAttributes.Count > 0)
        {
            var attribute = layerAttributes[0];
            kind = KindOf(attribute.AttributeClass!.ToDisplayString());
            if (kind == LayerKind.Embedding)
            {
                // [Embedding(vocabulary, size)]: the vocabulary first, as the table's rows come first in [V, E].
                vocabulary = ConstructorInt(attribute, 0, out bool badVocabulary);
                size = ConstructorInt(attribute, 1, out bool badSize);
                invalid = badVocabulary | badSize;
            }
            else
            {
                size = ConstructorInt(attribute, 0, out invalid);
            }

            activation = NamedInt(attribute, "Activation", 0, out bool badActivation);
            returnSequences = NamedBool(attribute, "ReturnSequences", true, out bool badSequences);
            invalid |= badActivation | badSequences;

            // Options of the gated cells; each is read only for the kind that declares it.
            if (kind == LayerKind.Lstm)
            {
                peephole = NamedBool(attribute, "Peephole", false, out bool badPeephole);
                coupledInputForget = NamedBool(attribute, "CoupledInputForget", false, out bool badCoupled);
                invalid |= badPeephole | badCoupled;
            }
            else if (kind == LayerKind.Gru)
            {
                resetAfter = NamedBool(attribute, "ResetAfter", true, out bool badReset);
                invalid |= badReset;
            }
        }

        bool softmax = attributes.Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.SoftmaxAttribute);
        bool bidirectional = attributes.Any(a => a.AttributeClass?.ToDisplayString() == KnownNames.BidirectionalAttribute);
        var definition = property.PartialImplementationPart is not null || property.IsPartialDefinition;
        // The generated implementation is a plain get-only property; any other form would not match it.
        // A nullable annotation would make the two halves' types differ (CS9256).
        bool plainForm = property.RefKind == RefKind.None && !property.IsIndexer && !HasInheritanceModifier(property)
            && property.Type.NullableAnnotation != NullableAnnotation.Annotated;
        return new LayerSpec(
            property.Name,
            kind,
            layerAttributes.Count,
            property.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            AccessibilityText(property),
            definition && plainForm && property.SetMethod is null && property.GetMethod is not null,
            property.IsStatic,
            size,
            activation,
            returnSequences,
            softmax,
            invalid)
        {
            Peephole = peephole,
            CoupledInputForget = coupledInputForget,
            ResetAfter = resetAfter,
            Bidirectional = bidirectional,
            Vocabulary = vocabulary,
        };
    }

    private static bool IsLayerOrModifier(string? name) =>
        KindOf(name) != LayerKind.Unknown || name == KnownNames.SoftmaxAttribute || name == KnownNames.BidirectionalAttribute;

    private static LayerKind KindOf(string? attributeName) => attributeName switch
    {
        KnownNames.SimpleRnnAttribute => LayerKind.SimpleRnn,
        KnownNames.DenseAttribute => LayerKind.Dense,
        KnownNames.LstmAttribute => LayerKind.Lstm,
        KnownNames.GruAttribute => LayerKind.Gru,
        KnownNames.EmbeddingAttribute => LayerKind.Embedding,
        _ => LayerKind.Unknown,
    };

    private static int ConstructorInt(AttributeData attribute, int index, out bool invalid)
    {
        invalid = attribute.ConstructorArguments.Length <= index
            || attribute.ConstructorArguments[index].Kind == TypedConstantKind.Error
            || attribute.ConstructorArguments[index].Value is not int;
        return invalid ? 0 : (int)attribute.ConstructorArguments[index].Value!;
    }

    private static int NamedInt(AttributeData attribute, string name, int fallback, out bool invalid)
    {
        invalid = false;
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name)
            {
                if (pair.Value.Kind != TypedConstantKind.Error && pair.Value.Value is int value)
                {
                    return value;
                }

                invalid = true;
            }
        }

        return fallback;
    }

    private static bool NamedBool(AttributeData attribute, string name, bool fallback, out bool invalid)
    {
        invalid = false;
        foreach (var pair in attribute.NamedArguments)
        {
            if (pair.Key == name)
            {
                if (pair.Value.Kind != TypedConstantKind.Error && pair.Value.Value is bool value)
                {
                    return value;
                }

                invalid = true;
            }
        }

        return fallback;
    }

    private static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Length > 0
        && type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(m => m.ValueText == "partial"));

    private static string KeywordOf(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, IsValueType: true } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    /// <summary>
    /// Whether the property is written <c>virtual</c>, <c>override</c>, <c>sealed</c>, <c>new</c>, <c>abstract</c> or
    /// <c>extern</c>: modifiers that both halves of a partial property must repeat.
    /// </summary>
    private static bool HasInheritanceModifier(IPropertySymbol property) =>
        property.IsVirtual || property.IsOverride || property.IsSealed || property.IsAbstract || property.IsExtern
        || property.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is PropertyDeclarationSyntax syntax && syntax.Modifiers.Any(m => m.ValueText == "new"));

    /// <summary>The accessibility keywords exactly as written, since a partial implementation must repeat them.</summary>
    private static string AccessibilityText(IPropertySymbol property)
    {
        foreach (var reference in property.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is PropertyDeclarationSyntax syntax)
            {
                return string.Join(" ", syntax.Modifiers
                    .Select(m => m.ValueText)
                    .Where(m => m is "public" or "internal" or "protected" or "private"));
            }
        }

        return string.Empty;
    }
}
