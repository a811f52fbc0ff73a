using System;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Indented text output. Interpolated lines are formatted with the invariant culture, so the generated
/// code is the same on every machine.
/// </summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    /// <summary>Writes one line, formatted invariantly.</summary>
    public void Line(FormattableString line) => Raw(line.ToString(CultureInfo.InvariantCulture));

    /// <summary>Writes one line as is.</summary>
    public void Raw(string line)
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _depth * 4).Append(line);
        }

        _text.Append('\n');
    }

    /// <summary>Writes an empty line.</summary>
    public void Blank() => _text.Append('\n');

    /// <summary>Writes <c>{</c> and indents.</summary>
    public void Open()
    {
        Raw("{");
        _depth++;
    }

    /// <summary>Unindents and writes <c>}</c> (with an optional suffix such as <c>;</c>).</summary>
    public void Close(string suffix = "")
    {
        _depth--;
        Raw("}" + suffix);
    }

    /// <summary>A float literal that round-trips: <c>0.25f</c>.</summary>
    public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";

    /// <summary>An identifier as C# source must spell it: <c>@event</c> for a name that is a keyword.</summary>
    public static string Identifier(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>A C# string literal.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    public override string ToString() => _text.ToString();
}
