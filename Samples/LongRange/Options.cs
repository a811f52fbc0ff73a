using System;
using System.Globalization;
using System.Linq;

namespace RnnGen.Samples.LongRange;

/// <summary>Command-line options of the sample.</summary>
internal sealed record Options
{
    public const string Usage = """
        Usage: dotnet run --project Samples/LongRange -c Release -- [options]
          --gaps L1,L2,...     distractor steps between the signal and the answer (default 5,10,20,40,80)
          --steps N            training steps per network and gap, 32 sequences each (default 4000)
          --seed N             seed of initialisation, training data and test data (default 1)
          --learning-rate X    initial SGD step size, decayed to 1/20 of it; the same for every network (default 0.5)
          --quick              a small, fast run: gaps 5,10, 200 steps, 256 test sequences
          --help               show this text
        Explicit --gaps and --steps override those of --quick.
        """;

    public static int[] DefaultGaps { get; } = [5, 10, 20, 40, 80];

    public const int DefaultSteps = 4000;

    public const int DefaultTestSequences = 1024;

    public static int[] QuickGaps { get; } = [5, 10];

    public const int QuickSteps = 200;

    public const int QuickTestSequences = 256;

    /// <summary>Longest gap accepted; longer ones would only make the run slow.</summary>
    public const int MaxGap = 1000;

    public int[]? Gaps { get; init; }

    public int? Steps { get; init; }

    public int Seed { get; init; } = 1;

    public float LearningRate { get; init; } = 0.5f;

    public bool Quick { get; init; }

    public bool ShowHelp { get; init; }

    /// <summary>The gaps to run: explicit, else those of the quick or the default run.</summary>
    public int[] EffectiveGaps => Gaps ?? (Quick ? QuickGaps : DefaultGaps);

    /// <summary>Training steps per network and gap.</summary>
    public int EffectiveSteps => Steps ?? (Quick ? QuickSteps : DefaultSteps);

    /// <summary>Size of the held-out test set at each gap.</summary>
    public int TestSequences => Quick ? QuickTestSequences : DefaultTestSequences;

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

            if (name == "--quick")
            {
                options = options with { Quick = true };
                continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"Option '{name}' needs a value.";
                return null;
            }

            string value = args[++i];
            Options? next = name switch
            {
                "--gaps" => GapList(value) is int[] gaps ? options with { Gaps = gaps } : null,
                "--steps" => PositiveInt(value) is int steps ? options with { Steps = steps } : null,
                "--seed" => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int seed) ? options with { Seed = seed } : null,
                "--learning-rate" => PositiveFloat(value) is float rate ? options with { LearningRate = rate } : null,
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

    private static int[]? GapList(string text)
    {
        var gaps = text.Split(',', StringSplitOptions.TrimEntries).Select(PositiveInt).ToArray();
        return gaps.Length > 0 && gaps.All(g => g is <= MaxGap) ? gaps.Select(g => g!.Value).ToArray() : null;
    }

    private static int? PositiveInt(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : null;

    private static float? PositiveFloat(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float x) && x > 0 && float.IsFinite(x) ? x : null;
}
