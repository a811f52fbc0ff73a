extern alias analyzers;

using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;
using RnnGen.Generator.Planning;
using RnnGen.Generator.Rules;
using RnnGen.Tests.Fixtures;
using RnnGen.Tests.Generator;
using Xunit;
using DiagnosticDescriptors = analyzers::RnnGen.Analyzers.DiagnosticDescriptors;
using ModelAnalyzer = analyzers::RnnGen.Analyzers.ModelAnalyzer;

namespace RnnGen.Tests.Structure;

/// <summary>
/// How <c>[Bidirectional]</c> is parsed, sized and judged: RNN0019 wherever it is not on a recurrent layer, RNN0020 in a
/// model declared for streaming.
/// </summary>
public sealed class BidirectionalRulesTests
{
    [Fact]
    public void Bidirectional_is_read_into_the_spec_and_doubles_the_layer()
    {
        var spec = Parse("""
            [RnnModel(InputSize = 5)]
            public partial class M
            {
                [Lstm(7, Peephole = true), Bidirectional]
                public partial LstmLayer Lower { get; }

                [Gru(6)]
                public partial GruLayer Upper { get; }
            }
            """);
        Assert.True(spec.Layers[0].Bidirectional);
        Assert.False(spec.Layers[1].Bidirectional);
        Assert.Empty(ModelRules.Check(spec));

        var plan = NetworkPlanner.Plan(spec);
        var lower = plan.Layers[0];
        Assert.Equal(2, lower.Directions);
        Assert.Equal(7, lower.HiddenSize);
        Assert.Equal(14, lower.OutputSize);
        Assert.Equal(14, plan.Layers[1].InputSize);
        Assert.Equal(2 * LstmLayer.ParameterCountOf(5, 7, peephole: true, coupledInputForget: false), lower.ParameterCount);
        Assert.Equal(
            new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh", "peephole", "weight_ih_reverse", "weight_hh_reverse", "bias_ih_reverse", "bias_hh_reverse", "peephole_reverse" },
            lower.Tensors.Select(t => t.Name));
        Assert.Equal(lower.ParameterCount + GruLayer.ParameterCountOf(14, 6), plan.ParameterCount);
        Assert.Equal(new[] { 18, 14 }, plan.Layers[1].Tensors[0].Shape.ToArray());
    }

    [Fact]
    public void Bidirectional_changes_the_spec_so_the_pipeline_regenerates()
    {
        const string Source = """
            [RnnModel(InputSize = 5)]
            public partial class M
            {
                [SimpleRnn(7)MODIFIER]
                public partial SimpleRnnLayer Rnn { get; }
            }
            """;
        Assert.NotEqual(Parse(Source.Replace("MODIFIER", string.Empty, StringComparison.Ordinal)), Parse(Source.Replace("MODIFIER", ", Bidirectional", StringComparison.Ordinal)));
        Assert.Equal(Parse(Source.Replace("MODIFIER", ", Bidirectional", StringComparison.Ordinal)), Parse(Source.Replace("MODIFIER", ", Bidirectional", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_rules_count_both_directions_against_the_arena()
    {
        // One direction of Gru(16384) over 16384 inputs is 1,610,711,040 parameters, within one arena; two are not.
        const string Source = """
            [RnnModel(InputSize = 16384)]
            public partial class M
            {
                [Gru(16384)MODIFIER]
                public partial GruLayer Encoder { get; }
            }
            """;
        var one = ModelRules.Check(Parse(Source.Replace("MODIFIER", string.Empty, StringComparison.Ordinal)));
        Assert.Equal(DiagnosticIds.LargeModel, Assert.Single(one).Id);
        var two = ModelRules.Check(Parse(Source.Replace("MODIFIER", ", Bidirectional", StringComparison.Ordinal)));
        var violation = Assert.Single(two);
        Assert.Equal(DiagnosticIds.ModelTooLarge, violation.Id);
        Assert.Equal("3,221,422,080", violation.Arguments[1]);
    }

    [Theory]
    [InlineData("[Dense(4), Bidirectional]", "DenseLayer")]
    [InlineData("[Bidirectional]", "DenseLayer")]
    public void Bidirectional_off_a_recurrent_layer_is_an_error(string attributes, string type)
    {
        var spec = Parse($$"""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [Lstm(4)]
                public partial LstmLayer Encoder { get; }

                {{attributes}}
                public partial {{type}} Head { get; }
            }
            """);
        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.BidirectionalNotRecurrent, violation.Id);
        Assert.Equal(ViolationTarget.LayerProperty, violation.Target);
        Assert.Equal(1, violation.LayerIndex);
        Assert.Equal(new[] { "Head" }, violation.Arguments.ToArray());
        Assert.False(ModelRules.CanGenerate(spec));
    }

    [Fact]
    public void Softmax_and_bidirectional_alone_are_each_reported()
    {
        var spec = Parse("""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [Lstm(4)]
                public partial LstmLayer Encoder { get; }

                [Softmax, Bidirectional]
                public partial DenseLayer Head { get; }
            }
            """);
        Assert.Equal(
            new[] { DiagnosticIds.SoftmaxNotOnOutput, DiagnosticIds.BidirectionalNotRecurrent },
            ModelRules.Check(spec).Select(v => v.Id).OrderBy(id => id, StringComparer.Ordinal));
    }

    [Fact]
    public Task RNN0019_is_reported_at_the_property() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [Gru(4), Bidirectional]
            public partial GruLayer Encoder { get; }

            [Dense(2), Bidirectional]
            public partial DenseLayer {|RNN0019:Head|} { get; }
        }
        """);

    [Theory]
    [InlineData("RNN0019")]
    [InlineData("RNN0020")]
    public void The_rules_have_a_descriptor_a_release_entry_and_a_help_page(string id)
    {
        var descriptor = DiagnosticDescriptors.For(id);
        Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        Assert.EndsWith($"docs/diagnostics/{id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.Contains("'Head'", string.Format(System.Globalization.CultureInfo.InvariantCulture, descriptor.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), "Head", "M"), StringComparison.Ordinal);
        string page = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "diagnostics", id + ".md"));
        Assert.StartsWith($"# {id}: {descriptor.Title}", page, StringComparison.Ordinal);
        Assert.Contains($"{id} | RnnGen | Error | {descriptor.Title}", File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Analyzers", "AnalyzerReleases.Unshipped.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_streaming_model_cannot_have_a_bidirectional_layer()
    {
        const string Source = """
            [RnnModel(InputSize = 3STREAMING)]
            public partial class M
            {
                [Gru(4), Bidirectional]
                public partial GruLayer Encoder { get; }

                [Dense(2)]
                public partial DenseLayer Head { get; }
            }
            """;
        Assert.Empty(ModelRules.Check(Parse(Source.Replace("STREAMING", string.Empty, StringComparison.Ordinal))));
        var spec = Parse(Source.Replace("STREAMING", ", Streaming = true", StringComparison.Ordinal));
        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.BidirectionalInStreamingModel, violation.Id);
        Assert.Equal(0, violation.LayerIndex);
        Assert.Equal(new[] { "Encoder", "M" }, violation.Arguments.ToArray());
        Assert.False(ModelRules.CanGenerate(spec));
    }

    [Fact]
    public Task RNN0020_is_reported_at_the_property() => Verify("""
        [RnnModel(InputSize = 3, Streaming = true)]
        public partial class M
        {
            [Lstm(4), Bidirectional]
            public partial LstmLayer {|RNN0020:Encoder|} { get; }

            [Dense(2)]
            public partial DenseLayer Head { get; }
        }
        """);

    [Fact]
    public void A_bidirectional_model_has_no_step()
    {
        // Without Streaming = true a bidirectional model is fine, for Forward; it only lacks Step and State.
        Assert.Null(typeof(RnnGen.Tests.Models.BiLstmTagger).GetMethod("Step"));
        Assert.Null(typeof(RnnGen.Tests.Models.BiLstmTagger).GetNestedType("State"));
        Assert.NotNull(typeof(RnnGen.Tests.Models.MixedDirections).GetMethod("Forward", new[] { typeof(RnnGen.Tests.Models.MixedDirections.Workspace), typeof(ReadOnlySpan<float>), typeof(int), typeof(int), typeof(Span<float>) }));
        Assert.Null(typeof(RnnGen.Tests.Models.MixedDirections).GetMethod("Step"));
        Assert.NotNull(typeof(RnnGen.Tests.Models.TorchLstmL2Uni).GetMethod("Step"));
    }

    [Fact]
    public void A_bidirectional_model_generates_code_that_compiles_cleanly()
    {
        var run = GeneratorHarness.Run("""
            using RnnGen;

            namespace Samples;

            /// <summary>Sentiment of a sequence from both of its ends.</summary>
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                /// <summary>Reads the sequence both ways.</summary>
                [SimpleRnn(4, ReturnSequences = false), Bidirectional]
                public partial SimpleRnnLayer Encoder { get; }

                /// <summary>Classifier.</summary>
                [Dense(2), Softmax]
                public partial DenseLayer Head { get; }
            }
            """);
        Assert.Null(run.Exception);
        Assert.Single(run.Sources);
        var problems = run.OutputWarningsAndErrors();
        Assert.True(problems.Count == 0, GeneratorRun.Describe(problems));
    }

    private static NetworkSpec Parse(string body)
    {
        var compilation = GeneratorHarness.Compile("using RnnGen;\n" + body);
        Assert.All(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), d => Assert.Equal("CS9248", d.Id));
        var type = compilation.GetTypeByMetadataName("M") ?? throw new InvalidOperationException("No class M.");
        return ModelParser.Parse(type, CancellationToken.None);
    }

    /// <summary>Runs the analyzer on <paramref name="body"/> and compares its diagnostics with the markup.</summary>
    private static async Task Verify(string body)
    {
        var test = new CSharpAnalyzerTest<ModelAnalyzer, DefaultVerifier>
        {
            TestCode = "using RnnGen;\n\n" + body,
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        test.TestState.AdditionalReferences.AddRange(GeneratorHarness.References);
        test.SolutionTransforms.Add((solution, projectId) =>
            solution.WithProjectParseOptions(projectId, new CSharpParseOptions(LanguageVersion.Preview)));
        await test.RunAsync();
    }
}
