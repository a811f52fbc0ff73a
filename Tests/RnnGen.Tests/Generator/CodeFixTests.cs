extern alias analyzers;

using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using AddPartialCodeFix = analyzers::RnnGen.Analyzers.CodeFixes.AddPartialCodeFix;
using LayerPropertyFormCodeFix = analyzers::RnnGen.Analyzers.CodeFixes.LayerPropertyFormCodeFix;
using ModelAnalyzer = analyzers::RnnGen.Analyzers.ModelAnalyzer;
using RemoveActivationCodeFix = analyzers::RnnGen.Analyzers.CodeFixes.RemoveActivationCodeFix;

namespace RnnGen.Tests.Generator;

/// <summary>
/// Each code fix turns the diagnostic's example into the fixed model, which then has no diagnostics left (the
/// test framework runs the analyzer again on the result); where a rule has no single obvious fix, none is offered.
/// </summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task RNN0001_adds_partial_after_the_other_modifiers() => Verify<AddPartialCodeFix>(
        """
        [RnnModel(InputSize = 3)]
        public sealed class {|RNN0001:M|}
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """,
        """
        [RnnModel(InputSize = 3)]
        public sealed partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """);

    [Fact]
    public Task RNN0001_adds_partial_to_a_class_without_modifiers_keeping_its_indentation() => Verify<AddPartialCodeFix>(
        """
        namespace Models
        {
            [RnnModel(InputSize = 3)]
            class {|RNN0001:M|}
            {
                [SimpleRnn(hidden: 4)]
                public partial SimpleRnnLayer Rnn { get; }
            }
        }
        """,
        """
        namespace Models
        {
            [RnnModel(InputSize = 3)]
            partial class M
            {
                [SimpleRnn(hidden: 4)]
                public partial SimpleRnnLayer Rnn { get; }
            }
        }
        """);

    [Fact]
    public Task RNN0001_adds_partial_to_every_declaration_of_the_class() => Verify<AddPartialCodeFix>(
        """
        [RnnModel(InputSize = 3)]
        public class {|RNN0001:M|}
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }

        public class M
        {
            public int Epochs { get; set; }
        }
        """,
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }

        public partial class M
        {
            public int Epochs { get; set; }
        }
        """);

    [Fact]
    public Task RNN0002_makes_every_enclosing_type_partial() => Verify<AddPartialCodeFix>(
        """
        public static class Outer
        {
            internal sealed class Middle
            {
                [RnnModel(InputSize = 3)]
                public partial class {|#0:M|}
                {
                    [SimpleRnn(hidden: 4)]
                    public partial SimpleRnnLayer Rnn { get; }
                }
            }
        }
        """,
        """
        public static partial class Outer
        {
            internal sealed partial class Middle
            {
                [RnnModel(InputSize = 3)]
                public partial class M
                {
                    [SimpleRnn(hidden: 4)]
                    public partial SimpleRnnLayer Rnn { get; }
                }
            }
        }
        """,
        new DiagnosticResult("RNN0002", DiagnosticSeverity.Error).WithLocation(0).WithArguments("M", "nested in 'Outer', " + AddPartialCodeFix.NotPartialReason),
        new DiagnosticResult("RNN0002", DiagnosticSeverity.Error).WithLocation(0).WithArguments("M", "nested in 'Middle', " + AddPartialCodeFix.NotPartialReason));

    [Fact]
    public Task RNN0002_for_a_generic_model_has_no_fix() => VerifyNoFix<AddPartialCodeFix>("""
        [RnnModel(InputSize = 3)]
        public partial class {|RNN0002:M|}<T>
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """);

    [Fact]
    public Task RNN0007_rewrites_an_auto_property_with_a_setter() => Verify<LayerPropertyFormCodeFix>(
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public SimpleRnnLayer? {|RNN0007:Rnn|} { get; set; }
        }
        """,
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """);

    [Fact]
    public Task RNN0007_gives_the_property_its_layers_view_type_and_drops_other_modifiers() => Verify<LayerPropertyFormCodeFix>(
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [Lstm(hidden: 4)]
            internal static partial GruLayer {|RNN0007:Encoder|} { get; }

            [Dense(2)]
            public virtual DenseLayer {|RNN0007:Head|} => null!;
        }
        """,
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [Lstm(hidden: 4)]
            internal partial LstmLayer Encoder { get; }

            [Dense(2)]
            public partial DenseLayer Head { get; }
        }
        """);

    [Fact]
    public Task RNN0007_without_a_using_writes_the_qualified_type() => Verify<LayerPropertyFormCodeFix>(
        """
        [RnnGen.RnnModel(InputSize = 3)]
        public partial class M
        {
            [RnnGen.Gru(hidden: 4)]
            private RnnGen.GruLayer {|RNN0007:Encoder|} { get; } = null!;
        }
        """,
        """
        [RnnGen.RnnModel(InputSize = 3)]
        public partial class M
        {
            [RnnGen.Gru(hidden: 4)]
            private partial RnnGen.GruLayer Encoder { get; }
        }
        """,
        usingRnnGen: false);

    [Fact]
    public Task RNN0007_for_an_indexer_has_no_fix() => VerifyNoFix<LayerPropertyFormCodeFix>("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer {|RNN0007:this|}[int index] { get; }
        }
        """);

    [Fact]
    public Task RNN0015_removes_the_activation_of_a_softmax_layer() => Verify<RemoveActivationCodeFix>(
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [Gru(hidden: 4)]
            public partial GruLayer Encoder { get; }

            [Dense(3, {|#0:Activation = DenseActivation.Relu|}), Softmax]
            public partial DenseLayer Head { get; }
        }
        """,
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [Gru(hidden: 4)]
            public partial GruLayer Encoder { get; }

            [Dense(3), Softmax]
            public partial DenseLayer Head { get; }
        }
        """,
        new DiagnosticResult("RNN0015", DiagnosticSeverity.Error).WithLocation(0).WithArguments("Head", "Relu"));

    [Fact]
    public Task RNN0015_removes_the_activation_when_softmax_comes_first() => Verify<RemoveActivationCodeFix>(
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }

            [Softmax]
            [Dense(units: 3, {|RNN0015:Activation = DenseActivation.Sigmoid|})]
            public partial DenseLayer Head { get; }
        }
        """,
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }

            [Softmax]
            [Dense(units: 3)]
            public partial DenseLayer Head { get; }
        }
        """);

    private static Task Verify<TFix>(string source, string fixedSource, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new() => Verify<TFix>(source, fixedSource, usingRnnGen: true, expected);

    /// <summary>
    /// Runs <see cref="ModelAnalyzer"/> and <typeparamref name="TFix"/> on <paramref name="source"/> and compares the
    /// result with <paramref name="fixedSource"/>, one fix at a time and all at once. Compiler diagnostics are not
    /// compared: without the generator every partial layer property lacks its implementation.
    /// </summary>
    private static async Task Verify<TFix>(string source, string fixedSource, bool usingRnnGen, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new()
    {
        string prefix = usingRnnGen ? "using RnnGen;\n\n" : string.Empty;
        var test = new CSharpCodeFixTest<ModelAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = prefix + source,
            FixedCode = prefix + fixedSource,
            // An empty set that needs no package; the .NET 10 references are added below, from memory.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        test.TestState.AdditionalReferences.AddRange(GeneratorHarness.References);
        test.FixedState.AdditionalReferences.AddRange(GeneratorHarness.References);
        test.SolutionTransforms.Add((solution, projectId) =>
            solution.WithProjectParseOptions(projectId, new CSharpParseOptions(LanguageVersion.Preview)));
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    /// <summary>Checks that <paramref name="source"/> has the marked diagnostics and that <typeparamref name="TFix"/> offers no fix for them.</summary>
    private static Task VerifyNoFix<TFix>(string source)
        where TFix : CodeFixProvider, new() => Verify<TFix>(source, source, usingRnnGen: true);
}
