using RnnGen;

namespace RnnGen.Tests.Models;

// The shapes of the PyTorch fixtures torch_{rnn,lstm,gru}_l{1,2}_{uni,bi}: 5 inputs, 7 units per direction. Each model
// is exactly one PyTorch module, so it reads the bare state_dict names (weight_ih_l0, weight_hh_l1_reverse, ...).

/// <summary>torch.nn.RNN(5, 7, bidirectional=True).</summary>
[RnnModel(InputSize = 5)]
public partial class TorchRnnL1Bi
{
    [SimpleRnn(hidden: 7), Bidirectional]
    public partial SimpleRnnLayer Rnn { get; }
}

/// <summary>torch.nn.RNN(5, 7, num_layers=2).</summary>
[RnnModel(InputSize = 5)]
public partial class TorchRnnL2Uni
{
    [SimpleRnn(hidden: 7)]
    public partial SimpleRnnLayer Lower { get; }

    [SimpleRnn(hidden: 7)]
    public partial SimpleRnnLayer Upper { get; }
}

/// <summary>torch.nn.RNN(5, 7, num_layers=2, bidirectional=True).</summary>
[RnnModel(InputSize = 5)]
public partial class TorchRnnL2Bi
{
    [SimpleRnn(hidden: 7), Bidirectional]
    public partial SimpleRnnLayer Lower { get; }

    [SimpleRnn(hidden: 7), Bidirectional]
    public partial SimpleRnnLayer Upper { get; }
}

/// <summary>torch.nn.LSTM(5, 7, bidirectional=True).</summary>
[RnnModel(InputSize = 5)]
public partial class TorchLstmL1Bi
{
    [Lstm(hidden: 7), Bidirectional]
    public partial LstmLayer Lstm { get; }
}

/// <summary>torch.nn.LSTM(5, 7, num_layers=2).</summary>
[RnnModel(InputSize = 5)]
public partial class TorchLstmL2Uni
{
    [Lstm(hidden: 7)]
    public partial LstmLayer Lower { get; }

    [Lstm(hidden: 7)]
    public partial LstmLayer Upper { get; }
}

/// <summary>torch.nn.LSTM(5, 7, num_layers=2, bidirectional=True): a deep bidirectional LSTM.</summary>
[RnnModel(InputSize = 5)]
public partial class TorchLstmL2Bi
{
    [Lstm(hidden: 7), Bidirectional]
    public partial LstmLayer Lower { get; }

    [Lstm(hidden: 7), Bidirectional]
    public partial LstmLayer Upper { get; }
}

/// <summary>torch.nn.GRU(5, 7, bidirectional=True).</summary>
[RnnModel(InputSize = 5)]
public partial class TorchGruL1Bi
{
    [Gru(hidden: 7), Bidirectional]
    public partial GruLayer Gru { get; }
}

/// <summary>torch.nn.GRU(5, 7, num_layers=2).</summary>
[RnnModel(InputSize = 5)]
public partial class TorchGruL2Uni
{
    [Gru(hidden: 7)]
    public partial GruLayer Lower { get; }

    [Gru(hidden: 7)]
    public partial GruLayer Upper { get; }
}

/// <summary>torch.nn.GRU(5, 7, num_layers=2, bidirectional=True).</summary>
[RnnModel(InputSize = 5)]
public partial class TorchGruL2Bi
{
    [Gru(hidden: 7), Bidirectional]
    public partial GruLayer Lower { get; }

    [Gru(hidden: 7), Bidirectional]
    public partial GruLayer Upper { get; }
}

/// <summary>
/// A PyTorch model of the usual kind, <c>self.lstm = nn.LSTM(5, 7, num_layers=2)</c> and
/// <c>self.decoder = nn.Linear(7, 3)</c>: its state_dict names are <c>lstm.weight_ih_l0</c>, ..., <c>decoder.weight</c>.
/// </summary>
[RnnModel(InputSize = 5)]
public partial class LstmDecoder
{
    [Lstm(hidden: 7)]
    public partial LstmLayer Lstm { get; }

    [Lstm(hidden: 7)]
    public partial LstmLayer LstmUpper { get; }

    [Dense(3)]
    public partial DenseLayer Decoder { get; }
}

/// <summary>A bidirectional LSTM tagger: a softmax classifier at every step over <c>[h→; h←]</c>.</summary>
[RnnModel(InputSize = 4)]
public partial class BiLstmTagger
{
    [Lstm(hidden: 5), Bidirectional]
    public partial LstmLayer Encoder { get; }

    [Dense(3), Softmax]
    public partial DenseLayer Head { get; }
}

/// <summary>Many-to-one classification over <c>[h→_T; h←_1]</c> of a bidirectional GRU.</summary>
[RnnModel(InputSize = 3)]
public partial class BiGruClassifier
{
    [Gru(hidden: 4, ReturnSequences = false), Bidirectional]
    public partial GruLayer Encoder { get; }

    [Dense(3), Softmax]
    public partial DenseLayer Head { get; }
}

/// <summary>
/// A deep bidirectional stack of the cells PyTorch lacks: a peephole coupled LSTM, a reset-before GRU, then a sigmoid
/// output per step.
/// </summary>
[RnnModel(InputSize = 3)]
public partial class DeepBiStack
{
    [Lstm(hidden: 4, Peephole = true, CoupledInputForget = true), Bidirectional]
    public partial LstmLayer First { get; }

    [Gru(hidden: 3, ResetAfter = false), Bidirectional]
    public partial GruLayer Second { get; }

    [Dense(2, Activation = DenseActivation.Sigmoid)]
    public partial DenseLayer Output { get; }
}

/// <summary>Many-to-one regression with a bidirectional relu Elman layer.</summary>
[RnnModel(InputSize = 4)]
public partial class BiElmanRegressor
{
    [SimpleRnn(hidden: 5, Activation = RnnActivation.Relu, ReturnSequences = false), Bidirectional]
    public partial SimpleRnnLayer Encoder { get; }

    [Dense(2)]
    public partial DenseLayer Output { get; }
}

/// <summary>Directions mixed: a unidirectional GRU under a bidirectional LSTM read at its last step, a tanh layer between.</summary>
[RnnModel(InputSize = 3)]
public partial class MixedDirections
{
    [Gru(hidden: 4)]
    public partial GruLayer First { get; }

    [Dense(4, Activation = DenseActivation.Tanh)]
    public partial DenseLayer Between { get; }

    [Lstm(hidden: 3, ReturnSequences = false), Bidirectional]
    public partial LstmLayer Second { get; }

    [Dense(2)]
    public partial DenseLayer Output { get; }
}
