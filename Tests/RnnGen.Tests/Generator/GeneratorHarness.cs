using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RnnGen.Generator;

namespace RnnGen.Tests.Generator;

/// <summary>
/// Compiles source text against the .NET 10 reference assemblies and the RnnGen runtime, runs
/// <see cref="RnnModelGenerator"/> over it the way the compiler does, and hands back everything a test
/// looks at: generated sources, the generator's diagnostics and exceptions, and the diagnostics of the
/// compilation that includes the generated code.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>Partial properties need C# 13 or later; preview keeps the tests ahead of the default.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview, DocumentationMode.Diagnose);

    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
        Net100.References.All
            .Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(RnnModelAttribute).Assembly.Location))
            .ToImmutableArray());

    /// <summary>The .NET 10 reference assemblies plus <c>RnnGen.Runtime</c>.</summary>
    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    /// <summary>
    /// As strict as a project can be: nullable on, every warning wave on. Warnings are left as warnings
    /// so a test can list them.
    /// </summary>
    private static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        warningLevel: 9999,
        deterministic: true);

    /// <summary>A compilation of <paramref name="sources"/>, one syntax tree each (<c>Source0.cs</c>, <c>Source1.cs</c>, ...).</summary>
    public static CSharpCompilation Compile(params string[] sources) =>
        CSharpCompilation.Create(
            "RnnGen.GeneratorTestInput",
            sources.Select((text, i) => Parse(text, $"Source{i}.cs")),
            References,
            CompilationOptions);

    /// <summary>A syntax tree with the harness's parse options.</summary>
    public static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, ParseOptions, path);

    /// <summary>A fresh driver for <see cref="RnnModelGenerator"/> that records every tracked step.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new RnnModelGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator over <paramref name="sources"/> with a fresh driver.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(Compile(sources), CreateDriver());

    /// <summary>
    /// Runs <paramref name="driver"/> (which may hold the cache of earlier runs) over <paramref name="input"/>.
    /// The returned run's <see cref="GeneratorRun.Driver"/> is the driver to pass to the next run.
    /// </summary>
    public static GeneratorRun Run(Compilation input, GeneratorDriver driver)
    {
        var next = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out var driverDiagnostics);
        return new GeneratorRun(next, next.GetRunResult(), input, output, driverDiagnostics);
    }
}

/// <summary>The result of one generator run.</summary>
/// <param name="Driver">The driver after the run; run it again to exercise the incremental cache.</param>
/// <param name="Result">The driver's own account of the run: sources, diagnostics, exceptions, tracked steps.</param>
/// <param name="Input">The compilation the generator ran on.</param>
/// <param name="Output"><paramref name="Input"/> plus the generated sources.</param>
/// <param name="DriverDiagnostics">Diagnostics the driver reported (CS8785 when a generator throws).</param>
internal sealed record GeneratorRun(
    GeneratorDriver Driver,
    GeneratorDriverRunResult Result,
    Compilation Input,
    Compilation Output,
    ImmutableArray<Diagnostic> DriverDiagnostics)
{
    /// <summary>The result of <see cref="RnnModelGenerator"/>, the only generator the harness runs.</summary>
    public GeneratorRunResult Generator => Result.Results.Single();

    /// <summary>Generated files by hint name.</summary>
    public IReadOnlyList<GeneratedSourceResult> Sources => Generator.GeneratedSources;

    /// <summary>The exception the generator threw, if any.</summary>
    public Exception? Exception => Generator.Exception;

    /// <summary>Every diagnostic the generator or the driver produced.</summary>
    public IReadOnlyList<Diagnostic> GeneratorDiagnostics => Generator.Diagnostics.Concat(DriverDiagnostics).Concat(Result.Diagnostics).ToList();

    /// <summary>The outputs of one tracked step, with why each was (or was not) recomputed.</summary>
    public IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> StepOutputs(string stepName) =>
        Generator.TrackedSteps.TryGetValue(stepName, out var steps)
            ? steps.SelectMany(step => step.Outputs).ToList()
            : Array.Empty<(object, IncrementalStepRunReason)>();

    /// <summary>
    /// The runs of the step that adds generated sources: the value it was given (a plan) and why its output
    /// was (or was not) produced again.
    /// </summary>
    public IReadOnlyList<(object Input, IncrementalStepRunReason Reason)> SourceOutputs =>
        Generator.TrackedOutputSteps.TryGetValue(WellKnownGeneratorOutputs.SourceOutput, out var steps)
            ? steps.SelectMany(step => step.Outputs.Select(output => (InputOf(step), output.Reason))).ToList()
            : Array.Empty<(object, IncrementalStepRunReason)>();

    private static object InputOf(IncrementalGeneratorRunStep step)
    {
        var (source, index) = step.Inputs.Single();
        return source.Outputs[index].Value;
    }

    /// <summary>Emits <see cref="Output"/> to memory and returns all its diagnostics of at least warning severity.</summary>
    public IReadOnlyList<Diagnostic> OutputWarningsAndErrors()
    {
        using var peStream = new MemoryStream();
        var emitted = Output.Emit(peStream);
        return emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
    }

    /// <summary>One line per diagnostic (file, position, ID, message), for failure messages.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));
}
