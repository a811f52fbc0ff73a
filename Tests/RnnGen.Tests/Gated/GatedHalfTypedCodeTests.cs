using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Tests.Generator;
using Xunit;

namespace RnnGen.Tests.Gated;

/// <summary>
/// <c>[Lstm]</c> and <c>[Gru]</c> as they look while being typed: whatever their arguments, the generator neither
/// throws nor adds a compile error of its own, and it generates code only for a model it can build.
/// </summary>
public sealed class GatedHalfTypedCodeTests
{
    /// <summary>Each case: the layers, and whether the model is complete enough to be generated.</summary>
    private static readonly Dictionary<string, (string Layers, bool Generates)> Cases = new()
    {
        ["lstm without a size"] = ("[Lstm] public partial LstmLayer A { get; }", false),
        ["lstm with an unclosed argument list"] = ("[Lstm(] public partial LstmLayer A { get; }", false),
        ["lstm option without a value"] = ("[Lstm(4, Peephole = )] public partial LstmLayer A { get; }", false),
        ["lstm option that is not a constant"] = ("private static bool flag; [Lstm(4, CoupledInputForget = flag)] public partial LstmLayer A { get; }", false),
        ["lstm option of the wrong type"] = ("[Lstm(4, Peephole = 1)] public partial LstmLayer A { get; }", false),
        // An option the attribute does not declare is the compiler's error, and the compiler drops it: the model is
        // built from what the attribute does declare, and the generated code adds nothing to that one error.
        ["lstm with an activation it does not have"] = ("[Lstm(4, Activation = RnnActivation.Relu)] public partial LstmLayer A { get; }", true),
        ["lstm on a gru property"] = ("[Lstm(4)] public partial GruLayer A { get; }", false),
        ["lstm with a negative size"] = ("[Lstm(-4)] public partial LstmLayer A { get; }", false),
        ["lstm with every option"] = ("[Lstm(4, Peephole = true, CoupledInputForget = true, ReturnSequences = false)] public partial LstmLayer A { get; } [Dense(2)] public partial DenseLayer B { get; }", true),
        ["gru with a peephole"] = ("[Gru(4, Peephole = true)] public partial GruLayer A { get; }", true),
        ["gru option that is not a constant"] = ("private static bool flag; [Gru(4, ResetAfter = flag)] public partial GruLayer A { get; }", false),
        ["gru on an lstm property"] = ("[Gru(4)] public partial LstmLayer A { get; }", false),
        ["gru reset before, many-to-one"] = ("[Gru(4, ResetAfter = false, ReturnSequences = false)] public partial GruLayer A { get; } [Dense(1)] public partial DenseLayer B { get; }", true),
        ["lstm after a many-to-one gru"] = ("[Gru(4, ReturnSequences = false)] public partial GruLayer A { get; } [Lstm(3)] public partial LstmLayer B { get; }", false),
        ["gru and lstm stacked"] = ("[Gru(4)] public partial GruLayer A { get; } [Lstm(3, Peephole = true)] public partial LstmLayer B { get; } [SimpleRnn(2)] public partial SimpleRnnLayer C { get; }", true),
        ["lstm named like a generated member"] = ("[Lstm(4)] public partial LstmLayer Backward { get; }", false),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_generator_never_throws_nor_adds_errors(string name)
    {
        var (layers, generates) = Cases[name];
        string source = $$"""
            using RnnGen;

            namespace Samples;

            [RnnModel(InputSize = 3)]
            internal partial class M
            {
                {{layers}}
            }
            """;

        var run = GeneratorHarness.Run(source);

        Assert.Null(run.Exception);
        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorRun.Describe(run.GeneratorDiagnostics));
        var before = run.Input.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(Key).ToHashSet();
        var added = run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !before.Contains(Key(d))).ToList();
        Assert.True(added.Count == 0, $"The generated code adds diagnostics:\n{GeneratorRun.Describe(added)}");
        Assert.Equal(generates, run.Sources.Count == 1);
    }

    private static (string Id, string? Path, Microsoft.CodeAnalysis.Text.TextSpan Span, string Message) Key(Diagnostic d) =>
        (d.Id, d.Location.SourceTree?.FilePath, d.Location.SourceSpan, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
}
