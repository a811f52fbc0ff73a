using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generator;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>
/// The pipeline serves unchanged models from its cache: a second run over the same or an unrelated-edited
/// compilation recomputes nothing that matters, and an edit to one model replans only that model.
/// </summary>
public sealed class IncrementalityTests
{
    private const string Tagger = """
        using RnnGen;

        namespace Samples;

        [RnnModel(InputSize = 3)]
        public partial class Tagger
        {
            [SimpleRnn(hidden: 8)]
            public partial SimpleRnnLayer Rnn { get; }

            [Dense(5), Softmax]
            public partial DenseLayer Head { get; }
        }
        """;

    private const string Regressor = """
        using RnnGen;

        namespace Samples;

        [RnnModel(InputSize = 4)]
        public partial class Regressor
        {
            [SimpleRnn(hidden: 6, Activation = RnnActivation.Relu, ReturnSequences = false)]
            public partial SimpleRnnLayer Encoder { get; }

            [Dense(1)]
            public partial DenseLayer Output { get; }
        }
        """;

    private const string Unrelated = """
        namespace Samples;

        public static class Unrelated
        {
            public static int Answer => 42;
        }
        """;

    private static readonly IncrementalStepRunReason[] CachedOrUnchanged = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    [Fact]
    public void A_second_run_on_the_same_compilation_is_served_from_cache()
    {
        var compilation = GeneratorHarness.Compile(Tagger, Regressor);
        var first = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver());
        Assert.Equal(2, first.Sources.Count);

        var second = GeneratorHarness.Run(compilation, first.Driver);

        AssertAllCached(second, IncrementalStepRunReason.Cached);
        Assert.Equal(first.Sources.Select(s => s.SourceText.ToString()), second.Sources.Select(s => s.SourceText.ToString()));
    }

    [Fact]
    public void Adding_an_unrelated_file_recomputes_nothing()
    {
        var compilation = GeneratorHarness.Compile(Tagger, Regressor);
        var first = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver());

        var second = GeneratorHarness.Run(compilation.AddSyntaxTrees(GeneratorHarness.Parse(Unrelated, "Unrelated.cs")), first.Driver);

        AssertAllCached(second, CachedOrUnchanged);
    }

    [Fact]
    public void Editing_an_unrelated_file_recomputes_nothing()
    {
        var compilation = GeneratorHarness.Compile(Tagger, Regressor, Unrelated);
        var first = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver());
        var unrelated = compilation.SyntaxTrees.Single(t => t.FilePath == "Source2.cs");

        var edited = compilation.ReplaceSyntaxTree(unrelated, GeneratorHarness.Parse(Unrelated.Replace("42", "43"), "Source2.cs"));
        var second = GeneratorHarness.Run(edited, first.Driver);

        AssertAllCached(second, CachedOrUnchanged);
    }

    [Fact]
    public void Editing_a_comment_in_a_model_file_replans_nothing()
    {
        var compilation = GeneratorHarness.Compile(Tagger, Regressor);
        var first = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver());
        var tagger = compilation.SyntaxTrees.Single(t => t.FilePath == "Source0.cs");

        var edited = compilation.ReplaceSyntaxTree(tagger, GeneratorHarness.Parse("// a comment\n" + Tagger, "Source0.cs"));
        var second = GeneratorHarness.Run(edited, first.Driver);

        AssertAllCached(second, CachedOrUnchanged);
    }

    [Fact]
    public void Adding_a_member_that_cannot_clash_to_a_model_replans_nothing()
    {
        // The spec keeps only the names of other members that a generated member could take, so ordinary
        // helpers added to a model leave it, and its plan and code, as they were.
        var compilation = GeneratorHarness.Compile(Tagger, Regressor);
        var first = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver());
        var tagger = compilation.SyntaxTrees.Single(t => t.FilePath == "Source0.cs");

        string withHelper = Tagger.Replace("public partial class Tagger\n{", "public partial class Tagger\n{\n    public int Epochs { get; set; }\n", System.StringComparison.Ordinal);
        Assert.NotEqual(Tagger, withHelper);
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tagger, GeneratorHarness.Parse(withHelper, "Source0.cs")), first.Driver);

        AssertAllCached(second, CachedOrUnchanged);
    }

    [Fact]
    public void Adding_a_member_named_like_a_generated_one_stops_only_that_model()
    {
        var compilation = GeneratorHarness.Compile(Tagger, Regressor);
        var first = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver());
        var tagger = compilation.SyntaxTrees.Single(t => t.FilePath == "Source0.cs");

        string clashing = Tagger.Replace("public partial class Tagger\n{", "public partial class Tagger\n{\n    public void Forward() { }\n", System.StringComparison.Ordinal);
        var second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tagger, GeneratorHarness.Parse(clashing, "Source0.cs")), first.Driver);

        var parsed = second.StepOutputs(RnnModelGenerator.Steps.Parse);
        var taggerSpec = Assert.Single(parsed, p => ((NetworkSpec)p.Value).ClassName == "Tagger");
        Assert.Equal(IncrementalStepRunReason.Modified, taggerSpec.Reason);
        Assert.Contains("Forward", ((NetworkSpec)taggerSpec.Value).OtherMemberNames);
        var plans = second.StepOutputs(RnnModelGenerator.Steps.Plan);
        Assert.Equal(IncrementalStepRunReason.Removed, Assert.Single(plans, p => ((NetworkPlan)p.Value).Spec.ClassName == "Tagger").Reason);
        Assert.Contains(Assert.Single(plans, p => ((NetworkPlan)p.Value).Spec.ClassName == "Regressor").Reason, CachedOrUnchanged);
        Assert.Equal("Samples.Regressor.g.cs", Assert.Single(second.Sources).HintName);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Editing_one_models_attribute_replans_only_that_model(bool modelsShareAFile)
    {
        string[] sources = modelsShareAFile
            ? new[] { Tagger + "\n" + Regressor.Replace("using RnnGen;", string.Empty).Replace("namespace Samples;", string.Empty) }
            : new[] { Tagger, Regressor };
        var compilation = GeneratorHarness.Compile(sources);
        var first = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver());
        Assert.Equal(2, first.Sources.Count);
        var taggerTree = compilation.SyntaxTrees.First();
        string taggerText = taggerTree.ToString();

        var edited = compilation.ReplaceSyntaxTree(taggerTree, GeneratorHarness.Parse(taggerText.Replace("hidden: 8", "hidden: 9"), taggerTree.FilePath));
        var second = GeneratorHarness.Run(edited, first.Driver);

        var plans = second.StepOutputs(RnnModelGenerator.Steps.Plan);
        Assert.Equal(2, plans.Count);
        var taggerPlan = Assert.Single(plans, p => ((NetworkPlan)p.Value).Spec.ClassName == "Tagger");
        var regressorPlan = Assert.Single(plans, p => ((NetworkPlan)p.Value).Spec.ClassName == "Regressor");
        Assert.Contains(taggerPlan.Reason, new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.New });
        Assert.Equal(9, ((NetworkPlan)taggerPlan.Value).Layers[0].OutputSize);
        Assert.Contains(regressorPlan.Reason, CachedOrUnchanged);

        var regressorSource = Assert.Single(second.SourceOutputs, o => IsSourceOf(o.Input, "Regressor"));
        Assert.Equal(IncrementalStepRunReason.Cached, regressorSource.Reason);
        var taggerSource = Assert.Single(second.SourceOutputs, o => IsSourceOf(o.Input, "Tagger"));
        Assert.Contains(taggerSource.Reason, new[] { IncrementalStepRunReason.Modified, IncrementalStepRunReason.New });
    }

    [Fact]
    public void The_tracked_steps_exist()
    {
        // Guards the tests above: a renamed step would leave nothing to check and let them pass.
        var run = GeneratorHarness.Run(Tagger, Regressor);

        Assert.Equal(2, run.StepOutputs(RnnModelGenerator.Steps.Parse).Count);
        Assert.Equal(2, run.StepOutputs(RnnModelGenerator.Steps.Plan).Count);
        Assert.Equal(2, run.SourceOutputs.Count);
        Assert.All(run.StepOutputs(RnnModelGenerator.Steps.Parse), o => Assert.IsType<NetworkSpec>(o.Value));
        Assert.All(run.StepOutputs(RnnModelGenerator.Steps.Plan), o => Assert.IsType<NetworkPlan>(o.Value));
    }

    private static void AssertAllCached(GeneratorRun run, params IncrementalStepRunReason[] allowed)
    {
        var steps = new Dictionary<string, IReadOnlyList<(object Value, IncrementalStepRunReason Reason)>>
        {
            [RnnModelGenerator.Steps.Parse] = run.StepOutputs(RnnModelGenerator.Steps.Parse),
            [RnnModelGenerator.Steps.Plan] = run.StepOutputs(RnnModelGenerator.Steps.Plan),
        };
        foreach (var (name, outputs) in steps)
        {
            Assert.Equal(2, outputs.Count);
            Assert.All(outputs, o => Assert.True(allowed.Contains(o.Reason), $"{name} output for {Describe(o.Value)} was {o.Reason}."));
        }

        Assert.Equal(2, run.SourceOutputs.Count);
        Assert.All(run.SourceOutputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    /// <summary>Source outputs are the plans handed to <c>RegisterSourceOutput</c>.</summary>
    private static bool IsSourceOf(object value, string className) => value is NetworkPlan plan && plan.Spec.ClassName == className;

    private static string Describe(object value) => value switch
    {
        NetworkSpec spec => spec.ClassName,
        NetworkPlan plan => plan.Spec.ClassName,
        _ => value.GetType().Name,
    };
}
