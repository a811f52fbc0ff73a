using RnnGen;

namespace RnnGen.Benchmarks.Models;

/// <summary>One LSTM layer, 128 → 128, returning the whole sequence (as <c>nn.LSTM(128, 128)</c>).</summary>
[RnnModel(InputSize = 128)]
public partial class SequenceLstm128
{
    [Lstm(hidden: 128)]
    public partial LstmLayer Recurrent { get; }
}

/// <summary>One LSTM layer, 128 → 256, returning the whole sequence (as <c>nn.LSTM(128, 256)</c>).</summary>
[RnnModel(InputSize = 128)]
public partial class SequenceLstm256
{
    [Lstm(hidden: 256)]
    public partial LstmLayer Recurrent { get; }
}

/// <summary>
/// The Penn Treebank small language model without its embedding: 200 input features (standing in for the embedding's
/// output), two LSTM layers of 200, a 10 000-way softmax decoder at every step.
/// </summary>
[RnnModel(InputSize = 200)]
public partial class PtbSmallNoEmbedding
{
    [Lstm(hidden: 200)]
    public partial LstmLayer Lower { get; }

    [Lstm(hidden: 200)]
    public partial LstmLayer Upper { get; }

    [Dense(10_000), Softmax]
    public partial DenseLayer Decoder { get; }
}

/// <summary>
/// The Penn Treebank small language model of Zaremba et al. (2014): an embedding of 200 over the 10 000 words, two LSTM
/// layers of 200, a 10 000-way softmax decoder at every step; token ids in.
/// </summary>
[RnnModel]
public partial class PtbSmall
{
    [Embedding(vocabulary: 10_000, size: 200)]
    public partial EmbeddingLayer Embedding { get; }

    [Lstm(hidden: 200)]
    public partial LstmLayer Lower { get; }

    [Lstm(hidden: 200)]
    public partial LstmLayer Upper { get; }

    [Dense(10_000), Softmax]
    public partial DenseLayer Decoder { get; }
}
