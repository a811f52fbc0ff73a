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

/// <summary>Two stacked tanh Elman layers of 7 units over 5 inputs: the shape of <c>torch_rnn_l2_uni_tanh</c>.</summary>
[RnnModel(InputSize = 5)]
public partial class TorchRnnStacked
{
    [SimpleRnn(hidden: 7)]
    public partial SimpleRnnLayer Lower { get; }

    [SimpleRnn(hidden: 7)]
    public partial SimpleRnnLayer Upper { get; }
}

/// <summary>Many-to-one regression: the last hidden state through a linear layer, trained with MSE.</summary>
[RnnModel(InputSize = 3)]
public partial class ManyToOneRegressor
{
    [SimpleRnn(hidden: 5, ReturnSequences = false)]
    public partial SimpleRnnLayer Encoder { get; }

    [Dense(2)]
    public partial DenseLayer Output { get; }
}

/// <summary>A tagger with a tanh head (MSE against float targets at every step).</summary>
[RnnModel(InputSize = 4)]
public partial class TanhHeadTagger
{
    [SimpleRnn(hidden: 9)]
    public partial SimpleRnnLayer Rnn { get; }

    [Dense(3, Activation = DenseActivation.Tanh)]
    public partial DenseLayer Head { get; }
}

/// <summary>A relu tagger with a relu head; 33 hidden units exercise the vector loops' tails.</summary>
[RnnModel(InputSize = 2)]
public partial class ReluHeadTagger
{
    [SimpleRnn(hidden: 33, Activation = RnnActivation.Relu)]
    public partial SimpleRnnLayer Rnn { get; }

    [Dense(5, Activation = DenseActivation.Relu)]
    public partial DenseLayer Head { get; }
}

/// <summary>Many-to-one with a sigmoid head: independent probabilities per sequence.</summary>
[RnnModel(InputSize = 6)]
public partial class SigmoidHeadClassifier
{
    [SimpleRnn(hidden: 8, ReturnSequences = false)]
    public partial SimpleRnnLayer Encoder { get; }

    [Dense(3, Activation = DenseActivation.Sigmoid)]
    public partial DenseLayer Head { get; }
}

/// <summary>Many-to-one softmax classifier over a relu Elman layer of 17 units.</summary>
[RnnModel(InputSize = 7)]
public partial class SequenceClassifier
{
    [SimpleRnn(hidden: 17, Activation = RnnActivation.Relu, ReturnSequences = false)]
    public partial SimpleRnnLayer Encoder { get; }

    [Dense(4), Softmax]
    public partial DenseLayer Classifier { get; }
}

/// <summary>
/// Every layer kind in one stack: Elman, a dense layer applied at every step, a second (relu) Elman layer
/// reading the dense layer's outputs, and a softmax tagger.
/// </summary>
[RnnModel(InputSize = 3)]
public partial class DeepTagger
{
    [SimpleRnn(hidden: 8)]
    public partial SimpleRnnLayer First { get; }

    [Dense(6, Activation = DenseActivation.Tanh)]
    public partial DenseLayer Mix { get; }

    [SimpleRnn(hidden: 5, Activation = RnnActivation.Relu)]
    public partial SimpleRnnLayer Second { get; }

    [Dense(4), Softmax]
    public partial DenseLayer Tags { get; }
}

/// <summary>A dense layer first (per-step features), then an Elman layer, then a linear head at every step.</summary>
[RnnModel(InputSize = 4)]
public partial class DenseFirstTagger
{
    [Dense(6, Activation = DenseActivation.Relu)]
    public partial DenseLayer Features { get; }

    [SimpleRnn(hidden: 5)]
    public partial SimpleRnnLayer Rnn { get; }

    [Dense(3)]
    public partial DenseLayer Head { get; }
}
