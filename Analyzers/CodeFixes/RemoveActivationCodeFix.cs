using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Rules;

namespace RnnGen.Analyzers.CodeFixes;

/// <summary>
/// Removes the <c>Activation = ...</c> argument of a softmax layer (RNN0015), which softmax would ignore:
/// <c>[Dense(5, Activation = DenseActivation.Tanh), Softmax]</c> becomes <c>[Dense(5), Softmax]</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveActivationCodeFix))]
public sealed class RemoveActivationCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.SoftmaxAfterActivation);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var argument = root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeArgumentSyntax>();
            if (argument?.NameEquals is null || argument.Parent is not AttributeArgumentListSyntax)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create(
                    "Remove the activation, which softmax replaces",
                    ct => RemoveAsync(context.Document, argument, ct),
                    equivalenceKey: DiagnosticIds.SoftmaxAfterActivation),
                diagnostic);
        }
    }

    private static async Task<Document> RemoveAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || argument.Parent is not AttributeArgumentListSyntax list)
        {
            return document;
        }

        // Removing the item from the separated list drops its comma too.
        var remaining = list.Arguments.Remove(argument);
        var lastIndex = remaining.Count - 1;
        if (lastIndex >= 0)
        {
            remaining = remaining.Replace(remaining[lastIndex], remaining[lastIndex].WithoutTrailingTrivia());
        }

        return document.WithSyntaxRoot(root.ReplaceNode(list, list.WithArguments(remaining)));
    }
}
