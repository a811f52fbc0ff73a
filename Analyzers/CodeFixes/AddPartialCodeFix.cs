using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Rules;

namespace RnnGen.Analyzers.CodeFixes;

/// <summary>
/// Adds <c>partial</c> where it is missing: to every declaration of a model class (RNN0001), or to the types
/// that enclose a model when one of them is not partial (RNN0002 for that reason only).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFix))]
public sealed class AddPartialCodeFix : CodeFixProvider
{
    /// <summary>What the RNN0002 message says of an enclosing type that is not partial; other reasons have no fix.</summary>
    internal const string NotPartialReason = "which is not a partial class or struct";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ModelNotPartial, DiagnosticIds.UnsupportedModelType);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        bool enclosingOffered = false;
        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = root?.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (declaration is null)
            {
                continue;
            }

            if (diagnostic.Id == DiagnosticIds.ModelNotPartial)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Make '{declaration.Identifier.ValueText}' partial",
                        ct => MakeModelPartialAsync(context.Document, declaration, ct),
                        equivalenceKey: DiagnosticIds.ModelNotPartial),
                    diagnostic);
            }
            else if (!enclosingOffered
                && diagnostic.Properties.TryGetValue(ModelAnalyzer.ArgumentProperty(1), out string? reason)
                && reason is not null && reason.Contains(NotPartialReason)
                && NonPartialEnclosingTypes(declaration).Any())
            {
                // One model can have several such diagnostics, one per enclosing type; one fix makes them all partial.
                enclosingOffered = true;
                context.RegisterCodeFix(
                    CodeAction.Create(
                        "Make the enclosing types partial",
                        ct => MakeEnclosingTypesPartialAsync(context.Document, declaration, ct),
                        equivalenceKey: DiagnosticIds.UnsupportedModelType),
                    diagnostic);
            }
        }
    }

    /// <summary>Adds <c>partial</c> to every declaration of the class, in whichever documents they are.</summary>
    private static async Task<Solution> MakeModelPartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var solution = document.Project.Solution;
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var references = model?.GetDeclaredSymbol(declaration, cancellationToken)?.DeclaringSyntaxReferences;
        if (references is null || references.Value.IsEmpty)
        {
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            return root is null ? solution : solution.WithDocumentSyntaxRoot(document.Id, root.ReplaceNode(declaration, WithPartial(declaration)));
        }

        foreach (var group in references.Value.GroupBy(r => r.SyntaxTree))
        {
            var target = solution.GetDocument(group.Key);
            var root = target is null ? null : await group.Key.GetRootAsync(cancellationToken).ConfigureAwait(false);
            if (target is null || root is null)
            {
                continue;
            }

            var nodes = group.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>();
            solution = solution.WithDocumentSyntaxRoot(target.Id, root.ReplaceNodes(nodes, (_, rewritten) => WithPartial(rewritten)));
        }

        return solution;
    }

    private static async Task<Document> MakeEnclosingTypesPartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        return document.WithSyntaxRoot(root.ReplaceNodes(NonPartialEnclosingTypes(declaration), (_, rewritten) => WithPartial(rewritten)));
    }

    /// <summary>Enclosing classes, structs and records without <c>partial</c> (an interface cannot hold a model at all).</summary>
    private static IEnumerable<TypeDeclarationSyntax> NonPartialEnclosingTypes(TypeDeclarationSyntax declaration) =>
        declaration.Ancestors().OfType<TypeDeclarationSyntax>()
            .Where(t => t is not InterfaceDeclarationSyntax && !t.Modifiers.Any(SyntaxKind.PartialKeyword));

    /// <summary>
    /// <paramref name="declaration"/> with <c>partial</c> as its last modifier, right before the keyword, where the
    /// language wants it.
    /// </summary>
    internal static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return declaration;
        }

        if (declaration.Modifiers.Count == 0)
        {
            // The keyword's indentation moves to the new first token.
            var keyword = declaration.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return declaration.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }

        return declaration.AddModifiers(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));
    }
}
