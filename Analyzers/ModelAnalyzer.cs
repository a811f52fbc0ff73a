using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;
using RnnGen.Generator.Rules;

namespace RnnGen.Analyzers;

/// <summary>
/// Reports every broken model rule while the user types. It parses the model with the generator's own
/// parser and checks it with the same <see cref="ModelRules"/>, then points each finding at the class
/// name, the layer property, the layer attribute or the argument to change. Layer attributes in a class
/// without <c>[RnnModel]</c>, which the generator never sees, are reported here too.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.All;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var marker = start.Compilation.GetTypeByMetadataName(KnownNames.RnnModelAttribute);
            if (marker is null)
            {
                return;
            }

            start.RegisterSymbolAction(ctx => Analyze(ctx, marker), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol marker)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        var properties = ModelParser.LayerProperties(type).ToList();
        List<Violation> violations;
        if (type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, marker)))
        {
            violations = ModelRules.Check(ModelParser.Parse(type, context.CancellationToken));
        }
        else if (properties.Count > 0)
        {
            violations = ModelRules.CheckClassWithoutModelAttribute(type.Name, properties.Select(p => p.Name).ToList());
        }
        else
        {
            return;
        }

        foreach (var violation in violations)
        {
            var location = LocationOf(type, properties, violation, context.CancellationToken);
            var args = violation.Arguments.Cast<object>().ToArray();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.For(violation.Id), location, ArgumentProperties(violation), args));
        }
    }

    private static Location LocationOf(INamedTypeSymbol type, List<IPropertySymbol> properties, Violation violation, CancellationToken cancellationToken)
    {
        if (violation.LayerIndex >= 0 && violation.LayerIndex < properties.Count)
        {
            var property = properties[violation.LayerIndex];
            if (violation.Target is ViolationTarget.LayerAttribute or ViolationTarget.LayerNamedArgument
                && AttributeSyntax(property, cancellationToken) is { } attribute)
            {
                var argument = attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == violation.ArgumentName);
                return violation.Target == ViolationTarget.LayerNamedArgument && argument is not null ? argument.GetLocation() : attribute.GetLocation();
            }

            var declaration = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken);
            if (declaration is BasePropertyDeclarationSyntax syntax)
            {
                return syntax is PropertyDeclarationSyntax named ? named.Identifier.GetLocation()
                    : syntax is IndexerDeclarationSyntax indexer ? indexer.ThisKeyword.GetLocation()
                    : syntax.Type.GetLocation();
            }

            return property.Locations.FirstOrDefault() ?? Location.None;
        }

        if (violation.Target == ViolationTarget.Member && violation.Arguments.Count > 0)
        {
            // The member's own declaration, if it is declared in this class rather than inherited.
            var member = type.GetMembers(violation.Arguments[0]).FirstOrDefault(m => m.Locations.Any(l => l.IsInSource));
            if (member is not null)
            {
                return member.Locations.First(l => l.IsInSource);
            }
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration
                && declaration.AttributeLists.SelectMany(l => l.Attributes).Any())
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.FirstOrDefault() ?? Location.None;
    }

    /// <summary>The message arguments again as diagnostic properties (<c>Argument0</c>, ...), for the code fixes to read.</summary>
    private static ImmutableDictionary<string, string?> ArgumentProperties(Violation violation)
    {
        var properties = ImmutableDictionary.CreateBuilder<string, string?>();
        for (int i = 0; i < violation.Arguments.Count; i++)
        {
            properties.Add(ArgumentProperty(i), violation.Arguments[i]);
        }

        return properties.ToImmutable();
    }

    /// <summary>The key of message argument <paramref name="index"/> in a diagnostic's properties.</summary>
    internal static string ArgumentProperty(int index) => "Argument" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The layer attribute of <paramref name="property"/>, or its first RnnGen attribute (such as a lone
    /// <c>[Softmax]</c>) when it has none.
    /// </summary>
    private static AttributeSyntax? AttributeSyntax(IPropertySymbol property, CancellationToken cancellationToken)
    {
        var attribute = ModelParser.LayerAttribute(property)
            ?? property.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.SoftmaxAttribute);
        return attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
    }
}
