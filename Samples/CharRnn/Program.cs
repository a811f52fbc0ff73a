using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using RnnGen.Training;

namespace RnnGen.Samples.CharRnn;

/// <summary>
/// Trains a character-level Elman network on a paragraph of text, shows the loss falling, then lets the
/// model write: text sampled one character at a time from a prompt.
/// </summary>
internal static class Program
{
    /// <summary>
    /// Parallel streams per batch, <c>B</c>. Few, so each stream is long (a quarter of the text) and the
    /// model learns to use a state carried over hundreds of characters, as it must when generating.
    /// </summary>
    private const int Streams = 4;

    /// <summary>Steps per batch, <c>T</c>: gradients flow back at most this far.</summary>
    private const int Window = 32;

    /// <summary>Largest global gradient norm before a step is scaled down.</summary>
    private const float ClipNorm = 5f;

    /// <summary>Characters per forward pass when scoring the whole text.</summary>
    private const int ScoringChunk = 256;

    public static int Main(string[] args)
    {
        var options = Options.Parse(args, out string error);
        if (options is null || options.ShowHelp)
        {
            (options is null ? Console.Error : Console.Out).WriteLine(options is null ? error + Environment.NewLine + Options.Usage : Options.Usage);
            return options is null ? 2 : 0;
        }

        string source = options.DataFile ?? TrainingText.DefaultSource;
        string text;
        try
        {
            text = Alphabet.Normalize(options.DataFile is null ? TrainingText.Default : File.ReadAllText(options.DataFile));
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Cannot read '{options.DataFile}': {e.Message}");
            return 1;
        }

        int[] symbols = Array.ConvertAll(text.ToCharArray(), Alphabet.IndexOf);
        if (symbols.Length < (4 * Streams) + 1)
        {
            Console.Error.WriteLine($"'{source}' has {symbols.Length} usable characters; the sample needs at least {(4 * Streams) + 1}.");
            return 1;
        }

        string prompt = Alphabet.Normalize(options.Prompt ?? text[..Math.Min(10, text.Length)]);
        if (prompt.Length == 0)
        {
            Console.Error.WriteLine("The prompt has no character of the alphabet (newline and printable ASCII).");
            return 2;
        }

        var batches = new StreamBatches(symbols, Streams, Window);
        var model = new CharModel();
        model.Initialize(options.Seed);
        var optimizer = new Sgd(options.LearningRate, ClipNorm);
        var trainer = new CharModel.Trainer(model, optimizer, maxBatch: Streams, maxSteps: Window) { CarryState = true };

        Console.WriteLine("RnnGen character-level RNN");
        Console.WriteLine(Inv($"text:     {text.Length:N0} characters, {DistinctCount(symbols)} distinct ({source})"));
        Console.WriteLine(Inv($"model:    one-hot {CharModel.InputSize} -> Elman {model.Recurrent.HiddenSize} tanh -> dense {CharModel.OutputSize} softmax, {CharModel.ParameterCount:N0} parameters"));
        Console.WriteLine(Inv($"training: {Streams} streams x {Window}-step truncated BPTT, state carried; SGD lr {options.LearningRate:G3} -> {options.LearningRate / 20:G3} (cosine), clip {ClipNorm}; {options.Epochs} epochs; seed {options.Seed}"));
        Console.WriteLine();
        Console.WriteLine("epoch   loss  perplexity   chars/s  elapsed");

        var input = new float[Window * Streams * Alphabet.Size];
        var targets = new int[Window * Streams];
        var clock = Stopwatch.StartNew();
        float untrained = RunEpoch(trainer, batches, input, targets, train: false);
        Console.WriteLine(Inv($"{0,5} {untrained,6:F3} {Math.Exp(untrained),11:F2} {"-",9}  {clock.Elapsed.TotalSeconds,6:F1}s"));

        int reportEvery = Math.Max(1, options.Epochs / 15);
        double lastReport = 0;
        int charsSinceReport = 0;
        float loss = float.NaN;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            // Cosine schedule from lr down to lr/20: big steps early, small ones to settle at the end.
            optimizer.LearningRate = options.LearningRate * (0.05f + (0.475f * (1f + MathF.Cos(MathF.PI * (epoch - 1) / options.Epochs))));
            loss = RunEpoch(trainer, batches, input, targets, train: true);
            charsSinceReport += batches.CharactersPerEpoch;
            if (epoch % reportEvery == 0 || epoch == 1 || epoch == options.Epochs)
            {
                double now = clock.Elapsed.TotalSeconds;
                Console.WriteLine(Inv($"{epoch,5} {loss,6:F3} {Math.Exp(loss),11:F2} {charsSinceReport / (now - lastReport),9:N0}  {now,6:F1}s"));
                lastReport = now;
                charsSinceReport = 0;
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        long trained = (long)batches.CharactersPerEpoch * options.Epochs;
        Console.WriteLine();
        Console.WriteLine(Inv($"trained on {trained:N0} characters in {seconds:F1} s ({trained / seconds:N0} chars/s)"));

        var (textLoss, accuracy) = Score(model, symbols);
        Console.WriteLine(Inv($"whole text read as one stream: loss {textLoss:F3} nats/char, next-character accuracy {accuracy:P1}"));
        Console.WriteLine();
        Console.WriteLine(Inv($"sampled at temperature {options.Temperature}, seed {options.Seed}, from \"{prompt.ReplaceLineEndings(" ")}\":"));
        Console.WriteLine(new TextGenerator(model).Generate(prompt, options.Length, options.Temperature, options.Seed));
        return 0;
    }

    /// <summary>
    /// One pass over the text with every stream starting from a zero state; returns the mean cross-entropy
    /// per character. With <paramref name="train"/> every batch is also a gradient step.
    /// </summary>
    private static float RunEpoch(CharModel.Trainer trainer, StreamBatches batches, float[] input, int[] targets, bool train)
    {
        trainer.Workspace.ResetState();
        double total = 0;
        long rows = 0;
        for (int k = 0; k < batches.BatchCount; k++)
        {
            int steps = batches.Fill(k, input, targets);
            var x = input.AsSpan(0, steps * Streams * Alphabet.Size);
            var y = targets.AsSpan(0, steps * Streams);
            float loss = train ? trainer.Step(x, y, Streams, steps) : trainer.Evaluate(x, y, Streams, steps);
            total += (double)loss * steps * Streams;
            rows += steps * Streams;
        }

        return (float)(total / rows);
    }

    /// <summary>
    /// Reads the whole text once, from its first character, in chunks that carry the state forward;
    /// returns the mean cross-entropy and how often the most likely next character is the right one.
    /// </summary>
    private static (double Loss, double Accuracy) Score(CharModel model, int[] symbols)
    {
        var workspace = new CharModel.Workspace(maxBatch: 1, maxSteps: ScoringChunk, training: false);
        var input = new float[ScoringChunk * Alphabet.Size];
        var output = new float[ScoringChunk * Alphabet.Size];
        double loss = 0;
        int correct = 0, count = symbols.Length - 1;
        for (int start = 0; start < count; start += ScoringChunk)
        {
            int steps = Math.Min(ScoringChunk, count - start);
            Array.Clear(input);
            for (int t = 0; t < steps; t++)
            {
                input[(t * Alphabet.Size) + symbols[start + t]] = 1f;
            }

            model.Forward(workspace, input.AsSpan(0, steps * Alphabet.Size), batch: 1, steps, output.AsSpan(0, steps * Alphabet.Size));
            workspace.CarryState();
            for (int t = 0; t < steps; t++)
            {
                var p = output.AsSpan(t * Alphabet.Size, Alphabet.Size);
                int target = symbols[start + t + 1];
                loss -= Math.Log(Math.Max(p[target], 1e-12f));
                if (p.IndexOf(MaxOf(p)) == target)
                {
                    correct++;
                }
            }
        }

        return (loss / count, (double)correct / count);
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            max = Math.Max(max, v);
        }

        return max;
    }

    private static int DistinctCount(int[] symbols)
    {
        var seen = new bool[Alphabet.Size];
        int n = 0;
        foreach (int s in symbols)
        {
            if (!seen[s])
            {
                seen[s] = true;
                n++;
            }
        }

        return n;
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
