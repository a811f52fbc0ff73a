using RnnGen;

namespace RnnGen.Tests.Models;

/// <summary>
/// The language model of the fixture lm_step_lstm2: nn.Embedding(50, 16), nn.LSTM(16, 16, num_layers=2) and an
/// nn.Linear(16, 50) decoder, in a module with attributes embedding, lstm and decoder.
/// </summary>
[RnnModel]
public partial class TorchLanguageModel
{
    [Embedding(vocabulary: 50, size: 16)]
    public partial EmbeddingLayer Embedding { get; }

    [Lstm(hidden: 16)]
    public partial LstmLayer Lstm { get; }

    [Lstm(hidden: 16)]
    public partial LstmLayer Upper { get; }

    [Dense(50), Softmax]
    public partial DenseLayer Decoder { get; }
}

/// <summary>Token ids into a GRU that returns only its last state, then a linear regression head: many-to-one with MSE.</summary>
[RnnModel]
public partial class TokenRegressor
{
    [Embedding(vocabulary: 9, size: 5)]
    public partial EmbeddingLayer Words { get; }

    [Gru(hidden: 6, ReturnSequences = false)]
    public partial GruLayer Encoder { get; }

    [Dense(2)]
    public partial DenseLayer Head { get; }
}

/// <summary>Token ids tagged through a bidirectional Elman layer: no streaming Step.</summary>
[RnnModel]
public partial class TokenTagger
{
    [Embedding(vocabulary: 11, size: 4)]
    public partial EmbeddingLayer Words { get; }

    [SimpleRnn(hidden: 5), Bidirectional]
    public partial SimpleRnnLayer Encoder { get; }

    [Dense(3), Softmax]
    public partial DenseLayer Tags { get; }
}
