extern alias analyzers;

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Abstractions;
using ModelAnalyzer = analyzers::RnnGen.Analyzers.ModelAnalyzer;

namespace RnnGen.Tests.Generator;

/// <summary>
/// Valid model declarations, edited at random the way code looks while it is typed or mistyped: tokens deleted
/// or inserted, sizes set to 0, −1 or huge values, attributes removed, duplicated or renamed, arguments made
/// non-constant, <c>partial</c> dropped, layers renamed, retyped or reordered. For every case the generator and the
/// analyzer run as the compiler runs them, and:
/// <list type="bullet">
/// <item>neither throws (no exception, no CS8785, no AD0001);</item>
/// <item>a model with an RnnGen error gets no code;</item>
/// <item>generated code adds no error to those the input has anyway; in particular, when neither the compiler nor
/// RnnGen reports an error in the input, the output compiles without errors or warnings in the generated code.</item>
/// </list>
/// "Errors the input has anyway" leave out CS9248 (a partial property without its implementation), which exists
/// only because nothing was generated yet.
/// </summary>
public sealed class FuzzTests
{
    /// <summary>The cases are drawn from this seed; a failure names the case, which reproduces it.</summary>
    private const int Seed = 20_261_127;

    private const int CaseCount = 2_000;

    private const string PartialPropertyWithoutImplementation = "CS9248";

    private static readonly CSharpParseOptions ParseOptions = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Parse);

    private readonly ITestOutputHelper _output;

    public FuzzTests(ITestOutputHelper output) => _output = output;

    /// <summary>Valid declarations to start from: Elman, LSTM and GRU options, dense heads, an embedding, nesting, constants.</summary>
    internal static readonly string[] Templates =
    {
        Model("""
            [RnnModel(InputSize = 3)]
            public partial class Tagger
            {
                [SimpleRnn(hidden: 8)]
                public partial SimpleRnnLayer Rnn { get; }

                [Dense(5), Softmax]
                public partial DenseLayer Head { get; }
            }
            """),
        Model("""
            [RnnModel(InputSize = 4)]
            internal sealed partial class Regressor
            {
                [SimpleRnn(6, Activation = RnnActivation.Relu, ReturnSequences = false)]
                public partial SimpleRnnLayer Encoder { get; }

                [Dense(3, Activation = DenseActivation.Tanh)]
                public partial DenseLayer Hidden { get; }

                [Dense(1)]
                public partial DenseLayer Output { get; }
            }
            """),
        Model("""
            [RnnModel(InputSize = 5)]
            public partial class LstmStack
            {
                [Lstm(hidden: 6, Peephole = true)]
                public partial LstmLayer First { get; }

                [Lstm(4, CoupledInputForget = true, Peephole = true, ReturnSequences = false)]
                public partial LstmLayer Second { get; }

                [Dense(2), Softmax]
                public partial DenseLayer Head { get; }
            }
            """),
        Model("""
            public partial class Outer
            {
                [RnnModel(InputSize = 2)]
                internal partial class GruScorer
                {
                    [Gru(5, ResetAfter = false)]
                    internal partial GruLayer Encoder { get; }

                    [Dense(3, Activation = DenseActivation.Sigmoid)]
                    internal partial DenseLayer Score { get; }
                }
            }
            """),
        Model("""
            [RnnModel(InputSize = Sizes.Features)]
            public partial class Mixed
            {
                private const int Hidden = 6;

                [SimpleRnn(Hidden, Activation = RnnActivation.Tanh)]
                public partial SimpleRnnLayer Elman { get; }

                [Gru(hidden: Hidden + 1, ResetAfter = true)]
                public partial GruLayer Gated { get; }

                [Lstm(Hidden, CoupledInputForget = false, ReturnSequences = true)]
                public partial LstmLayer Memory { get; }

                [Dense(4, Activation = DenseActivation.Relu)]
                public partial DenseLayer Projection { get; }

                [Softmax]
                [Dense(Sizes.Classes)]
                public partial DenseLayer Classes { get; }

                public int Epochs { get; set; }

                public string Describe() => nameof(Elman) + nameof(Classes);
            }
            """),
        Model("""
            [RnnModel(Streaming = true)]
            public partial class LanguageModel
            {
                [Embedding(vocabulary: 50, size: Sizes.Features)]
                public partial EmbeddingLayer Words { get; }

                [Lstm(hidden: 6)]
                public partial LstmLayer Lower { get; }

                [Lstm(6)]
                public partial LstmLayer Upper { get; }

                [Dense(50), Softmax]
                public partial DenseLayer Decoder { get; }
            }
            """),
        Model("""
            [RnnModel(InputSize = 1)]
            public abstract partial class Summary
            {
                [Lstm(3, Peephole = true, CoupledInputForget = true, ReturnSequences = false)]
                protected internal partial LstmLayer Encoder { get; }

                [Dense(1, Activation = DenseActivation.Tanh)]
                private partial DenseLayer Output { get; }
            }
            """),
    };

    [Fact]
    public void Random_edits_of_valid_models_never_break_the_generator_or_the_analyzer()
    {
        var cases = Cases(CaseCount);
        var baseline = Baseline();
        var failures = new ConcurrentQueue<(int Case, string Text)>();
        int generatedAndClean = 0, reportedByRnnGen = 0, brokenForTheCompiler = 0;
        var clock = Stopwatch.StartNew();
        var processorTime = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

        Parallel.For(0, cases.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var outcome = Check(baseline, cases[i]);
            if (outcome.Failure is not null)
            {
                failures.Enqueue((i, $"Case {i}: {outcome.Failure}\n--- source ---\n{cases[i]}\n"));
            }

            if (outcome.Generated && outcome.InputIsClean)
            {
                Interlocked.Increment(ref generatedAndClean);
            }

            if (outcome.RnnGenErrors)
            {
                Interlocked.Increment(ref reportedByRnnGen);
            }

            if (outcome.CompilerErrors)
            {
                Interlocked.Increment(ref brokenForTheCompiler);
            }
        });

        _output.WriteLine($"{cases.Count} fuzz cases (seed {Seed}) in {clock.Elapsed.TotalSeconds:F1} s ({(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - processorTime).TotalSeconds:F1} s of processor time): {generatedAndClean} generated and compiled cleanly, {reportedByRnnGen} with an RnnGen error, {brokenForTheCompiler} with a compiler error.");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {cases.Count} cases failed; the first:\n" + string.Join("\n", failures.OrderBy(f => f.Case).Take(3).Select(f => f.Text)));

        // The edits must reach every outcome, or the assertions above had nothing to judge.
        Assert.True(generatedAndClean > cases.Count / 10, $"Only {generatedAndClean} cases generated code from a clean input.");
        Assert.True(reportedByRnnGen > cases.Count / 10, $"Only {reportedByRnnGen} cases had an RnnGen error.");
        Assert.True(brokenForTheCompiler > cases.Count / 10, $"Only {brokenForTheCompiler} cases had a compiler error.");
    }

    [Fact]
    public void The_templates_are_valid_and_compile_once_generated()
    {
        // Guards the test above: every case starts from a model that is valid and generates clean code.
        var baseline = Baseline();
        foreach (var template in Templates)
        {
            var outcome = Check(baseline, template);
            Assert.Null(outcome.Failure);
            Assert.True(outcome.Generated && outcome.InputIsClean && !outcome.RnnGenErrors, template);
        }
    }

    [Fact]
    public void The_cases_are_the_same_on_every_run_and_all_different()
    {
        var first = Cases(200);
        var second = Cases(200);

        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.DoesNotContain(first, Templates.Contains);
    }

    /// <summary>The result of one case.</summary>
    private sealed record Outcome(string? Failure, bool Generated, bool InputIsClean, bool RnnGenErrors, bool CompilerErrors);

    /// <summary>
    /// An empty compilation with every reference bound; each case adds its one tree to it, so all cases share the
    /// reference assemblies' symbols instead of loading them again.
    /// </summary>
    private static CSharpCompilation Baseline()
    {
        // As a project builds by default: nullable on, documentation comments parsed but not checked (warnings
        // about them are the snapshot tests' business). The cases run in parallel, so each compiles on one thread.
        var baseline = CSharpCompilation.Create(
            "RnnGen.FuzzInput",
            Array.Empty<SyntaxTree>(),
            GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, concurrentBuild: false, deterministic: true));
        _ = baseline.GetTypeByMetadataName("RnnGen.RnnModelAttribute") ?? throw new InvalidOperationException("The runtime is not referenced.");
        return baseline;
    }

    private static Outcome Check(CSharpCompilation baseline, string source)
    {
        var input = baseline.AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, ParseOptions, "Model.cs"));

        // The analyzer and the compiler on the input, in one pass over it.
        var analyzerExceptions = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => analyzerExceptions.Enqueue(exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var inputDiagnostics = input.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer()), options).GetAllDiagnosticsAsync().GetAwaiter().GetResult();
        var rnnGenErrors = inputDiagnostics.Where(d => d.Id.StartsWith("RNN", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).ToList();
        var inputErrors = inputDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("RNN", StringComparison.Ordinal) && !AwaitsGeneratedCode(input, d)).ToList();
        var outcome = new Outcome(null, false, inputErrors.Count == 0, rnnGenErrors.Count > 0, inputErrors.Count > 0);
        if (!analyzerExceptions.IsEmpty || inputDiagnostics.Any(d => d.Id == "AD0001"))
        {
            return outcome with { Failure = "the analyzer threw: " + string.Join("\n", analyzerExceptions) + GeneratorRun.Describe(inputDiagnostics.Where(d => d.Id == "AD0001")) };
        }

        GeneratorRun run;
        try
        {
            run = GeneratorHarness.Run(input, CSharpGeneratorDriver.Create(new[] { new RnnGen.Generator.RnnModelGenerator().AsSourceGenerator() }, parseOptions: ParseOptions));
        }
        catch (Exception e)
        {
            return outcome with { Failure = "the generator driver threw " + e };
        }

        if (run.Exception is not null || run.GeneratorDiagnostics.Count > 0)
        {
            return outcome with { Failure = $"the generator threw or reported diagnostics (CS8785 is a throw): {run.Exception}\n{GeneratorRun.Describe(run.GeneratorDiagnostics)}" };
        }
        outcome = outcome with { Generated = run.Sources.Count > 0 };
        if (run.Sources.Count == 0)
        {
            // Nothing generated: the output is the input, and its errors are the input's own.
            return inputErrors.Count == 0 && rnnGenErrors.Count == 0 && inputDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("RNN", StringComparison.Ordinal))
                ? outcome with { Failure = "no error was reported, but nothing was generated for the partial properties:\n" + GeneratorRun.Describe(inputDiagnostics) }
                : outcome;
        }

        if (rnnGenErrors.Count > 0)
        {
            return outcome with { Failure = "code was generated for a model with an RnnGen error:\n" + GeneratorRun.Describe(rnnGenErrors) };
        }

        // From a clean input the whole output must compile. From an input with errors of its own, method bodies
        // bind against broken declarations and their errors say little; there the generated half must add no error
        // to the declarations (a clash, a partial signature that does not match), which is what a bad input can cause.
        var outputDiagnostics = inputErrors.Count == 0 ? run.Output.GetDiagnostics() : run.Output.GetDeclarationDiagnostics();
        var inputKeys = inputDiagnostics.Select(Key).ToHashSet();
        var added = outputDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && d.Location.SourceTree != input.SyntaxTrees.Single()))
            .Where(d => !inputKeys.Contains(Key(d)))
            .ToList();
        if (inputErrors.Count == 0 && outputDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            return outcome with { Failure = "no error was reported, but the output does not compile:\n" + GeneratorRun.Describe(outputDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)) };
        }

        if (added.Count > 0)
        {
            return outcome with { Failure = "the generated code adds diagnostics:\n" + GeneratorRun.Describe(added) + "\n--- generated ---\n" + string.Join("\n", run.Sources.Select(s => s.SourceText.ToString())) };
        }

        return outcome;
    }

    /// <summary>
    /// Whether <paramref name="diagnostic"/> is CS9248 on a layer property of a model: an error only until the
    /// generator supplies the implementation. On any other property it is the user's own error.
    /// </summary>
    private static bool AwaitsGeneratedCode(Compilation input, Diagnostic diagnostic)
    {
        if (diagnostic.Id != PartialPropertyWithoutImplementation || diagnostic.Location.SourceTree is not { } tree)
        {
            return false;
        }

        var node = tree.GetRoot().FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<PropertyDeclarationSyntax>();
        if (node is null || input.GetSemanticModel(tree).GetDeclaredSymbol(node) is not { } property)
        {
            return false;
        }

        static bool Is(AttributeData a, params string[] names) => names.Contains(a.AttributeClass?.ToDisplayString());
        return property.ContainingType.GetAttributes().Any(a => Is(a, "RnnGen.RnnModelAttribute"))
            && property.GetAttributes().Any(a => Is(a, "RnnGen.SimpleRnnAttribute", "RnnGen.LstmAttribute", "RnnGen.GruAttribute", "RnnGen.DenseAttribute", "RnnGen.EmbeddingAttribute"));
    }

    private static (string Id, string? Path, TextSpan Span, string Message) Key(Diagnostic d) =>
        (d.Id, d.Location.SourceTree?.FilePath, d.Location.SourceSpan, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// <paramref name="count"/> distinct edited sources, the same on every run: case attempt <c>n</c> edits template
    /// <c>n mod 6</c> one to three times with a random source seeded by <c>Seed + n</c>.
    /// </summary>
    internal static List<string> Cases(int count)
    {
        var seen = new HashSet<string>(Templates, StringComparer.Ordinal);
        var cases = new List<string>(count);
        for (int attempt = 0; cases.Count < count; attempt++)
        {
            var random = new Random(Seed + attempt);
            string source = Templates[attempt % Templates.Length];
            int edits = 1 + random.Next(3);
            for (int e = 0; e < edits; e++)
            {
                source = SourceEdits.Apply(source, random);
            }

            if (seen.Add(source))
            {
                cases.Add(source);
            }
        }

        return cases;
    }

    private static string Model(string declaration) =>
        $$"""
        using RnnGen;

        namespace Fuzz;

        public static class Sizes
        {
            public const int Features = 3;
            public const int Classes = 4;
        }

        public static class Options
        {
            public static int Size = 4;
            public static bool Flag = true;
        }

        {{declaration}}
        """;
}

/// <summary>The random edits the fuzz test applies, each a plain text splice at a syntax node or token.</summary>
internal static class SourceEdits
{
    private static readonly string[] Numbers = { "0", "-1", "2147483647", "1_000_000_000", "16_385", "1_048_577", "-2147483648", "1", "2", "3", "9" };

    private static readonly string[] NonConstants = { "Options.Size", "Options.Flag", "int.Parse(\"4\")", "default", "nameof(Options)", "new int[1][0]", "Undeclared", "1.5", "\"4\"" };

    private static readonly string[] AttributeNames = { "SimpleRnn", "Lstm", "Gru", "Dense", "Embedding", "Softmax", "RnnModel", "Obsolete", "RnnGen.Dense", "Unknown" };

    private static readonly string[] NamedArguments =
    {
        "Peephole = true", "CoupledInputForget = true", "ResetAfter = false", "ReturnSequences = false", "ReturnSequences = true",
        "Activation = DenseActivation.Tanh", "Activation = DenseActivation.Relu", "Activation = RnnActivation.Relu",
        "Activation = (DenseActivation)9", "Activation = (RnnActivation)(-1)", "InputSize = 2", "Hidden = 3", "Activation = 0",
    };

    private static readonly string[] LayerTypes = { "SimpleRnnLayer", "LstmLayer", "GruLayer", "DenseLayer", "EmbeddingLayer", "DenseLayer?", "int", "Layer" };

    private static readonly string[] Names = { "Forward", "Workspace", "Trainer", "Parameters", "InputSize", "_parameters", "Rnn", "rnn", "Head", "head", "Encoder_Forward", "Rnn_WeightIh", "_HeadLayer", "@class" };

    private static readonly string[] Insertions = { "{", "}", "(", ")", ",", ";", "static ", "partial ", "[Softmax]", "[Dense(2)]", "<T>", "ref ", "new ", "virtual ", "= null!;", "set; " };

    private static readonly string[] Enums = { "DenseActivation.Linear", "DenseActivation.Sigmoid", "RnnActivation.Tanh", "RnnActivation.Relu", "(DenseActivation)4", "(RnnActivation)2" };

    private static readonly string[] ClassModifiers = { "static ", "abstract ", "sealed ", "file ", "readonly " };

    private delegate string? Edit(string source, SyntaxNode root, Random random);

    /// <summary>The edits, some listed twice: those that often leave a model the compiler accepts, so that enough cases reach the generated code.</summary>
    private static readonly Edit[] Edits =
    {
        DeleteToken, InsertToken, ChangeNumber, ChangeNumber, ChangeNumber, RemoveAttribute, RemoveAttribute, DuplicateAttribute,
        MakeArgumentNonConstant, RenameAttribute, DropPartial, FlipBool, FlipBool, ChangeEnum, ChangeEnum, AddNamedArgument,
        RenameProperty, RenameProperty, RetypeProperty, SwapLayers, SwapLayers, AddClassModifier, RemoveArgument,
    };

    /// <summary>One random edit of <paramref name="source"/>; the source itself if the edit found nothing to change.</summary>
    public static string Apply(string source, Random random)
    {
        var root = CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.None)).GetRoot();
        return Edits[random.Next(Edits.Length)](source, root, random) ?? source;
    }

    private static string Splice(string source, TextSpan span, string text) => source.Substring(0, span.Start) + text + source.Substring(span.End);

    private static T? Pick<T>(IReadOnlyList<T> items, Random random) where T : class => items.Count == 0 ? null : items[random.Next(items.Count)];

    private static string Pick(string[] items, Random random) => items[random.Next(items.Length)];

    /// <summary>Tokens of the model part of the file: after the helper classes, so the edits hit what matters.</summary>
    private static List<SyntaxToken> ModelTokens(SyntaxNode root)
    {
        var model = root.DescendantNodes().OfType<TypeDeclarationSyntax>().FirstOrDefault(t => t.Identifier.ValueText is not ("Sizes" or "Options"));
        return (model ?? root).DescendantTokens().Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).ToList();
    }

    private static string? DeleteToken(string source, SyntaxNode root, Random random)
    {
        var tokens = ModelTokens(root);
        return tokens.Count == 0 ? null : Splice(source, tokens[random.Next(tokens.Count)].Span, string.Empty);
    }

    private static string? ChangeNumber(string source, SyntaxNode root, Random random)
    {
        var numbers = ModelTokens(root).Where(t => t.IsKind(SyntaxKind.NumericLiteralToken)).ToList();
        return numbers.Count == 0 ? null : Splice(source, numbers[random.Next(numbers.Count)].Span, Pick(Numbers, random));
    }

    private static string? RemoveAttribute(string source, SyntaxNode root, Random random)
    {
        var attribute = Pick(root.DescendantNodes().OfType<AttributeSyntax>().ToList(), random);
        if (attribute?.Parent is not AttributeListSyntax list)
        {
            return null;
        }

        return Splice(source, list.Attributes.Count == 1 ? list.Span : SpanWithSeparator(list, attribute), string.Empty);
    }

    private static TextSpan SpanWithSeparator(AttributeListSyntax list, AttributeSyntax attribute)
    {
        int index = list.Attributes.IndexOf(attribute);
        var separators = list.Attributes.GetSeparators().ToList();
        return index < separators.Count
            ? TextSpan.FromBounds(attribute.SpanStart, separators[index].Span.End)
            : TextSpan.FromBounds(separators[index - 1].SpanStart, attribute.Span.End);
    }

    private static string? DuplicateAttribute(string source, SyntaxNode root, Random random)
    {
        var attribute = Pick(root.DescendantNodes().OfType<AttributeSyntax>().ToList(), random);
        if (attribute?.Parent is not AttributeListSyntax list)
        {
            return null;
        }

        // Either in the same list or in a list of its own, placed on the member as well.
        return random.Next(2) == 0
            ? Splice(source, new TextSpan(attribute.Span.End, 0), ", " + attribute)
            : Splice(source, new TextSpan(list.Span.End, 0), " [" + attribute + "]");
    }

    private static string? MakeArgumentNonConstant(string source, SyntaxNode root, Random random)
    {
        var argument = Pick(root.DescendantNodes().OfType<AttributeArgumentSyntax>().ToList(), random);
        return argument is null ? null : Splice(source, argument.Expression.Span, Pick(NonConstants, random));
    }

    private static string? RemoveArgument(string source, SyntaxNode root, Random random)
    {
        var argument = Pick(root.DescendantNodes().OfType<AttributeArgumentSyntax>().ToList(), random);
        if (argument?.Parent is not AttributeArgumentListSyntax list)
        {
            return null;
        }

        int index = list.Arguments.IndexOf(argument);
        var separators = list.Arguments.GetSeparators().ToList();
        var span = separators.Count == 0 ? argument.Span
            : index < separators.Count ? TextSpan.FromBounds(argument.SpanStart, separators[index].Span.End)
            : TextSpan.FromBounds(separators[index - 1].SpanStart, argument.Span.End);
        return Splice(source, span, string.Empty);
    }

    private static string? RenameAttribute(string source, SyntaxNode root, Random random)
    {
        var attribute = Pick(root.DescendantNodes().OfType<AttributeSyntax>().ToList(), random);
        return attribute is null ? null : Splice(source, attribute.Name.Span, Pick(AttributeNames, random));
    }

    private static string? DropPartial(string source, SyntaxNode root, Random random)
    {
        var partials = root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.PartialKeyword)).ToList();
        return partials.Count == 0 ? null : Splice(source, partials[random.Next(partials.Count)].FullSpan, " ");
    }

    private static string? FlipBool(string source, SyntaxNode root, Random random)
    {
        var literals = ModelTokens(root).Where(t => t.IsKind(SyntaxKind.TrueKeyword) || t.IsKind(SyntaxKind.FalseKeyword)).ToList();
        if (literals.Count == 0)
        {
            return null;
        }

        var literal = literals[random.Next(literals.Count)];
        return Splice(source, literal.Span, literal.IsKind(SyntaxKind.TrueKeyword) ? "false" : "true");
    }

    private static string? ChangeEnum(string source, SyntaxNode root, Random random)
    {
        var values = root.DescendantNodes().OfType<MemberAccessExpressionSyntax>()
            .Where(m => m.Expression.ToString() is "DenseActivation" or "RnnActivation")
            .ToList();
        var value = Pick(values, random);
        return value is null ? null : Splice(source, value.Span, Pick(Enums, random));
    }

    private static string? AddNamedArgument(string source, SyntaxNode root, Random random)
    {
        var attribute = Pick(root.DescendantNodes().OfType<AttributeSyntax>().Where(a => a.ArgumentList is not null).ToList(), random);
        if (attribute?.ArgumentList is not { } list)
        {
            return null;
        }

        string separator = list.Arguments.Count == 0 ? string.Empty : ", ";
        return Splice(source, new TextSpan(list.CloseParenToken.SpanStart, 0), separator + Pick(NamedArguments, random));
    }

    private static string? RenameProperty(string source, SyntaxNode root, Random random)
    {
        var properties = root.DescendantNodes().OfType<PropertyDeclarationSyntax>().Where(p => p.AttributeLists.Count > 0).ToList();
        var property = Pick(properties, random);
        if (property is null)
        {
            return null;
        }

        // Sometimes another layer's name, in another case or with a generated suffix.
        string other = properties[random.Next(properties.Count)].Identifier.ValueText;
        string name = random.Next(3) switch
        {
            0 => Pick(Names, random),
            1 => other.ToUpperInvariant(),
            _ => other + Pick(new[] { "_Forward", "_Weight", "_WeightIh", "_Backward", string.Empty }, random),
        };
        return Splice(source, property.Identifier.Span, name);
    }

    private static string? RetypeProperty(string source, SyntaxNode root, Random random)
    {
        var property = Pick(root.DescendantNodes().OfType<PropertyDeclarationSyntax>().Where(p => p.AttributeLists.Count > 0).ToList(), random);
        return property is null ? null : Splice(source, property.Type.Span, Pick(LayerTypes, random));
    }

    private static string? InsertToken(string source, SyntaxNode root, Random random)
    {
        var tokens = ModelTokens(root);
        if (tokens.Count == 0)
        {
            return null;
        }

        var token = tokens[random.Next(tokens.Count)];
        return Splice(source, new TextSpan(token.SpanStart, 0), Pick(Insertions, random) + " ");
    }

    private static string? SwapLayers(string source, SyntaxNode root, Random random)
    {
        var layers = root.DescendantNodes().OfType<PropertyDeclarationSyntax>().Where(p => p.AttributeLists.Count > 0).ToList();
        if (layers.Count < 2)
        {
            return null;
        }

        int a = random.Next(layers.Count - 1);
        var (first, second) = (layers[a], layers[a + 1]);
        if (first.Parent != second.Parent)
        {
            return null;
        }

        // Later span first, so the earlier one's position still holds.
        string swapped = Splice(source, second.Span, first.ToString());
        return Splice(swapped, first.Span, second.ToString());
    }

    private static string? AddClassModifier(string source, SyntaxNode root, Random random)
    {
        var types = root.DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.Identifier.ValueText is not ("Sizes" or "Options")).ToList();
        var type = Pick(types, random);
        if (type is null)
        {
            return null;
        }

        return random.Next(4) == 0
            ? Splice(source, new TextSpan(type.Identifier.Span.End, 0), "<T>")
            : Splice(source, new TextSpan(type.Modifiers.Count > 0 ? type.Modifiers[0].SpanStart : type.Keyword.SpanStart, 0), Pick(ClassModifiers, random));
    }
}
