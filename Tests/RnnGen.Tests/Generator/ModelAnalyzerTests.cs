extern alias analyzers;

using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using ModelAnalyzer = analyzers::RnnGen.Analyzers.ModelAnalyzer;

namespace RnnGen.Tests.Generator;

/// <summary>
/// Each model rule, reported by <see cref="ModelAnalyzer"/> at the place the user has to change: the class
/// name, the layer property's name or the layer attribute. Spans are marked <c>{|RNNxxxx:...|}</c>.
/// </summary>
public sealed class ModelAnalyzerTests
{
    [Fact]
    public Task A_valid_model_has_no_diagnostics() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 8, Activation = RnnActivation.Relu, ReturnSequences = false)]
            public partial SimpleRnnLayer Rnn { get; }

            [Dense(4, Activation = DenseActivation.Tanh)]
            public partial DenseLayer Hidden { get; }

            [Dense(2), Softmax]
            public partial DenseLayer Head { get; }
        }
        """);

    [Fact]
    public Task Valid_gated_models_with_every_option_and_other_members_have_no_diagnostics() => Verify("""
        public class Base
        {
            public int Steps { get; set; }

            private int Forward() => 0;
        }

        [RnnModel(InputSize = 3)]
        public sealed partial class M : Base
        {
            private const int Hidden = 8;

            [Lstm(hidden: Hidden, Peephole = true, CoupledInputForget = true)]
            public partial LstmLayer Encoder { get; }

            [Gru(6, ResetAfter = false, ReturnSequences = false)]
            internal partial GruLayer Summary { get; }

            [Dense(4, Activation = DenseActivation.Linear), Softmax]
            public partial DenseLayer Head { get; }

            public int Epochs { get; set; }

            public string Describe() => nameof(Encoder);
        }

        [RnnModel(InputSize = 2)]
        public abstract partial class Regressor
        {
            [SimpleRnn(4)]
            public partial SimpleRnnLayer Rnn { get; }

            [Dense(1, Activation = DenseActivation.Sigmoid)]
            public partial DenseLayer Score { get; }
        }
        """);

    [Fact]
    public Task A_class_without_the_model_attribute_gets_only_the_misplaced_layer_warning() => Verify("""
        public class NotAModel
        {
            [{|RNN0017:SimpleRnn(hidden: 0)|}]
            public SimpleRnnLayer? Rnn { get; }

            public int Count { get; }
        }
        """);

    [Fact]
    public Task RNN0001_model_class_not_partial() => Verify("""
        [RnnModel(InputSize = 3)]
        public class {|RNN0001:M|}
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """);

    [Fact]
    public Task RNN0002_generic_model_class() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class {|RNN0002:M|}<T>
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """);

    [Fact]
    public Task RNN0002_model_nested_in_a_class_that_is_not_partial() => Verify("""
        public class Outer
        {
            [RnnModel(InputSize = 3)]
            public partial class {|RNN0002:M|}
            {
                [SimpleRnn(hidden: 4)]
                public partial SimpleRnnLayer Rnn { get; }
            }
        }
        """);

    [Fact]
    public Task RNN0002_record_model() => Verify(
        """
        [RnnModel(InputSize = 3)]
        public partial record {|#0:M|}
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """,
        new DiagnosticResult("RNN0002", DiagnosticSeverity.Error).WithLocation(0).WithArguments("M", "a record"));

    [Fact]
    public Task RNN0002_model_derived_from_another_model() => Verify(
        """
        [RnnModel(InputSize = 3)]
        public partial class Base
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }

        [RnnModel(InputSize = 3)]
        public partial class {|#0:M|} : Base
        {
            [Dense(2)]
            public partial DenseLayer Head { get; }
        }
        """,
        new DiagnosticResult("RNN0002", DiagnosticSeverity.Error).WithLocation(0).WithArguments("M", "derived from the model 'Base', whose generated members it would hide"));

    [Fact]
    public Task RNN0002_file_local_model() => Verify("""
        [RnnModel(InputSize = 3)]
        file partial class {|RNN0002:M|}
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """);

    [Fact]
    public Task RNN0003_no_layers() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class {|RNN0003:M|}
        {
        }
        """);

    [Fact]
    public Task RNN0004_input_size_missing() => Verify("""
        [RnnModel]
        public partial class {|RNN0004:M|}
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """);

    [Fact]
    public Task RNN0005_size_out_of_range() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [{|RNN0005:SimpleRnn(hidden: 0)|}]
            public partial SimpleRnnLayer Rnn { get; }

            [{|RNN0005:Dense(-2)|}]
            public partial DenseLayer Head { get; }
        }
        """);

    [Fact]
    public Task RNN0006_argument_not_a_constant() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            private static int size = 4;

            [{|RNN0006:SimpleRnn(hidden: size)|}]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """);

    [Fact]
    public Task RNN0006_activation_not_a_defined_value() => Verify(
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [{|#0:SimpleRnn(4, Activation = (RnnActivation)7)|}]
            public partial SimpleRnnLayer Rnn { get; }

            [{|#1:Dense(2, Activation = (DenseActivation)(-1))|}]
            public partial DenseLayer Head { get; }
        }
        """,
        new DiagnosticResult("RNN0006", DiagnosticSeverity.Error).WithLocation(0).WithArguments("Rnn"),
        new DiagnosticResult("RNN0006", DiagnosticSeverity.Error).WithLocation(1).WithArguments("Head"));

    [Fact]
    public Task RNN0007_layer_property_of_the_wrong_form() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial DenseLayer {|RNN0007:WrongType|} { get; }

            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer {|RNN0007:WithSetter|} { get; set; }

            [SimpleRnn(hidden: 4)]
            public SimpleRnnLayer? {|RNN0007:NotPartial|} { get; }

            [SimpleRnn(hidden: 4)]
            public virtual partial SimpleRnnLayer {|RNN0007:Virtual|} { get; }

            [Dense(2)]
            public static partial DenseLayer {|RNN0007:Static|} { get; }

            [Dense(2)]
            public partial DenseLayer? {|RNN0007:Nullable|} { get; }
        }
        """);

    [Fact]
    public Task RNN0007_layer_declared_as_an_indexer() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer {|RNN0007:this|}[int index] { get; }
        }
        """);

    [Fact]
    public Task RNN0008_several_layer_attributes() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4), Dense(3)]
            public partial SimpleRnnLayer {|RNN0008:Rnn|} { get; }
        }
        """);

    [Fact]
    public Task RNN0009_softmax_not_on_the_output_dense_layer() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4), Softmax]
            public partial SimpleRnnLayer {|RNN0009:Rnn|} { get; }

            [Dense(3), Softmax]
            public partial DenseLayer {|RNN0009:Middle|} { get; }

            [Dense(2)]
            public partial DenseLayer Head { get; }
        }
        """);

    [Fact]
    public Task RNN0009_softmax_without_a_layer() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }

            [Softmax]
            public partial DenseLayer {|RNN0009:Head|} { get; }
        }
        """);

    [Fact]
    public Task RNN0010_layers_split_across_declarations() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class {|RNN0010:M|}
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }

        public partial class M
        {
            [Dense(2)]
            public partial DenseLayer Head { get; }
        }
        """);

    [Fact]
    public Task RNN0011_recurrent_layer_after_a_many_to_one_layer() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4, ReturnSequences = false)]
            public partial SimpleRnnLayer First { get; }

            [{|RNN0011:SimpleRnn(hidden: 3)|}]
            public partial SimpleRnnLayer Second { get; }
        }
        """);

    [Fact]
    public Task RNN0012_very_large_model_is_a_warning() => Verify(
        """
        [RnnModel(InputSize = 10_000)]
        public partial class {|#0:M|}
        {
            [SimpleRnn(hidden: 10_000)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """,
        new DiagnosticResult("RNN0012", DiagnosticSeverity.Warning).WithLocation(0).WithArguments("M", "200,020,000", "763"));

    [Fact]
    public Task RNN0013_layer_named_like_a_generated_member() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer {|RNN0013:Forward|} { get; }

            [Dense(2)]
            public partial DenseLayer {|RNN0013:Workspace|} { get; }
        }
        """);

    [Fact]
    public Task RNN0013_model_named_like_a_generated_type() => Verify("""
        public partial class Outer
        {
            [RnnModel(InputSize = 3)]
            public partial class {|RNN0013:Trainer|}
            {
                [SimpleRnn(hidden: 4)]
                public partial SimpleRnnLayer Rnn { get; }
            }
        }
        """);

    [Fact]
    public Task RNN0013_layer_named_like_another_layers_generated_member() => Verify(
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [Gru(hidden: 4)]
            public partial GruLayer Encoder { get; }

            [Dense(2)]
            public partial DenseLayer {|#0:Encoder_Forward|} { get; }
        }
        """,
        new DiagnosticResult("RNN0013", DiagnosticSeverity.Error).WithLocation(0).WithArguments("Encoder_Forward", "the member RnnGen generates for layer 'Encoder'"));

    [Fact]
    public Task RNN0013_other_members_named_like_generated_ones() => Verify(
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }

            public int {|#0:Trainer|}() => 0;

            private readonly int {|#1:Rnn_WeightIh|} = 1;
        }
        """,
        new DiagnosticResult("RNN0013", DiagnosticSeverity.Error).WithLocation(0).WithArguments("Trainer", "a member RnnGen generates in every model"),
        new DiagnosticResult("RNN0013", DiagnosticSeverity.Error).WithLocation(1).WithArguments("Rnn_WeightIh", "the member RnnGen generates for layer 'Rnn'"));

    [Fact]
    public Task RNN0013_model_deriving_from_a_class_with_a_generated_name() => Verify(
        """
        public class Base
        {
            public void Forward()
            {
            }
        }

        [RnnModel(InputSize = 3)]
        public partial class {|#0:M|} : Base
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }
        }
        """,
        new DiagnosticResult("RNN0013", DiagnosticSeverity.Error).WithLocation(0).WithArguments("Forward", "a member RnnGen generates in every model"));

    [Fact]
    public Task RNN0014_more_parameters_than_an_array_holds() => Verify(
        """
        [RnnModel(InputSize = 1_048_576)]
        public partial class {|#0:M|}
        {
            [SimpleRnn(hidden: 16_384)]
            public partial SimpleRnnLayer Rnn { get; }

            [Dense(1_048_576)]
            public partial DenseLayer Head { get; }
        }
        """,
        new DiagnosticResult("RNN0014", DiagnosticSeverity.Error).WithLocation(0).WithArguments("M", "34,629,255,168", "2,147,483,591"));

    [Fact]
    public Task RNN0015_softmax_layer_with_an_activation() => Verify(
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }

            [Dense(3, {|#0:Activation = DenseActivation.Tanh|}), Softmax]
            public partial DenseLayer Head { get; }
        }
        """,
        new DiagnosticResult("RNN0015", DiagnosticSeverity.Error).WithLocation(0).WithArguments("Head", "Tanh"));

    [Fact]
    public Task RNN0016_softmax_over_one_class() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Rnn { get; }

            [{|RNN0016:Dense(1)|}, Softmax]
            public partial DenseLayer Head { get; }
        }
        """);

    [Fact]
    public Task RNN0017_layer_attributes_in_a_class_without_the_model_attribute() => Verify(
        """
        public partial class Forgotten
        {
            [{|#0:Lstm(8)|}]
            public partial LstmLayer Encoder { get; }

            [{|#1:Dense(2)|}, Softmax]
            public partial DenseLayer Head { get; }

            [{|#2:Softmax|}]
            public DenseLayer? Stray { get; }
        }
        """,
        new DiagnosticResult("RNN0017", DiagnosticSeverity.Warning).WithLocation(0).WithArguments("Encoder", "Forgotten"),
        new DiagnosticResult("RNN0017", DiagnosticSeverity.Warning).WithLocation(1).WithArguments("Head", "Forgotten"),
        new DiagnosticResult("RNN0017", DiagnosticSeverity.Warning).WithLocation(2).WithArguments("Stray", "Forgotten"));

    [Fact]
    public Task RNN0018_layer_names_that_differ_only_in_case() => Verify(
        """
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer Encoder { get; }

            [SimpleRnn(hidden: 4)]
            public partial SimpleRnnLayer {|#0:encoder|} { get; }

            [Dense(2)]
            public partial DenseLayer Head { get; }
        }
        """,
        new DiagnosticResult("RNN0018", DiagnosticSeverity.Warning).WithLocation(0).WithArguments("encoder", "Encoder"));

    /// <summary>
    /// Runs <see cref="ModelAnalyzer"/> on <paramref name="body"/> (with <c>using RnnGen;</c> in front) and compares
    /// its diagnostics with the markup and <paramref name="expected"/>. Compiler diagnostics are not compared: without
    /// the generator every partial layer property lacks its implementation.
    /// </summary>
    [Fact]
    public Task A_valid_language_model_with_an_embedding_has_no_diagnostics() => Verify("""
        [RnnModel(Streaming = true)]
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
        """);

    [Fact]
    public Task RNN0021_embedding_not_first() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class M
        {
            [Lstm(hidden: 8)]
            public partial LstmLayer Encoder { get; }

            [{|RNN0021:Embedding(vocabulary: 10, size: 4)|}]
            public partial EmbeddingLayer Embed { get; }
        }
        """);

    [Fact]
    public Task RNN0022_input_size_on_a_model_that_reads_token_ids() => Verify("""
        [RnnModel(InputSize = 3)]
        public partial class {|RNN0022:M|}
        {
            [Embedding(vocabulary: 10, size: 4)]
            public partial EmbeddingLayer Embed { get; }

            [Gru(hidden: 8)]
            public partial GruLayer Encoder { get; }
        }
        """);

    [Fact]
    public Task RNN0023_and_RNN0005_vocabulary_and_size_of_an_embedding_out_of_range() => Verify("""
        [RnnModel]
        public partial class M
        {
            [{|RNN0023:Embedding(vocabulary: 0, size: 4)|}]
            public partial EmbeddingLayer Embed { get; }

            [Gru(hidden: 8)]
            public partial GruLayer Encoder { get; }
        }

        [RnnModel]
        public partial class N
        {
            [{|RNN0005:Embedding(vocabulary: 10, size: 65_537)|}]
            public partial EmbeddingLayer Embed { get; }
        }

        [RnnModel]
        public partial class O
        {
            [{|RNN0023:Embedding(vocabulary: 16_777_217, size: 1)|}]
            public partial EmbeddingLayer Embed { get; }
        }
        """);

    [Fact]
    public Task RNN0013_a_member_named_VocabularySize_clashes_only_in_a_model_that_reads_token_ids() => Verify("""
        [RnnModel]
        public partial class M
        {
            [Embedding(vocabulary: 10, size: 4)]
            public partial EmbeddingLayer Embed { get; }

            public int {|RNN0013:VocabularySize|} => 10;
        }

        [RnnModel(InputSize = 2)]
        public partial class N
        {
            [Dense(3)]
            public partial DenseLayer Head { get; }

            public int VocabularySize => 10;
        }
        """);

    private static async Task Verify(string body, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<ModelAnalyzer, DefaultVerifier>
        {
            TestCode = "using RnnGen;\n\n" + body,
            // An empty set that needs no package; the .NET 10 references are added below, from memory.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
            CompilerDiagnostics = CompilerDiagnostics.None,
        };
        test.TestState.AdditionalReferences.AddRange(GeneratorHarness.References);
        test.SolutionTransforms.Add((solution, projectId) =>
            solution.WithProjectParseOptions(projectId, new CSharpParseOptions(LanguageVersion.Preview)));
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}
