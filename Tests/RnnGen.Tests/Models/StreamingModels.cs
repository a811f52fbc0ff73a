using RnnGen;

namespace RnnGen.Tests.Models;

/// <summary>
/// A model declared for streaming: two stacked LSTMs (peephole, then coupled input-forget) and a softmax over 3 classes
/// at every step, such as a keyword spotter reading audio frames.
/// </summary>
[RnnModel(InputSize = 4, Streaming = true)]
public partial class StreamingLstm
{
    [Lstm(hidden: 6, Peephole = true)]
    public partial LstmLayer Lower { get; }

    [Lstm(hidden: 5, CoupledInputForget = true)]
    public partial LstmLayer Upper { get; }

    [Dense(3), Softmax]
    public partial DenseLayer Classes { get; }
}

/// <summary>
/// Many-to-one over a wide layer: a GRU of 37 units (past every vector width and row block of the matrix–vector
/// kernel) read at the last step, then a sigmoid output: a running anomaly score over a sensor stream.
/// </summary>
[RnnModel(InputSize = 19, Streaming = true)]
public partial class WideGruScorer
{
    [Gru(hidden: 37, ReturnSequences = false)]
    public partial GruLayer Encoder { get; }

    [Dense(1, Activation = DenseActivation.Sigmoid)]
    public partial DenseLayer Score { get; }
}
