using System;
using System.Text;
using RnnGen.Training;

namespace RnnGen.Samples.CharRnn;

/// <summary>
/// Runs a trained <see cref="CharModel"/> one character at a time (batch 1, one step per call), carrying
/// the hidden state from call to call, as an application streaming text through the model would.
/// </summary>
internal sealed class TextGenerator
{
    private readonly CharModel _model;
    private readonly CharModel.Workspace _workspace = new(maxBatch: 1, maxSteps: 1, training: false);
    private readonly float[] _input = new float[Alphabet.Size];
    private readonly float[] _probabilities = new float[Alphabet.Size];
    private readonly double[] _weights = new double[Alphabet.Size];

    /// <summary>Creates a generator for <paramref name="model"/>.</summary>
    public TextGenerator(CharModel model) => _model = model;

    /// <summary>
    /// Reads <paramref name="prompt"/>, then draws <paramref name="length"/> characters, each from the
    /// model's prediction sharpened (temperature below 1) or flattened (above 1) by <paramref name="temperature"/>.
    /// </summary>
    public string Generate(string prompt, int length, float temperature, int seed)
    {
        var random = new SeededRandom(unchecked((ulong)seed));
        var text = new StringBuilder(prompt, prompt.Length + length);
        _workspace.ResetState();
        foreach (char c in prompt)
        {
            Read(c);
        }

        for (int i = 0; i < length; i++)
        {
            char next = Alphabet.Symbol(Draw(ref random, temperature));
            text.Append(next);
            Read(next);
        }

        return text.ToString();
    }

    /// <summary>Feeds one character; afterwards <see cref="_probabilities"/> predicts the next one.</summary>
    private void Read(char symbol)
    {
        Array.Clear(_input);
        _input[Alphabet.IndexOf(symbol)] = 1f;
        _model.Forward(_workspace, _input, batch: 1, steps: 1, _probabilities);
        // The state after this character is where the next call starts.
        _workspace.CarryState();
    }

    /// <summary>Samples a class from p_i^(1/τ), renormalised: the softmax of the logits divided by τ.</summary>
    private int Draw(ref SeededRandom random, float temperature)
    {
        double total = 0;
        for (int i = 0; i < Alphabet.Size; i++)
        {
            _weights[i] = Math.Pow(_probabilities[i], 1.0 / temperature);
            total += _weights[i];
        }

        double threshold = random.NextFloat() * total;
        int lastPossible = 0;
        for (int i = 0; i < Alphabet.Size; i++)
        {
            if (_weights[i] > 0)
            {
                lastPossible = i;
                threshold -= _weights[i];
                if (threshold < 0)
                {
                    return i;
                }
            }
        }

        // Rounding left a sliver of the total unassigned.
        return lastPossible;
    }
}
