using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Xunit;

namespace RnnGen.Tests.Samples;

/// <summary>The long-range sample trains every cell at every gap and prints its comparison, as the README promises.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class LongRangeSampleTests
{
    private static readonly string[] Cells = ["Elman", "LSTM", "LSTM peephole", "LSTM coupled", "GRU reset after", "GRU reset before"];

    [Fact]
    public void Quick_run_trains_every_cell_and_prints_a_table_row_for_each()
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var original = Console.Out;
        int exitCode;
        Console.SetOut(output);
        try
        {
            exitCode = RnnGen.Samples.LongRange.Program.Main(["--quick", "--gaps", "2,4", "--steps", "32"]);
        }
        finally
        {
            Console.SetOut(original);
        }

        string text = output.ToString();
        Assert.True(exitCode == 0, text);

        // Both tables (accuracy, then mean squared error) have a row per cell with a value per gap:
        // "| LSTM coupled     |  97.3 % |  88.1 % |" and "| LSTM coupled     |  0.0021 |  0.0050 |".
        foreach (string cell in Cells)
        {
            var rows = text.Split('\n')
                .Select(line => line.Split('|', StringSplitOptions.TrimEntries))
                .Where(cells => cells.Length == 5 && cells[1] == cell)
                .ToList();
            Assert.True(rows.Count == 2, $"expected an accuracy row and an error row for '{cell}'\n{text}");
            foreach (string value in rows.SelectMany(row => row[2..4]))
            {
                Assert.True(double.TryParse(value.TrimEnd('%', ' '), NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && number >= 0,
                    $"'{value}' in the row of '{cell}' is not a measurement\n{text}");
            }

            // Progress reached the last step for this cell at the longest gap.
            Assert.Contains($"  {cell,-16} L = 4   step    32/32  loss ", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Invalid_gap_list_is_rejected_with_usage()
    {
        var error = new StringWriter(CultureInfo.InvariantCulture);
        var original = Console.Error;
        int exitCode;
        Console.SetError(error);
        try
        {
            exitCode = RnnGen.Samples.LongRange.Program.Main(["--gaps", "5,0"]);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(2, exitCode);
        Assert.Contains("Invalid value '5,0' for --gaps.", error.ToString(), StringComparison.Ordinal);
    }
}
