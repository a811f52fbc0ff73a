using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>
/// Code as it looks while it is being typed. Whatever the user has written so far, the generator neither
/// throws nor adds a compile error of its own: it generates nothing for a model it cannot build, and what
/// it does generate compiles.
/// </summary>
public sealed class HalfTypedCodeTests
{
    private const string RnnLayer = "[SimpleRnn(hidden: 4)] public partial SimpleRnnLayer Rnn { get; }";

    /// <summary>Each case: its source, and whether the model in it is complete enough to be generated.</summary>
    private static readonly Dictionary<string, (string Source, bool Generates)> Cases = new()
    {
        // Attribute arguments.
        ["missing hidden size"] = (Model("[SimpleRnn] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["unclosed argument list"] = (Model("[SimpleRnn(] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["unclosed attribute"] = (Model("[SimpleRnn(hidden: 4 public partial SimpleRnnLayer Rnn { get; }"), true),
        ["named argument without value"] = (Model("[SimpleRnn(hidden: 4, Activation = )] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["non-constant hidden size"] = (Model("private static int someField = 4; [SimpleRnn(hidden: someField)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["non-constant option"] = (Model("private static bool flag; [SimpleRnn(4, ReturnSequences = flag)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["hidden size of the wrong type"] = (Model("[SimpleRnn(\"four\")] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["undeclared identifier as size"] = (Model("[SimpleRnn(hidden: Undeclared)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["dense of zero units"] = (Model(RnnLayer + " [Dense(0)] public partial DenseLayer Head { get; }"), false),
        ["negative hidden size"] = (Model("[SimpleRnn(hidden: -3)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["huge hidden size"] = (Model("[SimpleRnn(hidden: int.MaxValue)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["hidden size just above the limit"] = (Model("[SimpleRnn(hidden: 16_385)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["huge dense layer"] = (Model(RnnLayer + " [Dense(1_000_000_000)] public partial DenseLayer Head { get; }"), false),
        ["unknown recurrent activation"] = (Model("[SimpleRnn(4, Activation = (RnnActivation)7)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["negative recurrent activation"] = (Model("[SimpleRnn(4, Activation = (RnnActivation)(-1))] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["unknown dense activation"] = (Model(RnnLayer + " [Dense(2, Activation = (DenseActivation)9)] public partial DenseLayer Head { get; }"), false),
        ["activation of the other layer kind"] = (Model("[SimpleRnn(4, Activation = DenseActivation.Sigmoid)] public partial SimpleRnnLayer Rnn { get; }"), false),

        // The model attribute.
        ["missing input size"] = (Model(RnnLayer, model: "[RnnModel]"), false),
        ["negative input size"] = (Model(RnnLayer, model: "[RnnModel(InputSize = -1)]"), false),
        ["huge input size"] = (Model(RnnLayer, model: "[RnnModel(InputSize = int.MaxValue)]"), false),
        ["non-constant input size"] = (Model("public static int Size = 3; " + RnnLayer, model: "[RnnModel(InputSize = M.Size)]"), false),
        ["input size half typed"] = (Model(RnnLayer, model: "[RnnModel(InputSize = )]"), false),
        ["model attribute unclosed"] = (Model(RnnLayer, model: "[RnnModel(InputSize = 3"), true),
        ["no layers"] = (Model("public int NotALayer { get; }"), false),

        // The layer property.
        ["partial property with a body"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer Rnn { get => null!; }"), false),
        ["property with a body"] = (Model("[SimpleRnn(4)] public SimpleRnnLayer Rnn => null!;"), false),
        ["auto-property that is not partial"] = (Model("[SimpleRnn(4)] public SimpleRnnLayer Rnn { get; }"), false),
        ["property with a setter"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer Rnn { get; set; }"), false),
        ["static property"] = (Model("[SimpleRnn(4)] public static partial SimpleRnnLayer Rnn { get; }"), false),
        ["property of the other layer type"] = (Model("[SimpleRnn(4)] public partial DenseLayer Rnn { get; }"), false),
        ["property of an unknown type"] = (Model("[SimpleRnn(4)] public partial Unknown Rnn { get; }"), false),
        ["property of type int"] = (Model("[SimpleRnn(4)] public partial int Rnn { get; }"), false),
        ["property without accessors"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer Rnn"), false),
        ["property missing its name"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer { get; }"), false),
        ["virtual property"] = (Model("[SimpleRnn(4)] public virtual partial SimpleRnnLayer Rnn { get; }"), false),
        ["ref-returning property"] = (Model("[SimpleRnn(4)] public partial ref SimpleRnnLayer Rnn { get; }"), false),
        ["two layer attributes"] = (Model("[SimpleRnn(4), Dense(3)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["the same layer attribute twice"] = (Model("[SimpleRnn(4)][SimpleRnn(5)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["layer named with a keyword"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer @checked { get; }"), true),
        ["layer named like a generated member"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer Workspace { get; }"), false),
        ["layer named like a generated method"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer Forward { get; }"), false),
        ["layer named like its class"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer M { get; }"), true),
        ["two layers of the same name"] = (Model(RnnLayer + " [SimpleRnn(hidden: 5)] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["layer attribute on a field"] = (Model(RnnLayer + " [Dense(2)] public DenseLayer? head;"), true),
        ["layer declared as an indexer"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer this[int i] { get; }"), false),
        ["layer named like another layer's method"] = (Model(RnnLayer + " [Dense(2)] public partial DenseLayer Rnn_Forward { get; }"), false),
        ["layer named like another layer's field"] = (Model(RnnLayer + " [Dense(2)] public partial DenseLayer _RnnLayer { get; }"), false),
        ["method named like a generated type"] = (Model(RnnLayer + " public int Trainer() => 0;"), false),
        ["field named like a layer's offset"] = (Model(RnnLayer + " private const int Rnn_BiasHh = 0;"), false),
        ["a layer and a method of one name"] = (Model(RnnLayer + " public void Rnn() { }"), false),
        ["a layer and a broken property of one name"] = (Model("[SimpleRnnhidden: 8)] public partial SimpleRnnLayer Head { get; } [Dense(5), Softmax] public partial DenseLayer Head { get; }"), false),
        ["layer names that differ only in case"] = (Model(RnnLayer + " [SimpleRnn(hidden: 5)] public partial SimpleRnnLayer rnn { get; }"), true),

        // Softmax and the order of layers.
        ["softmax on a recurrent layer"] = (Model("[SimpleRnn(4), Softmax] public partial SimpleRnnLayer Rnn { get; }"), false),
        ["softmax before the last layer"] = (Model(RnnLayer + " [Dense(3), Softmax] public partial DenseLayer A { get; } [Dense(2)] public partial DenseLayer B { get; }"), false),
        ["softmax without a layer"] = (Model(RnnLayer + " [Softmax] public partial DenseLayer Head { get; }"), false),
        ["softmax after an activation"] = (Model(RnnLayer + " [Dense(3, Activation = DenseActivation.Relu), Softmax] public partial DenseLayer Head { get; }"), false),
        ["softmax after an explicitly linear layer"] = (Model(RnnLayer + " [Dense(3, Activation = DenseActivation.Linear), Softmax] public partial DenseLayer Head { get; }"), true),
        ["softmax over one class"] = (Model(RnnLayer + " [Dense(1), Softmax] public partial DenseLayer Head { get; }"), false),
        ["recurrent layer after a many-to-one layer"] = (Model("[SimpleRnn(4, ReturnSequences = false)] public partial SimpleRnnLayer A { get; } [SimpleRnn(3)] public partial SimpleRnnLayer B { get; }"), false),

        // The model class.
        ["class that is not partial"] = (Model(RnnLayer, declaration: "internal class M"), false),
        ["static class"] = (Model(RnnLayer, declaration: "internal static partial class M"), false),
        ["generic class"] = (Model(RnnLayer, declaration: "internal partial class M<T>"), false),
        ["record"] = (Model(RnnLayer, declaration: "internal partial record M"), false),
        ["struct"] = (Model(RnnLayer, declaration: "internal partial struct M"), false),
        ["class missing its name"] = (Model(RnnLayer, declaration: "internal partial class"), false),
        ["layers split across partial declarations"] = (Model(RnnLayer) + "\ninternal partial class M { [Dense(2)] public partial DenseLayer Head { get; } }", false),
        ["class named with a keyword"] = (Model(RnnLayer, declaration: "internal partial class @event"), true),
        ["class named like a generated type"] = (Model(RnnLayer, declaration: "internal partial class Workspace"), false),
        ["parameter count beyond the largest array"] = (Model("[SimpleRnn(16_384)] public partial SimpleRnnLayer Rnn { get; } [Dense(1_048_576)] public partial DenseLayer Head { get; }", model: "[RnnModel(InputSize = 1_048_576)]"), false),
        ["nested in a class that is not partial"] = (Nested(RnnLayer, "internal class Outer"), false),
        ["nested in a generic class"] = (Nested(RnnLayer, "internal partial class Outer<T>"), false),
        ["nested in an interface"] = (Nested(RnnLayer, "internal partial interface IOuter"), false),
        ["nested in a partial record struct"] = (Nested(RnnLayer, "internal partial record struct Outer"), true),
        ["file-local class"] = (Model(RnnLayer, declaration: "file partial class M"), false),
        ["nested in a file-local class"] = (Nested(RnnLayer, "file partial class Outer"), false),
        ["layer property of a nullable type"] = (Model("[SimpleRnn(4)] public partial SimpleRnnLayer? Rnn { get; }"), false),
        ["abstract class"] = (Model(RnnLayer, declaration: "internal abstract partial class M"), true),
        ["derived from another model"] = (Model(RnnLayer) + "\n[RnnModel(InputSize = 3)] internal partial class N : M { [Dense(2)] public partial DenseLayer Head { get; } }", true),

        // Unrelated errors around a valid model.
        ["a syntax error elsewhere in the file"] = (Model(RnnLayer) + "\ninternal class Broken { public void F() { int x = } }", true),
        ["a type error elsewhere in the file"] = (Model(RnnLayer) + "\ninternal class Broken { public int F() => \"text\"; }", true),
        ["a dense layer alone"] = (Model("[Dense(2)] public partial DenseLayer Head { get; }"), true),

        // Embeddings: token ids in, no input size.
        ["an embedding before a recurrent layer"] = (Model(Embed + " " + RnnLayer, model: "[RnnModel]"), true),
        ["an embedding alone"] = (Model(Embed, model: "[RnnModel]"), true),
        ["an embedding with an input size"] = (Model(Embed + " " + RnnLayer), false),
        ["an embedding without its size"] = (Model("[Embedding(vocabulary: 10)] public partial EmbeddingLayer Embed { get; }", model: "[RnnModel]"), false),
        ["an embedding with its size half typed"] = (Model("[Embedding(vocabulary: 10, size: )] public partial EmbeddingLayer Embed { get; }", model: "[RnnModel]"), false),
        ["an embedding without arguments"] = (Model("[Embedding] public partial EmbeddingLayer Embed { get; }", model: "[RnnModel]"), false),
        ["an embedding of an empty vocabulary"] = (Model("[Embedding(vocabulary: 0, size: 4)] public partial EmbeddingLayer Embed { get; }", model: "[RnnModel]"), false),
        ["an embedding after a recurrent layer"] = (Model(RnnLayer + " " + Embed), false),
        ["an embedding property of the dense type"] = (Model("[Embedding(10, 4)] public partial DenseLayer Embed { get; }", model: "[RnnModel]"), false),
        ["a recurrent layer without input size or embedding"] = (Model(RnnLayer, model: "[RnnModel]"), false),
    };

    private const string Embed = "[Embedding(vocabulary: 10, size: 4)] public partial EmbeddingLayer Embed { get; }";

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_generator_never_throws_nor_adds_errors(string name)
    {
        var (source, generates) = Cases[name];

        var run = GeneratorHarness.Run(source);

        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorRun.Describe(run.GeneratorDiagnostics));
        var before = run.Input.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(Key).ToHashSet();
        var added = run.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning && !before.Contains(Key(d))).ToList();
        Assert.True(added.Count == 0, $"The generated code adds diagnostics:\n{GeneratorRun.Describe(added)}\n\nGenerated:\n{string.Join("\n", run.Sources.Select(s => s.SourceText.ToString()))}");
        Assert.Equal(generates, run.Sources.Count == 1);
        Assert.True(run.Sources.Count <= 1);
    }

    [Fact]
    public void The_cases_are_broken_only_where_they_mean_to_be()
    {
        // Guards the test above: the template compiles cleanly once generated, so the cases test what they name.
        var run = GeneratorHarness.Run(Model(RnnLayer));

        Assert.Single(run.Sources);
        Assert.Empty(run.OutputWarningsAndErrors());
    }

    private static (string Id, string? Path, Microsoft.CodeAnalysis.Text.TextSpan Span, string Message) Key(Diagnostic d) =>
        (d.Id, d.Location.SourceTree?.FilePath, d.Location.SourceSpan, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));

    private static string Model(string layers, string model = "[RnnModel(InputSize = 3)]", string declaration = "internal partial class M") =>
        $$"""
        using RnnGen;

        namespace Samples;

        {{model}}
        {{declaration}}
        {
            {{layers}}
        }
        """;

    private static string Nested(string layers, string outer) =>
        $$"""
        using RnnGen;

        namespace Samples;

        {{outer}}
        {
            [RnnModel(InputSize = 3)]
            internal partial class M
            {
                {{layers}}
            }
        }
        """;
}
