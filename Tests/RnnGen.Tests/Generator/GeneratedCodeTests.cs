extern alias analyzers;

using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Generator.Model;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>
/// The generated code of each <see cref="SnapshotModels"/> model: it matches its committed snapshot, and it
/// compiles against the runtime without a single warning.
/// </summary>
public sealed class GeneratedCodeTests
{
    [Theory]
    [MemberData(nameof(SnapshotModels.Names), MemberType = typeof(SnapshotModels))]
    public void Generated_code_matches_its_snapshot(string name)
    {
        var model = SnapshotModels.Named(name);

        var run = GeneratorHarness.Run(model.Source);

        var source = Assert.Single(run.Sources);
        Assert.Equal(model.HintName, source.HintName);
        Snapshot.Verify(name, source.SourceText.ToString());
    }

    [Theory]
    [MemberData(nameof(SnapshotModels.Names), MemberType = typeof(SnapshotModels))]
    public void Generated_code_compiles_without_warnings(string name)
    {
        var model = SnapshotModels.Named(name);

        var run = GeneratorHarness.Run(model.Source);

        Assert.Null(run.Exception);
        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorRun.Describe(run.GeneratorDiagnostics));
        Assert.Single(run.Sources);
        var problems = run.OutputWarningsAndErrors();
        Assert.True(problems.Count == 0, $"The model and its generated code do not compile cleanly:\n{GeneratorRun.Describe(problems)}");
    }

    [Fact]
    public void Without_the_generator_the_models_do_not_compile()
    {
        // Guards the test above: the partial properties need the generated half, so a clean compilation
        // proves the generated code was part of it.
        foreach (var model in SnapshotModels.All)
        {
            var errors = GeneratorHarness.Compile(model.Source).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);
            Assert.Contains(errors, d => d.Id == "CS9248");
        }
    }

    [Fact]
    public void Every_member_generated_for_all_models_is_a_name_the_rules_reserve()
    {
        // A layer named like one of these members would clash with it; the rules reject such names
        // (RNN0013) from a list that has to keep up with the emitter. Layer-specific members are
        // named after their layer and cannot clash.
        var run = GeneratorHarness.Run(SnapshotModels.Named("ElmanTanhTaggerSoftmax").Source);
        var model = run.Output.GetTypeByMetadataName("Samples.ElmanTanhTaggerSoftmax");
        Assert.NotNull(model);
        var generatedTree = run.Output.SyntaxTrees.Last();
        string[] layers = { "Rnn", "Head" };

        var shared = model.GetMembers()
            .Where(m => m.CanBeReferencedByName && m.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == generatedTree))
            .Where(m => !layers.Any(l => m.Name == l || m.Name.StartsWith(l + "_", System.StringComparison.Ordinal) || m.Name == "_" + l + "Layer"))
            .ToList();

        Assert.NotEmpty(shared);
        Assert.All(shared, m => Assert.True(
            m is INamedTypeSymbol ? KnownNames.IsGeneratedTypeName(m.Name) : KnownNames.IsGeneratedMemberName(m.Name),
            $"'{m.Name}' is generated in every model but not reserved in KnownNames."));
    }

    [Theory]
    [MemberData(nameof(SnapshotModels.Names), MemberType = typeof(SnapshotModels))]
    public void Every_member_generated_for_a_layer_is_a_name_the_rules_reserve(string name)
    {
        // The rules reject a layer or member named like another layer's generated members (RNN0013) from the
        // suffix lists in KnownNames, which have to keep up with the planner and the emitters.
        var run = GeneratorHarness.Run(SnapshotModels.Named(name).Source);
        var spec = (NetworkSpec)Assert.Single(run.StepOutputs(RnnGen.Generator.RnnModelGenerator.Steps.Parse)).Value;
        var generatedTree = run.Output.SyntaxTrees.Last();
        var declaration = generatedTree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax>().First(c => c.Identifier.ValueText == spec.ClassName);
        var model = (INamedTypeSymbol?)run.Output.GetSemanticModel(generatedTree).GetDeclaredSymbol(declaration);
        Assert.NotNull(model);
        var generated = model.GetMembers()
            .Where(m => m.CanBeReferencedByName && m.DeclaringSyntaxReferences.Any(r => r.SyntaxTree == generatedTree))
            .Select(m => m.Name)
            .Where(n => !KnownNames.IsGeneratedMemberName(n) && !KnownNames.IsGeneratedTypeName(n))
            .ToHashSet();

        var reserved = spec.Layers
            .SelectMany(l => KnownNames.LayerMemberSuffixes(l.Kind).Select(suffix => l.Name + suffix).Append("_" + l.Name + "Layer").Append(l.Name))
            .ToHashSet();
        Assert.All(generated, n => Assert.True(reserved.Contains(n), $"'{n}' is generated for a layer but not reserved in KnownNames.LayerMemberSuffixes."));
        Assert.Contains(generated, n => n.EndsWith("_Forward", System.StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SnapshotModels.Names), MemberType = typeof(SnapshotModels))]
    public async System.Threading.Tasks.Task The_analyzer_finds_nothing_in_a_model_together_with_its_generated_code(string name)
    {
        // In a build and in the editor the analyzer sees the generated members too; those must not count as
        // clashes with themselves (RNN0013).
        var run = GeneratorHarness.Run(SnapshotModels.Named(name).Source);
        Assert.Single(run.Sources);

        var diagnostics = await run.Output
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new analyzers::RnnGen.Analyzers.ModelAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();

        Assert.True(diagnostics.IsEmpty, GeneratorRun.Describe(diagnostics));
    }

    [Fact]
    public void Every_committed_snapshot_belongs_to_a_model()
    {
        var names = SnapshotModels.All.Select(m => m.Name + ".verified.cs").ToHashSet();
        var files = Directory.GetFiles(Fixtures.RepositoryPaths.Snapshots, "*.verified.cs").Select(f => Path.GetFileName(f));
        Assert.All(files, file => Assert.Contains(file, names));
    }
}
