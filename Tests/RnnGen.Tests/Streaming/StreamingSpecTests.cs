using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;
using RnnGen.Generator.Rules;
using RnnGen.Tests.Generator;
using Xunit;

namespace RnnGen.Tests.Streaming;

/// <summary>How <c>[RnnModel(Streaming = true)]</c> is read, what it adds to the generated code, and the names Step, State, Save and Load take.</summary>
public sealed class StreamingSpecTests
{
    [Fact]
    public void Streaming_is_read_into_the_spec_and_defaults_to_false()
    {
        Assert.True(Parse("[RnnModel(InputSize = 3, Streaming = true)]").Streaming);
        Assert.False(Parse("[RnnModel(InputSize = 3, Streaming = false)]").Streaming);
        Assert.False(Parse("[RnnModel(InputSize = 3)]").Streaming);
    }

    [Fact]
    public void Streaming_changes_only_the_summary_of_the_generated_code()
    {
        string Generate(string streaming) => Assert.Single(GeneratorHarness.Run($$"""
            using RnnGen;

            [RnnModel(InputSize = 3{{streaming}})]
            public partial class M
            {
                [Gru(hidden: 4)]
                public partial GruLayer Encoder { get; }
            }
            """).Sources).SourceText.ToString();

        var streamed = Generate(", Streaming = true").Split('\n');
        var plain = Generate(string.Empty).Split('\n');

        // Both have Step and State; the streaming model's summary says it is meant for streaming.
        Assert.Contains(plain, l => l.Contains("public void Step(State state, ReadOnlySpan<float> input, Span<float> output)", StringComparison.Ordinal));
        Assert.Contains(plain, l => l.Contains("public sealed class State", StringComparison.Ordinal));
        var added = Assert.Single(streamed.Except(plain));
        Assert.Contains("Meant for streaming", added, StringComparison.Ordinal);
        Assert.Empty(plain.Except(streamed));
    }

    [Theory]
    [InlineData("Step")]
    [InlineData("State")]
    [InlineData("Save")]
    [InlineData("Load")]
    public void A_layer_named_like_a_streaming_or_checkpoint_member_clashes(string name)
    {
        var spec = Parse("[RnnModel(InputSize = 3)]", layerName: name);

        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.GeneratedNameClash, violation.Id);
    }

    [Fact]
    public void A_model_named_State_clashes_with_the_nested_State()
    {
        var spec = Parse("[RnnModel(InputSize = 3)]", className: "State");

        var violation = Assert.Single(ModelRules.Check(spec));
        Assert.Equal(DiagnosticIds.GeneratedNameClash, violation.Id);
        Assert.Equal("State", violation.Arguments[0]);
    }

    private static NetworkSpec Parse(string attribute, string layerName = "Encoder", string className = "M")
    {
        var compilation = GeneratorHarness.Compile($$"""
            using RnnGen;

            {{attribute}}
            public partial class {{className}}
            {
                [Lstm(hidden: 4)]
                public partial LstmLayer {{layerName}} { get; }
            }
            """);
        Assert.All(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), d => Assert.Equal("CS9248", d.Id));
        var type = compilation.GetTypeByMetadataName(className) ?? throw new InvalidOperationException($"No class {className}.");
        return ModelParser.Parse(type, CancellationToken.None);
    }
}
