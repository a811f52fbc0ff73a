using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>A model source whose generated code is kept as the snapshot <c>Snapshots/{Name}.verified.cs</c>.</summary>
/// <param name="Name">Snapshot name.</param>
/// <param name="HintName">The file name the generator must give its output.</param>
/// <param name="Source">The user's code.</param>
internal sealed record SnapshotModel(string Name, string HintName, string Source);

/// <summary>
/// Hand-picked models covering each layer kind and option the emitter has (every LSTM and GRU variant
/// among them), and each place a model class can be declared. Their generated code is snapshot-tested and compiled.
/// </summary>
internal static class SnapshotModels
{
    public static readonly IReadOnlyList<SnapshotModel> All = new SnapshotModel[]
    {
        new(
            "ElmanTanhTaggerSoftmax",
            "Samples.ElmanTanhTaggerSoftmax.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Many-to-many tagger: tanh Elman layer, softmax over 5 tags at every step.</summary>
            [RnnModel(InputSize = 3)]
            public partial class ElmanTanhTaggerSoftmax
            {
                /// <summary>Recurrent encoder.</summary>
                [SimpleRnn(hidden: 8)]
                public partial SimpleRnnLayer Rnn { get; }

                /// <summary>Classifier.</summary>
                [Dense(5), Softmax]
                public partial DenseLayer Head { get; }
            }
            """),
        new(
            "ReluManyToOneRegressor",
            "Samples.ReluManyToOneRegressor.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Many-to-one regressor: relu Elman layer read at the last step, one linear output.</summary>
            [RnnModel(InputSize = 4)]
            public partial class ReluManyToOneRegressor
            {
                /// <summary>Recurrent encoder.</summary>
                [SimpleRnn(hidden: 6, Activation = RnnActivation.Relu, ReturnSequences = false)]
                public partial SimpleRnnLayer Encoder { get; }

                /// <summary>Regression head.</summary>
                [Dense(1)]
                public partial DenseLayer Output { get; }
            }
            """),
        new(
            "ElmanDenseTanhSoftmax",
            "Samples.ElmanDenseTanhSoftmax.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Elman layer, a tanh dense layer, then a softmax classifier.</summary>
            [RnnModel(InputSize = 2)]
            public partial class ElmanDenseTanhSoftmax
            {
                /// <summary>Recurrent encoder.</summary>
                [SimpleRnn(hidden: 5)]
                public partial SimpleRnnLayer Rnn { get; }

                /// <summary>Hidden dense layer.</summary>
                [Dense(4, Activation = DenseActivation.Tanh)]
                public partial DenseLayer Hidden { get; }

                /// <summary>Classifier.</summary>
                [Dense(3), Softmax]
                public partial DenseLayer Classifier { get; }
            }
            """),
        new(
            "NestedInPartialClass",
            "Samples.Deep.Outer.NestedInPartialClass.g.cs",
            """
            using RnnGen;

            namespace Samples.Deep
            {
                /// <summary>Holds a model.</summary>
                public static partial class Outer
                {
                    /// <summary>A model declared inside another class.</summary>
                    [RnnModel(InputSize = 2)]
                    public partial class NestedInPartialClass
                    {
                        /// <summary>Recurrent encoder.</summary>
                        [SimpleRnn(hidden: 3, ReturnSequences = false)]
                        public partial SimpleRnnLayer Rnn { get; }

                        /// <summary>Classifier.</summary>
                        [Dense(2), Softmax]
                        public partial DenseLayer Head { get; }
                    }
                }
            }
            """),
        new(
            "GlobalNamespaceModel",
            "GlobalNamespaceModel.g.cs",
            """
            using RnnGen;

            /// <summary>A model outside any namespace, with no head: the outputs are the hidden states.</summary>
            [RnnModel(InputSize = 2)]
            public partial class GlobalNamespaceModel
            {
                /// <summary>The only layer.</summary>
                [SimpleRnn(hidden: 3)]
                public partial SimpleRnnLayer Rnn { get; }
            }
            """),
        new(
            "InternalAndPrivateLayers",
            "Samples.InternalAndPrivateLayers.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Layers of every accessibility a partial property may have.</summary>
            [RnnModel(InputSize = 2)]
            internal partial class InternalAndPrivateLayers
            {
                [SimpleRnn(hidden: 3)]
                internal partial SimpleRnnLayer First { get; }

                [SimpleRnn(hidden: 3, Activation = RnnActivation.Relu)]
                private partial SimpleRnnLayer Second { get; }

                [Dense(2, Activation = DenseActivation.Sigmoid)]
                private protected partial DenseLayer Third { get; }

                [Dense(1, Activation = DenseActivation.Relu)]
                protected internal partial DenseLayer Fourth { get; }

                /// <summary>Reads the private layer, so it is not unused.</summary>
                public int SecondSize => Second.HiddenSize;
            }
            """),
        new(
            "LstmTaggerSoftmax",
            "Samples.LstmTaggerSoftmax.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Many-to-many tagger: LSTM, softmax over 3 tags at every step.</summary>
            [RnnModel(InputSize = 3)]
            public partial class LstmTaggerSoftmax
            {
                /// <summary>Recurrent encoder.</summary>
                [Lstm(hidden: 4)]
                public partial LstmLayer Encoder { get; }

                /// <summary>Classifier.</summary>
                [Dense(3), Softmax]
                public partial DenseLayer Head { get; }
            }
            """),
        new(
            "PeepholeLstmRegressor",
            "Samples.PeepholeLstmRegressor.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Many-to-one regressor: peephole LSTM read at the last step, one linear output.</summary>
            [RnnModel(InputSize = 3)]
            public partial class PeepholeLstmRegressor
            {
                /// <summary>Recurrent encoder.</summary>
                [Lstm(hidden: 4, Peephole = true, ReturnSequences = false)]
                public partial LstmLayer Encoder { get; }

                /// <summary>Regression head.</summary>
                [Dense(1)]
                public partial DenseLayer Output { get; }
            }
            """),
        new(
            "CoupledLstmClassifier",
            "Samples.CoupledLstmClassifier.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Many-to-one classifier: LSTM with coupled input and forget gates.</summary>
            [RnnModel(InputSize = 3)]
            public partial class CoupledLstmClassifier
            {
                /// <summary>Recurrent encoder.</summary>
                [Lstm(hidden: 4, CoupledInputForget = true, ReturnSequences = false)]
                public partial LstmLayer Encoder { get; }

                /// <summary>Classifier.</summary>
                [Dense(2), Softmax]
                public partial DenseLayer Head { get; }
            }
            """),
        new(
            "PeepholeCoupledLstmStack",
            "Samples.PeepholeCoupledLstmStack.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Two stacked LSTMs, the first with peepholes and coupled gates; the outputs are the second's hidden states.</summary>
            [RnnModel(InputSize = 2)]
            public partial class PeepholeCoupledLstmStack
            {
                /// <summary>First layer.</summary>
                [Lstm(hidden: 4, Peephole = true, CoupledInputForget = true)]
                public partial LstmLayer First { get; }

                /// <summary>Second layer.</summary>
                [Lstm(hidden: 3)]
                public partial LstmLayer Second { get; }
            }
            """),
        new(
            "GruResetAfterTagger",
            "Samples.GruResetAfterTagger.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Many-to-many: GRU in PyTorch's reset-after form, a sigmoid output at every step.</summary>
            [RnnModel(InputSize = 3)]
            public partial class GruResetAfterTagger
            {
                /// <summary>Recurrent encoder.</summary>
                [Gru(hidden: 4)]
                public partial GruLayer Encoder { get; }

                /// <summary>Output.</summary>
                [Dense(2, Activation = DenseActivation.Sigmoid)]
                public partial DenseLayer Output { get; }
            }
            """),
        new(
            "GruResetBeforeRegressor",
            "Samples.GruResetBeforeRegressor.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Many-to-one regressor: GRU in the reset-before form of Cho et al. 2014.</summary>
            [RnnModel(InputSize = 3)]
            public partial class GruResetBeforeRegressor
            {
                /// <summary>Recurrent encoder.</summary>
                [Gru(hidden: 4, ResetAfter = false, ReturnSequences = false)]
                public partial GruLayer Encoder { get; }

                /// <summary>Regression head.</summary>
                [Dense(1)]
                public partial DenseLayer Output { get; }
            }
            """),
        new(
            "BidirectionalLstmStack",
            "Samples.BidirectionalLstmStack.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Deep bidirectional tagger: two bidirectional LSTM layers, softmax over 4 tags at every step.</summary>
            [RnnModel(InputSize = 3)]
            public partial class BidirectionalLstmStack
            {
                /// <summary>Lower layer, both directions.</summary>
                [Lstm(hidden: 4), Bidirectional]
                public partial LstmLayer Lower { get; }

                /// <summary>Upper layer, reading [h→; h←] of the lower one.</summary>
                [Lstm(hidden: 4), Bidirectional]
                public partial LstmLayer Upper { get; }

                /// <summary>Classifier.</summary>
                [Dense(4), Softmax]
                public partial DenseLayer Tags { get; }
            }
            """),
        new(
            "VariableLengthSentiment",
            "Samples.VariableLengthSentiment.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>
            /// Many-to-one classifier for batches of sentences of different lengths: a bidirectional relu Elman layer, then a
            /// bidirectional reset-before GRU read at each sentence's own last step, then softmax over 2 classes.
            /// </summary>
            [RnnModel(InputSize = 3)]
            public partial class VariableLengthSentiment
            {
                /// <summary>Word-level layer, both directions.</summary>
                [SimpleRnn(hidden: 4, Activation = RnnActivation.Relu), Bidirectional]
                public partial SimpleRnnLayer Words { get; }

                /// <summary>Sentence encoder: [h→_L; h←_1].</summary>
                [Gru(hidden: 3, ResetAfter = false, ReturnSequences = false), Bidirectional]
                public partial GruLayer Sentence { get; }

                /// <summary>Classifier.</summary>
                [Dense(2), Softmax]
                public partial DenseLayer Sentiment { get; }
            }
            """),
        new(
            "StreamingLstmSpotter",
            "Samples.StreamingLstmSpotter.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>Declared for streaming: a keyword spotter stepping an LSTM over audio frames, a softmax over 3 words per frame.</summary>
            [RnnModel(InputSize = 3, Streaming = true)]
            public partial class StreamingLstmSpotter
            {
                /// <summary>Recurrent encoder.</summary>
                [Lstm(hidden: 4)]
                public partial LstmLayer Encoder { get; }

                /// <summary>Classifier.</summary>
                [Dense(3), Softmax]
                public partial DenseLayer Words { get; }
            }
            """),
        new(
            "EmbeddingLanguageModel",
            "Samples.EmbeddingLanguageModel.g.cs",
            """
            using RnnGen;

            namespace Samples;

            /// <summary>A word-level language model: token ids through an embedding, two LSTM layers, a softmax over the vocabulary.</summary>
            [RnnModel(Streaming = true)]
            public partial class EmbeddingLanguageModel
            {
                /// <summary>Word vectors.</summary>
                [Embedding(vocabulary: 12, size: 4)]
                public partial EmbeddingLayer Embed { get; }

                /// <summary>Lower LSTM.</summary>
                [Lstm(hidden: 5)]
                public partial LstmLayer Lower { get; }

                /// <summary>Upper LSTM.</summary>
                [Lstm(hidden: 5)]
                public partial LstmLayer Upper { get; }

                /// <summary>Next-word distribution.</summary>
                [Dense(12), Softmax]
                public partial DenseLayer Decoder { get; }
            }
            """),
    };

    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var model in All)
            {
                names.Add(model.Name);
            }

            return names;
        }
    }

    public static SnapshotModel Named(string name) => All.Single(m => m.Name == name);
}
