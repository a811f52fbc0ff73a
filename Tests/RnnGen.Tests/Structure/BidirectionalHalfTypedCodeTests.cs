using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Tests.Generator;
using Xunit;

namespace RnnGen.Tests.Structure;

/// <summary>
/// <c>[Bidirectional]</c> as it looks while being typed: the generator neither throws nor adds a compile error of its
/// own, and it generates code only for a model it can build.
/// </summary>
public sealed class BidirectionalHalfTypedCodeTests
{
    /// <summary>Each case: the layers, and whether the model is complete enough to be generated.</summary>
    private static readonly Dictionary<string, (string Layers, bool Generates)> Cases = new()
    {
        ["bidirectional alone"] = ("[Bidirectional] public partial LstmLayer A { get; }", false),
        ["bidirectional on a dense layer"] = ("[Lstm(4)] public partial LstmLayer A { get; } [Dense(2), Bidirectional] public partial DenseLayer B { get; }", false),
        ["bidirectional before the layer attribute is written"] = ("[Bidirectional, Lstm] public partial LstmLayer A { get; }", false),
        // Arguments the attribute does not take, or the attribute twice, are the compiler's errors; the layer is still
        // bidirectional, and the generated code adds nothing to those errors.
        ["bidirectional with an argument"] = ("[Lstm(4), Bidirectional(true)] public partial LstmLayer A { get; }", true),
        ["bidirectional twice"] = ("[Gru(4), Bidirectional, Bidirectional] public partial GruLayer A { get; }", true),
        ["bidirectional with every lstm option"] = ("[Lstm(4, Peephole = true, CoupledInputForget = true, ReturnSequences = false), Bidirectional] public partial LstmLayer A { get; } [Dense(2), Softmax] public partial DenseLayer B { get; }", true),
        ["deep bidirectional stack of every cell"] = ("[SimpleRnn(3, Activation = RnnActivation.Relu), Bidirectional] public partial SimpleRnnLayer A { get; } [Gru(4, ResetAfter = false), Bidirectional] public partial GruLayer B { get; } [Lstm(2), Bidirectional] public partial LstmLayer C { get; }", true),
        ["bidirectional after a many-to-one layer"] = ("[Gru(4, ReturnSequences = false), Bidirectional] public partial GruLayer A { get; } [Lstm(3), Bidirectional] public partial LstmLayer B { get; }", false),
        ["bidirectional layer named like a generated member"] = ("[Lstm(4), Bidirectional] public partial LstmLayer LoadPyTorch { get; }", false),
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
