using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using RnnGen.Training;

namespace RnnGen.Samples.LongRange;

/// <summary>
/// Compares a plain RNN with the gated cells on a long-range dependency: each network must recall a value
/// seen L steps earlier, through L steps of noise. Every network gets the same hidden size, the same
/// optimizer and learning-rate schedule, the same number of steps on the same training sequences and the
/// same test sequences; only the cell differs. Prints test accuracy against the gap.
/// </summary>
internal static class Program
{
    /// <summary>Sequences per training step.</summary>
    private const int Batch = 32;

    /// <summary>
    /// Largest global gradient norm before a step is scaled down. Tight, because an Elman network's
    /// gradient through a long gap occasionally explodes.
    /// </summary>
    private const float ClipNorm = 1f;

    /// <summary>Progress lines per network and gap.</summary>
    private const int ReportsPerRun = 4;

    /// <summary>Seed offset of the test sequences, so they are never the training sequences.</summary>
    private const int TestSeedOffset = 1_000_003;

    public static int Main(string[] args)
    {
        var options = Options.Parse(args, out string error);
        if (options is null || options.ShowHelp)
        {
            (options is null ? Console.Error : Console.Out).WriteLine(options is null ? error + Environment.NewLine + Options.Usage : Options.Usage);
            return options is null ? 2 : 0;
        }

        int[] gaps = options.EffectiveGaps;
        int steps = options.EffectiveSteps;
        var contenders = Contender.All;
        var accuracy = new double[contenders.Length, gaps.Length];
        var meanSquaredError = new double[contenders.Length, gaps.Length];

        Console.WriteLine("RnnGen long-range recall: output the value seen L steps ago, through L steps of noise");
        Console.WriteLine(Inv($"task:     step 0 shows v ~ U(-1, 1) on channel 0, steps 1..L noise ~ U(-1, 1) on channel 1; answer v after step L"));
        Console.WriteLine(Inv($"          right if within {RecallTask.Tolerance} of v: chance (always 0) {RecallTask.ChanceAccuracy:P0}, mean squared error 0.333"));
        Console.WriteLine(Inv($"models:   {RecallTask.HiddenSize} hidden units, last state only -> dense 1; parameters: {string.Join(", ", contenders.Select(c => $"{c.Name} {c.ParameterCount:N0}"))}"));
        Console.WriteLine(Inv($"training: {steps} steps x {Batch} fresh sequences per network and gap, gaps 1..L log-uniform (the same sequences for every network);"));
        Console.WriteLine(Inv($"          SGD lr {options.LearningRate:G3} -> {options.LearningRate / 20:G3} (cosine), clip {ClipNorm}, mean squared error; seed {options.Seed}"));
        Console.WriteLine(Inv($"test:     {options.TestSequences} held-out sequences per gap, all of length L + 1"));
        Console.WriteLine();

        var total = Stopwatch.StartNew();
        for (int g = 0; g < gaps.Length; g++)
        {
            int gap = gaps[g];
            var testInput = new float[(gap + 1) * options.TestSequences * RecallTask.InputSize];
            var testTargets = new float[options.TestSequences];
            var testRandom = new SeededRandom(unchecked((ulong)(options.Seed + TestSeedOffset + gap)));
            RecallTask.Fill(gap, options.TestSequences, ref testRandom, testInput, testTargets);

            Console.WriteLine(Inv($"L = {gap}"));
            for (int c = 0; c < contenders.Length; c++)
            {
                var clock = Stopwatch.StartNew();
                var optimizer = new Sgd(options.LearningRate, ClipNorm);
                var run = contenders[c].Start(options.Seed, optimizer, Batch, gap + 1);
                Train(run, optimizer, contenders[c].Name, gap, steps, options.Seed);
                (accuracy[c, g], meanSquaredError[c, g]) = Test(run, gap, testInput, testTargets);
                Console.WriteLine(Inv($"  {contenders[c].Name,-16} L = {gap,-3} test: accuracy {accuracy[c, g],6:P1}, mean squared error {meanSquaredError[c, g]:F4}  ({clock.Elapsed.TotalSeconds:F1} s)"));
            }

            Console.WriteLine();
        }

        Console.WriteLine(Inv($"Test accuracy (|answer - v| < {RecallTask.Tolerance}; chance {RecallTask.ChanceAccuracy:P0}) against the gap L; {steps} steps x {Batch} sequences each, seed {options.Seed}:"));
        Console.WriteLine();
        PrintTable(contenders, gaps, accuracy, value => Inv($"{value,7:P1}"));
        Console.WriteLine();
        Console.WriteLine("Test mean squared error (chance 0.333):");
        Console.WriteLine();
        PrintTable(contenders, gaps, meanSquaredError, value => Inv($"{value,7:F4}"));
        Console.WriteLine();
        Console.WriteLine(Inv($"total {total.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    /// <summary>
    /// Trains <paramref name="run"/> for <paramref name="steps"/> batches of fresh sequences, with the
    /// learning rate decaying from its initial value to a twentieth of it, and reports the mean loss at
    /// intervals. The data depend only on the seed and the gap, so every network sees the same.
    /// </summary>
    private static void Train(Run run, Sgd optimizer, string name, int maxGap, int steps, int seed)
    {
        float initialRate = optimizer.LearningRate;
        var input = new float[(maxGap + 1) * Batch * RecallTask.InputSize];
        var targets = new float[Batch];
        var random = new SeededRandom(unchecked((ulong)(seed + maxGap)));
        int reportEvery = Math.Max(1, steps / ReportsPerRun);
        double lossSum = 0;
        int lossCount = 0;
        for (int step = 1; step <= steps; step++)
        {
            // Cosine schedule from lr down to lr/20: big steps to find the solution, small ones to make it exact.
            optimizer.LearningRate = initialRate * (0.05f + (0.475f * (1f + MathF.Cos(MathF.PI * (step - 1) / steps))));
            int gap = RecallTask.TrainingGap(maxGap, ref random);
            int sequenceSteps = gap + 1;
            RecallTask.Fill(gap, Batch, ref random, input, targets);
            lossSum += run.Train(input.AsSpan(0, sequenceSteps * Batch * RecallTask.InputSize), targets, Batch, sequenceSteps);
            lossCount++;
            if (step % reportEvery == 0 || step == steps)
            {
                Console.WriteLine(Inv($"  {name,-16} L = {maxGap,-3} step {step,5}/{steps}  loss {lossSum / lossCount:F4}"));
                lossSum = 0;
                lossCount = 0;
            }
        }
    }

    /// <summary>
    /// Fraction of the test sequences answered within <see cref="RecallTask.Tolerance"/>, and the mean
    /// squared error of the answers.
    /// </summary>
    private static (double Accuracy, double MeanSquaredError) Test(Run run, int gap, float[] testInput, float[] testTargets)
    {
        int sequenceSteps = gap + 1;
        int count = testTargets.Length;
        var input = new float[sequenceSteps * Batch * RecallTask.InputSize];
        var answers = new float[Batch];
        int right = 0;
        double squaredError = 0;
        for (int start = 0; start < count; start += Batch)
        {
            int batch = Math.Min(Batch, count - start);

            // The test set is [T, N, I]; a chunk of sequences is a slice of every step.
            for (int t = 0; t < sequenceSteps; t++)
            {
                testInput.AsSpan(((t * count) + start) * RecallTask.InputSize, batch * RecallTask.InputSize)
                    .CopyTo(input.AsSpan(t * batch * RecallTask.InputSize));
            }

            run.Predict(input.AsSpan(0, sequenceSteps * batch * RecallTask.InputSize), batch, sequenceSteps, answers.AsSpan(0, batch));
            for (int b = 0; b < batch; b++)
            {
                double error = answers[b] - testTargets[start + b];
                squaredError += error * error;
                if (Math.Abs(error) < RecallTask.Tolerance)
                {
                    right++;
                }
            }
        }

        return ((double)right / count, squaredError / count);
    }

    private static void PrintTable(Contender[] contenders, int[] gaps, double[,] values, Func<double, string> format)
    {
        Console.WriteLine("| cell             | " + string.Join(" | ", gaps.Select(gap => Inv($"L = {gap,-3}"))) + " |");
        Console.WriteLine("|------------------|" + string.Concat(gaps.Select(_ => "--------:|")));
        for (int c = 0; c < contenders.Length; c++)
        {
            Console.WriteLine(Inv($"| {contenders[c].Name,-16} | ") + string.Join(" | ", Enumerable.Range(0, gaps.Length).Select(g => format(values[c, g]))) + " |");
        }
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
