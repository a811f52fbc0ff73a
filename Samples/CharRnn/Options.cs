using System;
using System.Globalization;

namespace RnnGen.Samples.CharRnn;

/// <summary>Command-line options of the sample.</summary>
internal sealed record Options
{
    public const string Usage = """
        Usage: dotnet run --project Samples/CharRnn -c Release -- [options]
          --data FILE          train on this text file instead of the embedded paragraph
          --epochs N           passes over the text (default 300)
          --seed N             seed of initialisation and sampling (default 1)
          --learning-rate X    initial SGD step size, decayed to 1/20 of it (default 0.3)
          --prompt TEXT        text the sample starts from (default: the text's first 10 characters)
          --length N           characters to generate (default 400)
          --temperature X      sampling temperature, > 0 (default 0.6)
          --help               show this text
        The hidden size (128) is part of the model's declaration, fixed at compile time.
        """;

    public string? DataFile { get; init; }

    public int Epochs { get; init; } = 300;

    public int Seed { get; init; } = 1;

    public float LearningRate { get; init; } = 0.3f;

    public string? Prompt { get; init; }

    public int Length { get; init; } = 400;

    public float Temperature { get; init; } = 0.6f;

    public bool ShowHelp { get; init; }

    /// <summary>Parses <paramref name="args"/>; on failure returns <see langword="null"/> and says why.</summary>
    public static Options? Parse(string[] args, out string error)
    {
        var options = new Options();
        error = string.Empty;
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h")
            {
                return options with { ShowHelp = true };
            }

            if (i + 1 >= args.Length)
            {
                error = $"Option '{name}' needs a value.";
                return null;
            }

            string value = args[++i];
            Options? next = name switch
            {
                "--data" => options with { DataFile = value },
                "--epochs" => PositiveInt(value) is int epochs ? options with { Epochs = epochs } : null,
                "--seed" => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? options with { Seed = seed } : null,
                "--learning-rate" => PositiveFloat(value) is float rate ? options with { LearningRate = rate } : null,
                "--prompt" => value.Length > 0 ? options with { Prompt = value } : null,
                "--length" => PositiveInt(value) is int length ? options with { Length = length } : null,
                "--temperature" => PositiveFloat(value) is float temperature ? options with { Temperature = temperature } : null,
                _ => null,
            };
            if (next is null)
            {
                error = name.StartsWith("--", StringComparison.Ordinal) && Usage.Contains(name + " ", StringComparison.Ordinal)
                    ? $"Invalid value '{value}' for {name}."
                    : $"Unknown option '{name}'.";
                return null;
            }

            options = next;
        }

        return options;
    }

    private static int? PositiveInt(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null;

    private static float? PositiveFloat(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float x) && x > 0 && float.IsFinite(x) ? x : null;
}
