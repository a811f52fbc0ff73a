using RnnGen;

namespace RnnGen.Tests.Models;

/// <summary>The shape of the PyTorch fixtures: 5 inputs, 7 tanh units, outputs are the hidden states.</summary>
[RnnModel(InputSize = 5)]
public partial class TorchRnnTanh
{
    [SimpleRnn(hidden: 7)]
    public partial SimpleRnnLayer Rnn { get; }
}

/// <summary>As <see cref="TorchRnnTanh"/> with relu.</summary>
[RnnModel(InputSize = 5)]
public partial class TorchRnnRelu
{
    [SimpleRnn(hidden: 7, Activation = RnnActivation.Relu)]
    public partial SimpleRnnLayer Rnn { get; }
}

/// <summary>A tagger: Elman layer then a softmax classifier at every step.</summary>
[RnnModel(InputSize = 3)]
public partial class TinyTagger
{
    [SimpleRnn(hidden: 4)]
    public partial SimpleRnnLayer Rnn { get; }

    [Dense(2), Softmax]
    public partial DenseLayer Head { get; }
}
