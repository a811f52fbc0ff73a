namespace RnnGen.Samples.CharRnn;

/// <summary>
/// A character-level language model: one-hot characters in, an Elman layer, and a softmax over the
/// alphabet at every step that predicts the next character. The generator writes the rest of this class.
/// </summary>
[RnnModel(InputSize = Alphabet.Size)]
internal sealed partial class CharModel
{
    [SimpleRnn(hidden: 128)]
    public partial SimpleRnnLayer Recurrent { get; }

    [Dense(Alphabet.Size), Softmax]
    public partial DenseLayer NextCharacter { get; }
}
