using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Samples;

/// <summary>Tests that write to the process-wide console run alone.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection
{
}

/// <summary>The character-model sample builds, trains and writes text, as the README promises.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class CharRnnSampleTests
{
    [Fact]
    public void Short_run_trains_and_samples_text()
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var original = Console.Out;
        int exitCode;
        Console.SetOut(output);
        try
        {
            exitCode = RnnGen.Samples.CharRnn.Program.Main(["--epochs", "30", "--length", "60", "--seed", "3"]);
        }
        finally
        {
            Console.SetOut(original);
        }

        string text = output.ToString();
        Assert.True(exitCode == 0, text);

        // Rows of the progress table: "epoch loss perplexity chars/s elapsed".
        var losses = text.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(cells => cells.Length == 5 && int.TryParse(cells[0], CultureInfo.InvariantCulture, out _))
            .Select(cells => (Epoch: int.Parse(cells[0], CultureInfo.InvariantCulture), Loss: double.Parse(cells[1], CultureInfo.InvariantCulture)))
            .ToList();
        Assert.True(losses.Count >= 3, text);
        Assert.Equal(0, losses[0].Epoch);
        Assert.Equal(30, losses[^1].Epoch);

        // Untrained, the loss is about ln 96 ≈ 4.56 nats; 30 epochs bring it well below.
        Assert.InRange(losses[0].Loss, 4.0, 5.0);
        Assert.True(losses[^1].Loss < 3.0, $"loss after 30 epochs is {losses[^1].Loss}; expected below 3.0\n{text}");
        Assert.Contains("sampled at temperature", text, StringComparison.Ordinal);
    }
}
