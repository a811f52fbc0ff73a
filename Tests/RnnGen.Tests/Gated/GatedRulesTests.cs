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

namespace RnnGen.Tests.Gated;

/// <summary>How the parser reads <c>[Lstm]</c> and <c>[Gru]</c>, and how the shared rules judge models that use them.</summary>
public sealed class GatedRulesTests
{
    [Fact]
    public void Lstm_options_are_read_into_the_spec()
    {
        var spec = Parse("""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [Lstm(hidden: 8, Peephole = true, CoupledInputForget = true, ReturnSequences = false)]
                public partial LstmLayer Encoder { get; }
            }
            """);
        var layer = spec.Layers.Single();
        Assert.Equal(LayerKind.Lstm, layer.Kind);
        Assert.Equal(8, layer.Size);
        Assert.True(layer.Peephole);
        Assert.True(layer.CoupledInputForget);
        Assert.False(layer.ReturnSequences);
        Assert.False(layer.HasInvalidArguments);
        Assert.True(layer.IsRecurrent);
        Assert.Empty(ModelRules.Check(spec));
    }

    [Fact]
    public void Lstm_and_gru_options_default_to_the_documented_values()
    {
        var spec = Parse("""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [Lstm(4)]
                public partial LstmLayer A { get; }

                [Gru(5)]
                public partial GruLayer B { get; }
            }
            """);
        var (lstm, gru) = (spec.Layers[0], spec.Layers[1]);
        Assert.False(lstm.Peephole);
        Assert.False(lstm.CoupledInputForget);
        Assert.True(lstm.ReturnSequences);
        Assert.Equal(LayerKind.Gru, gru.Kind);
        Assert.True(gru.ResetAfter);
        Assert.True(gru.ReturnSequences);
    }

    [Fact]
    public void Gru_reset_before_is_read_and_changes_the_spec()
    {
        const string Source = """
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [Gru(5, ResetAfter = RESET)]
                public partial GruLayer B { get; }
            }
            """;
        var after = Parse(Source.Replace("RESET", "true", StringComparison.Ordinal));
        var before = Parse(Source.Replace("RESET", "false", StringComparison.Ordinal));
        Assert.False(before.Layers[0].ResetAfter);
        Assert.NotEqual(after, before);
        Assert.Equal(after, Parse(Source.Replace("RESET", "true", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("[Lstm(4, Peephole = Options.Flag)]", "LstmLayer")]
    [InlineData("[Lstm(4, CoupledInputForget = Options.Flag)]", "LstmLayer")]
    [InlineData("[Gru(4, ResetAfter = Options.Flag)]", "GruLayer")]
    [InlineData("[Lstm(Options.Size)]", "LstmLayer")]
    public void A_non_constant_option_is_an_invalid_argument(string attribute, string type)
    {
        var spec = Parse($$"""
            public static class Options
            {
                public static bool Flag = true;
                public static int Size = 4;
            }

            [RnnModel(InputSize = 3)]
            public partial class M
            {
                {{attribute}}
                public partial {{type}} Layer { get; }
            }
            """);
        Assert.True(spec.Layers[0].HasInvalidArguments);
        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.InvalidArgument, violation.Id);
        Assert.False(ModelRules.CanGenerate(spec));
    }

    [Theory]
    [InlineData("Lstm(6, ReturnSequences = false)", "LstmLayer", "Gru(4)", "GruLayer")]
    [InlineData("Gru(6, ReturnSequences = false)", "GruLayer", "Lstm(4)", "LstmLayer")]
    [InlineData("Gru(6, ReturnSequences = false)", "GruLayer", "SimpleRnn(4)", "SimpleRnnLayer")]
    public void A_recurrent_layer_after_a_many_to_one_gated_layer_has_no_sequence(string first, string firstType, string second, string secondType)
    {
        var spec = Parse($$"""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [{{first}}]
                public partial {{firstType}} First { get; }

                [{{second}}]
                public partial {{secondType}} Second { get; }
            }
            """);
        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.RecurrentLayerNeedsSequence, violation.Id);
        Assert.Equal(new[] { "Second", "First" }, violation.Arguments.ToArray());
    }

    [Fact]
    public void A_gated_layer_property_of_the_wrong_view_type_is_reported()
    {
        var spec = Parse("""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [Lstm(4)]
                public partial GruLayer Encoder { get; }
            }
            """, allowErrors: true);
        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.LayerPropertyShape, violation.Id);
        Assert.Equal(new[] { "Encoder", "RnnGen.LstmLayer" }, violation.Arguments.ToArray());
    }

    [Fact]
    public void A_gated_hidden_size_beyond_the_limit_is_out_of_range()
    {
        var spec = Parse($$"""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [Gru({{ShapeLimits.MaxHidden + 1}})]
                public partial GruLayer Encoder { get; }
            }
            """);
        var violations = ModelRules.Check(spec);
        Assert.Contains(violations, v => v.Id == DiagnosticIds.SizeOutOfRange && v.Arguments[1] == "16385");
        Assert.False(ModelRules.CanGenerate(spec));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void The_rules_planner_and_runtime_count_lstm_parameters_alike(bool peephole, bool coupled)
    {
        var spec = Parse($$"""
            [RnnModel(InputSize = 5)]
            public partial class M
            {
                [Lstm(7, Peephole = {{Bool(peephole)}}, CoupledInputForget = {{Bool(coupled)}})]
                public partial LstmLayer Encoder { get; }
            }
            """);
        int runtime = LstmLayer.ParameterCountOf(5, 7, peephole, coupled);
        Assert.Equal(runtime, ModelRules.ParameterCount(spec.Layers[0], 5, 7));
        var plan = NetworkPlanner.Plan(spec);
        Assert.Equal(runtime, plan.ParameterCount);
        int gates = coupled ? 3 : 4;
        Assert.Equal(new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" }.Concat(peephole ? new[] { "peephole" } : Array.Empty<string>()), plan.Layers[0].Tensors.Select(t => t.Name));
        Assert.Equal(new[] { gates * 7, 5 }, plan.Layers[0].Tensors[0].Shape.ToArray());
        if (peephole)
        {
            Assert.Equal(new[] { coupled ? 2 : 3, 7 }, plan.Layers[0].Tensors[4].Shape.ToArray());
        }
    }

    [Fact]
    public void The_rules_planner_and_runtime_count_gru_parameters_alike()
    {
        var spec = Parse("""
            [RnnModel(InputSize = 5)]
            public partial class M
            {
                [Gru(7, ResetAfter = false)]
                public partial GruLayer Encoder { get; }
            }
            """);
        Assert.Equal(GruLayer.ParameterCountOf(5, 7), ModelRules.ParameterCount(spec.Layers[0], 5, 7));
        Assert.Equal(GruLayer.ParameterCountOf(5, 7), NetworkPlanner.Plan(spec).ParameterCount);
    }

    [Fact]
    public void A_large_lstm_warns_with_its_gated_parameter_count()
    {
        // 4 gates · 4096 · (4096 + 4096 + 2) = 134,250,496 parameters: past the warning, within one arena.
        var spec = Parse("""
            [RnnModel(InputSize = 4096)]
            public partial class M
            {
                [Lstm(4096)]
                public partial LstmLayer Encoder { get; }
            }
            """);
        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.LargeModel, violation.Id);
        Assert.Equal("134,250,496", violation.Arguments[1]);
        Assert.True(ModelRules.CanGenerate(spec));
    }

    [Fact]
    public void A_model_whose_parameters_exceed_one_arena_is_an_error_not_a_warning()
    {
        // 4 · 16,384 · (1,000,000 + 16,384 + 2) ≈ 6.7e10 parameters would overflow every offset of the generated code.
        var spec = Parse("""
            [RnnModel(InputSize = 1000000)]
            public partial class M
            {
                [Lstm(16384)]
                public partial LstmLayer Encoder { get; }
            }
            """);
        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.ModelTooLarge, violation.Id);
        Assert.False(violation.IsWarning);
        Assert.False(ModelRules.CanGenerate(spec));
    }

    private static string Bool(bool value) => value ? "true" : "false";

    /// <summary>Compiles <paramref name="body"/> against the runtime and parses the class <c>M</c> in it.</summary>
    private static NetworkSpec Parse(string body, bool allowErrors = false)
    {
        var compilation = GeneratorHarness.Compile("using RnnGen;\n" + body);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS9248").ToList();

        // Partial properties without an implementation (CS9248) are what the generator supplies; a non-constant
        // attribute argument is the compiler's error CS0182, expected where the test asks for an invalid argument.
        if (!allowErrors)
        {
            Assert.All(errors, d => Assert.Equal("CS0182", d.Id));
        }

        var type = compilation.GetTypeByMetadataName("M") ?? throw new InvalidOperationException("No class M.");
        return ModelParser.Parse(type, CancellationToken.None);
    }
}
