using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;
using RnnGen.Generator.Planning;
using RnnGen.Generator.Rules;
using RnnGen.Tests.Generator;
using Xunit;

namespace RnnGen.Tests.Embedding;

/// <summary>How the parser reads <c>[Embedding]</c>, how the shared rules judge models with it, and what the generator makes of them.</summary>
public sealed class EmbeddingRulesTests
{
    private const string LanguageModel = """
        [RnnModel]
        public partial class M
        {
            [Embedding(vocabulary: 10_000, size: 200)]
            public partial EmbeddingLayer Embed { get; }

            [Lstm(hidden: 200)]
            public partial LstmLayer Lower { get; }

            [Lstm(hidden: 200)]
            public partial LstmLayer Upper { get; }

            [Dense(10_000), Softmax]
            public partial DenseLayer Decoder { get; }
        }
        """;

    [Fact]
    public void Vocabulary_and_size_are_read_in_the_order_of_the_constructor()
    {
        var spec = Parse(LanguageModel);
        var embed = spec.Layers[0];

        Assert.Equal(LayerKind.Embedding, embed.Kind);
        Assert.Equal(10_000, embed.Vocabulary);
        Assert.Equal(200, embed.Size);
        Assert.False(embed.HasInvalidArguments);
        Assert.True(spec.ReadsTokens);
        Assert.Empty(ModelRules.Check(spec));
    }

    [Fact]
    public void The_plan_places_a_pytorch_shaped_table_first_and_the_rules_planner_and_runtime_count_it_alike()
    {
        var spec = Parse(LanguageModel);
        var plan = NetworkPlanner.Plan(spec);
        var table = Assert.Single(plan.Layers[0].Tensors);

        Assert.Equal("weight", table.Name);
        Assert.Equal(new[] { 10_000, 200 }, table.Shape.ToArray());
        Assert.Equal(0, table.Offset);
        Assert.True(table.Normal);
        Assert.Equal(1f, table.InitBound);
        Assert.Equal(1, plan.InputSize);
        Assert.Equal(10_000, plan.VocabularySize);
        Assert.Equal(200, plan.Layers[1].InputSize);
        Assert.Equal(EmbeddingLayer.ParameterCountOf(10_000, 200), plan.Layers[0].ParameterCount);
        Assert.Equal(EmbeddingLayer.ParameterCountOf(10_000, 200), ModelRules.ParameterCount(spec.Layers[0], 0, 200));

        // Zaremba et al.'s small model: 2,000,000 + 2 × 321,600 + 2,010,000.
        Assert.Equal(4_653_200, plan.ParameterCount);
    }

    [Fact]
    public void The_pytorch_names_are_those_of_an_nn_Embedding_under_the_snake_case_property()
    {
        var defaults = PyTorchNaming.Defaults(NetworkPlanner.Plan(Parse(LanguageModel)));

        Assert.Equal(new[] { "embed", "lower", "lower", "decoder" }, defaults.Select(d => d.Module));
        Assert.False(defaults[0].IsRecurrent);
        Assert.Null(defaults[0].Unsupported);
    }

    [Theory]
    [InlineData("[Embedding(vocabulary: 10)]")]
    [InlineData("[Embedding(Options.Size, 4)]")]
    [InlineData("[Embedding(10, Options.Size)]")]
    [InlineData("[Embedding]")]
    public void A_missing_or_non_constant_argument_is_an_invalid_argument(string attribute)
    {
        var spec = Parse($$"""
            public static class Options
            {
                public static int Size = 4;
            }

            [RnnModel]
            public partial class M
            {
                {{attribute}}
                public partial EmbeddingLayer Embed { get; }
            }
            """, allowErrors: true);

        Assert.True(spec.Layers[0].HasInvalidArguments);
        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.InvalidArgument, violation.Id);
        Assert.False(ModelRules.CanGenerate(spec));
    }

    [Fact]
    public void An_embedding_after_another_layer_is_reported_there_and_stops_the_generator()
    {
        var spec = Parse("""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [Dense(4)]
                public partial DenseLayer First { get; }

                [Embedding(vocabulary: 10, size: 4)]
                public partial EmbeddingLayer Embed { get; }
            }
            """);

        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.EmbeddingNotFirst, violation.Id);
        Assert.Equal(1, violation.LayerIndex);
        Assert.Equal(new[] { "Embed", "First" }, violation.Arguments.ToArray());
        Assert.False(ModelRules.CanGenerate(spec));
    }

    [Theory]
    [InlineData("[RnnModel(InputSize = 3)]", DiagnosticIds.InputSizeWithEmbedding)]
    [InlineData("[RnnModel(InputSize = -1)]", DiagnosticIds.InputSizeWithEmbedding)]
    [InlineData("[RnnModel]", null)]
    [InlineData("[RnnModel(InputSize = 0)]", null)]
    public void A_model_that_reads_token_ids_has_no_input_size(string model, string? expected)
    {
        var spec = Parse(model + """

            public partial class M
            {
                [Embedding(vocabulary: 10, size: 4)]
                public partial EmbeddingLayer Embed { get; }

                [Dense(2)]
                public partial DenseLayer Head { get; }
            }
            """);

        Assert.Equal(expected is null ? Array.Empty<string>() : new[] { expected }, ModelRules.Check(spec).Select(v => v.Id));
    }

    [Fact]
    public void Softmax_and_bidirectional_on_an_embedding_are_reported()
    {
        var spec = Parse("""
            [RnnModel]
            public partial class M
            {
                [Embedding(vocabulary: 10, size: 4), Softmax, Bidirectional]
                public partial EmbeddingLayer Embed { get; }

                [Dense(2)]
                public partial DenseLayer Head { get; }
            }
            """);

        Assert.Equal(
            new[] { DiagnosticIds.SoftmaxNotOnOutput, DiagnosticIds.BidirectionalNotRecurrent },
            ModelRules.Check(spec).Select(v => v.Id).OrderBy(id => id, StringComparer.Ordinal));
    }

    [Fact]
    public void The_parameter_count_of_a_huge_table_is_reported_not_overflowed()
    {
        var spec = Parse("""
            [RnnModel]
            public partial class M
            {
                [Embedding(vocabulary: 16_000_000, size: 200)]
                public partial EmbeddingLayer Embed { get; }
            }
            """);

        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.ModelTooLarge, violation.Id);
        Assert.Equal("3,200,000,000", violation.Arguments[1]);
    }

    [Fact]
    public void The_generated_language_model_compiles_without_warnings_and_an_invalid_one_gets_no_code()
    {
        var valid = GeneratorHarness.Run("using RnnGen;\n" + LanguageModel);
        Assert.Null(valid.Exception);
        Assert.Single(valid.Sources);
        var generated = valid.Sources.Select(source => source.SyntaxTree).ToHashSet();
        Assert.DoesNotContain(valid.OutputWarningsAndErrors(), d => (d.Location.SourceTree is { } tree && generated.Contains(tree)) || d.Severity == DiagnosticSeverity.Error);

        var invalid = GeneratorHarness.Run("using RnnGen;\n" + LanguageModel.Replace("[RnnModel]", "[RnnModel(InputSize = 200)]", StringComparison.Ordinal));
        Assert.Null(invalid.Exception);
        Assert.Empty(invalid.Sources);
    }

    private static NetworkSpec Parse(string body, bool allowErrors = false)
    {
        var compilation = GeneratorHarness.Compile("using RnnGen;\n" + body);
        if (!allowErrors)
        {
            // Partial properties without an implementation (CS9248) are what the generator supplies.
            Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS9248"));
        }

        var type = compilation.GetTypeByMetadataName("M") ?? throw new InvalidOperationException("No class M.");
        return ModelParser.Parse(type, CancellationToken.None);
    }
}
