using System.IO;
using System.Linq;
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
            var errors = GeneratorHarness.Compile(model.Source).GetDiagnostics().Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
            Assert.Contains(errors, d => d.Id == "CS9248");
        }
    }

    [Fact]
    public void Every_committed_snapshot_belongs_to_a_model()
    {
        var names = SnapshotModels.All.Select(m => m.Name + ".verified.cs").ToHashSet();
        var files = Directory.GetFiles(Fixtures.RepositoryPaths.Snapshots, "*.verified.cs").Select(f => Path.GetFileName(f));
        Assert.All(files, file => Assert.Contains(file, names));
    }
}
