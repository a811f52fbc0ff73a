using RnnGen;

namespace RnnGen.Tests.Models;

/// <summary>The shape of the LSTM fixtures: 5 inputs, 7 units, outputs are the hidden states.</summary>
[RnnModel(InputSize = 5)]
public partial class TorchLstm
{
    [Lstm(hidden: 7)]
    public partial LstmLayer Lstm { get; }
}

/// <summary>As <see cref="TorchLstm"/> with peepholes.</summary>
[RnnModel(InputSize = 5)]
public partial class PeepholeLstm
{
    [Lstm(hidden: 7, Peephole = true)]
    public partial LstmLayer Lstm { get; }
}

/// <summary>As <see cref="TorchLstm"/> with the input gate coupled to the forget gate.</summary>
[RnnModel(InputSize = 5)]
public partial class CoupledLstm
{
    [Lstm(hidden: 7, CoupledInputForget = true)]
    public partial LstmLayer Lstm { get; }
}

/// <summary>As <see cref="TorchLstm"/> with peepholes and coupled gates.</summary>
[RnnModel(InputSize = 5)]
public partial class PeepholeCoupledLstm
{
    [Lstm(hidden: 7, Peephole = true, CoupledInputForget = true)]
    public partial LstmLayer Lstm { get; }
}

/// <summary>The shape of the GRU fixtures, reset after the recurrent product (PyTorch's form, the default).</summary>
[RnnModel(InputSize = 5)]
public partial class TorchGru
{
    [Gru(hidden: 7)]
    public partial GruLayer Gru { get; }
}

/// <summary>As <see cref="TorchGru"/>, reset before the recurrent product (Cho et al. 2014).</summary>
[RnnModel(InputSize = 5)]
public partial class ChoGru
{
    [Gru(hidden: 7, ResetAfter = false)]
    public partial GruLayer Gru { get; }
}

/// <summary>A tagger: LSTM, then a softmax classifier at every step.</summary>
[RnnModel(InputSize = 4)]
public partial class LstmTagger
{
    [Lstm(hidden: 6)]
    public partial LstmLayer Encoder { get; }

    [Dense(3), Softmax]
    public partial DenseLayer Head { get; }
}

/// <summary>Many-to-one regression: a peephole LSTM's last state through a tanh layer and a linear output.</summary>
[RnnModel(InputSize = 4)]
public partial class PeepholeLstmRegressor
{
    [Lstm(hidden: 5, Peephole = true, ReturnSequences = false)]
    public partial LstmLayer Encoder { get; }

    [Dense(4, Activation = DenseActivation.Tanh)]
    public partial DenseLayer Hidden { get; }

    [Dense(2)]
    public partial DenseLayer Output { get; }
}

/// <summary>Many-to-one classification with a coupled LSTM.</summary>
[RnnModel(InputSize = 4)]
public partial class CoupledLstmClassifier
{
    [Lstm(hidden: 6, CoupledInputForget = true, ReturnSequences = false)]
    public partial LstmLayer Encoder { get; }

    [Dense(3), Softmax]
    public partial DenseLayer Head { get; }
}

/// <summary>A stack of every gated cell: peephole coupled LSTM, then a reset-before GRU, a sigmoid output per step.</summary>
[RnnModel(InputSize = 3)]
public partial class GatedStack
{
    [Lstm(hidden: 6, Peephole = true, CoupledInputForget = true)]
    public partial LstmLayer First { get; }

    [Gru(hidden: 5, ResetAfter = false)]
    public partial GruLayer Second { get; }

    [Dense(2, Activation = DenseActivation.Sigmoid)]
    public partial DenseLayer Output { get; }
}

/// <summary>A tagger: GRU (reset after), then a softmax classifier at every step.</summary>
[RnnModel(InputSize = 4)]
public partial class GruTagger
{
    [Gru(hidden: 6)]
    public partial GruLayer Encoder { get; }

    [Dense(3), Softmax]
    public partial DenseLayer Head { get; }
}

/// <summary>Many-to-one regression: the last state of a reset-before GRU through a linear output.</summary>
[RnnModel(InputSize = 4)]
public partial class ChoGruRegressor
{
    [Gru(hidden: 5, ResetAfter = false, ReturnSequences = false)]
    public partial GruLayer Encoder { get; }

    [Dense(2)]
    public partial DenseLayer Output { get; }
}
