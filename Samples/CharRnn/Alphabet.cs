using System;
using System.Text;

namespace RnnGen.Samples.CharRnn;

/// <summary>
/// The characters the model reads and writes: newline and printable ASCII. The model's input and output
/// sizes are compile-time constants, so the alphabet is fixed rather than taken from the text; it covers
/// the embedded paragraph and plain English text in general.
/// </summary>
internal static class Alphabet
{
    /// <summary>Number of symbols: newline plus the 95 printable ASCII characters.</summary>
    public const int Size = 96;

    private const char FirstPrintable = ' ';
    private const char LastPrintable = '~';

    /// <summary>The symbol of class <paramref name="index"/>: 0 is newline, then ' ' … '~'.</summary>
    public static char Symbol(int index) => index == 0 ? '\n' : (char)(FirstPrintable + index - 1);

    /// <summary>The class of <paramref name="symbol"/>, which must be in the alphabet.</summary>
    public static int IndexOf(char symbol) => symbol == '\n' ? 0 : symbol - FirstPrintable + 1;

    /// <summary>Whether <paramref name="symbol"/> is in the alphabet.</summary>
    public static bool Contains(char symbol) => symbol == '\n' || (symbol >= FirstPrintable && symbol <= LastPrintable);

    /// <summary>
    /// Maps <paramref name="text"/> into the alphabet: Windows line ends become '\n', tabs spaces, typographic
    /// quotes and dashes their ASCII forms; any other character outside the alphabet is dropped.
    /// </summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            char mapped = c switch
            {
                '\t' => ' ',
                '\u2018' or '\u2019' => '\'',
                '\u201C' or '\u201D' => '"',
                '\u2013' or '\u2014' => '-',
                _ => c,
            };
            if (Contains(mapped))
            {
                result.Append(mapped);
            }
        }

        return result.ToString();
    }
}
