namespace RnnGen.Samples.LongRange;

// Six networks that differ only in their recurrent cell: the same 32 hidden units, each reading the whole
// sequence and passing only its last state (ReturnSequences = false) to the same linear output, the
// recalled value (trained with mean squared error).

/// <summary>Plain Elman RNN: <c>h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh)</c>.</summary>
[RnnModel(InputSize = RecallTask.InputSize)]
internal sealed partial class ElmanRecall
{
    [SimpleRnn(hidden: RecallTask.HiddenSize, ReturnSequences = false)]
    public partial SimpleRnnLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Answer { get; }
}

/// <summary>LSTM with a forget gate, as PyTorch's <c>nn.LSTM</c>.</summary>
[RnnModel(InputSize = RecallTask.InputSize)]
internal sealed partial class LstmRecall
{
    [Lstm(hidden: RecallTask.HiddenSize, ReturnSequences = false)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Answer { get; }
}

/// <summary>LSTM whose gates also see the cell state (peepholes).</summary>
[RnnModel(InputSize = RecallTask.InputSize)]
internal sealed partial class PeepholeLstmRecall
{
    [Lstm(hidden: RecallTask.HiddenSize, Peephole = true, ReturnSequences = false)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Answer { get; }
}

/// <summary>LSTM with the input gate tied to the forget gate, <c>i_t = 1 − f_t</c>.</summary>
[RnnModel(InputSize = RecallTask.InputSize)]
internal sealed partial class CoupledLstmRecall
{
    [Lstm(hidden: RecallTask.HiddenSize, CoupledInputForget = true, ReturnSequences = false)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Answer { get; }
}

/// <summary>GRU with the reset gate applied after the recurrent product, as PyTorch's <c>nn.GRU</c>.</summary>
[RnnModel(InputSize = RecallTask.InputSize)]
internal sealed partial class GruRecall
{
    [Gru(hidden: RecallTask.HiddenSize, ReturnSequences = false)]
    public partial GruLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Answer { get; }
}

/// <summary>GRU with the reset gate applied before the recurrent product, as Cho et al. 2014.</summary>
[RnnModel(InputSize = RecallTask.InputSize)]
internal sealed partial class ChoGruRecall
{
    [Gru(hidden: RecallTask.HiddenSize, ResetAfter = false, ReturnSequences = false)]
    public partial GruLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Answer { get; }
}
