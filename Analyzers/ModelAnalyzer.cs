using System.Collections.Immutable;
using System.Linq;
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
/// name, the layer property or the layer attribute.
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
        if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, marker)))
        {
            return;
        }

        var spec = ModelParser.Parse(type, context.CancellationToken);
        var properties = ModelParser.LayerProperties(type).ToList();
        foreach (var violation in ModelRules.Check(spec))
        {
            var location = LocationOf(type, properties, violation, context);
            var args = violation.Arguments.Cast<object>().ToArray();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.For(violation.Id), location, args));
        }
    }

    private static Location LocationOf(INamedTypeSymbol type, System.Collections.Generic.List<IPropertySymbol> properties, Violation violation, SymbolAnalysisContext context)
    {
        if (violation.LayerIndex >= 0 && violation.LayerIndex < properties.Count)
        {
            var property = properties[violation.LayerIndex];
            if (violation.Target == ViolationTarget.LayerAttribute
                && ModelParser.LayerAttribute(property)?.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken) is { } attribute)
            {
                return attribute.GetLocation();
            }

            var declaration = property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(context.CancellationToken);
            if (declaration is PropertyDeclarationSyntax syntax)
            {
                return syntax.Identifier.GetLocation();
            }

            return property.Locations.FirstOrDefault() ?? Location.None;
        }

        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is ClassDeclarationSyntax declaration
                && declaration.AttributeLists.SelectMany(l => l.Attributes).Any())
            {
                return declaration.Identifier.GetLocation();
            }
        }

        return type.Locations.FirstOrDefault() ?? Location.None;
    }
}
