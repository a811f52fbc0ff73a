using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using RnnGen.Generator.Rules;

namespace RnnGen.Analyzers.CodeFixes;

/// <summary>
/// Rewrites a layer property into the one form the generator implements (RNN0007):
/// <c>public SimpleRnnLayer? Rnn { get; set; }</c> becomes <c>public partial SimpleRnnLayer Rnn { get; }</c>.
/// Attributes, accessibility and name stay; the type becomes the layer's view type; other modifiers
/// (<c>static</c>, <c>virtual</c>, ...), setters, bodies and initializers go.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LayerPropertyFormCodeFix))]
public sealed class LayerPropertyFormCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.LayerPropertyShape);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            // An indexer has no name to keep, so it gets no fix.
            var property = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<PropertyDeclarationSyntax>();
            if (property is null
                || !diagnostic.Properties.TryGetValue(ModelAnalyzer.ArgumentProperty(1), out string? layerType)
                || string.IsNullOrEmpty(layerType))
            {
                continue;
            }

            string shortType = layerType!.Substring(layerType.LastIndexOf('.') + 1);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Declare as 'partial {shortType} {property.Identifier.ValueText} {{ get; }}'",
                    ct => RewriteAsync(context.Document, property, layerType, ct),
                    equivalenceKey: DiagnosticIds.LayerPropertyShape),
                diagnostic);
        }
    }

    private static async Task<Document> RewriteAsync(Document document, PropertyDeclarationSyntax property, string layerType, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        return document.WithSyntaxRoot(root.ReplaceNode(property, PartialForm(property, layerType)));
    }

    internal static PropertyDeclarationSyntax PartialForm(PropertyDeclarationSyntax property, string layerType)
    {
        var accessibility = property.Modifiers
            .Where(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.InternalKeyword) || m.IsKind(SyntaxKind.ProtectedKeyword) || m.IsKind(SyntaxKind.PrivateKeyword))
            .Select(m => m.WithLeadingTrivia().WithTrailingTrivia(SyntaxFactory.Space));
        var modifiers = SyntaxFactory.TokenList(accessibility.Append(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));

        // The modifiers (or the type, without any) carry the line's indentation.
        var indentation = property.Modifiers.Count > 0 ? property.Modifiers[0].LeadingTrivia : property.Type.GetLeadingTrivia();
        modifiers = modifiers.Replace(modifiers[0], modifiers[0].WithLeadingTrivia(indentation));

        // Fully qualified, then shortened to what the file's usings allow.
        var type = SyntaxFactory.ParseTypeName("global::" + layerType)
            .WithAdditionalAnnotations(Simplifier.Annotation)
            .WithTrailingTrivia(SyntaxFactory.Space);

        var getOnly = SyntaxFactory.AccessorList(
            SyntaxFactory.Token(SyntaxKind.OpenBraceToken).WithTrailingTrivia(SyntaxFactory.Space),
            SyntaxFactory.SingletonList(
                SyntaxFactory.AccessorDeclaration(SyntaxKind.GetAccessorDeclaration)
                    .WithSemicolonToken(SyntaxFactory.Token(SyntaxKind.SemicolonToken).WithTrailingTrivia(SyntaxFactory.Space))),
            SyntaxFactory.Token(SyntaxKind.CloseBraceToken));

        return property
            .WithModifiers(modifiers)
            .WithType(type)
            .WithIdentifier(property.Identifier.WithTrailingTrivia(SyntaxFactory.Space))
            .WithExpressionBody(null)
            .WithInitializer(null)
            .WithSemicolonToken(default)
            .WithAccessorList(getOnly)
            .WithTrailingTrivia(property.GetTrailingTrivia());
    }
}
