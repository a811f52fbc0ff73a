using System;
using System.IO;
using RnnGen.Tests.Fixtures;
using Xunit.Sdk;

namespace RnnGen.Tests.Generator;

/// <summary>
/// Compares text with a committed snapshot, <c>Snapshots/{name}.verified.cs</c>. On a difference it writes
/// what it got to <c>Snapshots/{name}.received.cs</c> (ignored by git) and fails, saying how to accept it.
/// Setting <c>RNNGEN_ACCEPT_SNAPSHOTS=1</c> writes missing or changed snapshots instead of failing; without
/// it a missing snapshot fails like a changed one.
/// </summary>
internal static class Snapshot
{
    /// <summary>The environment variable that turns differences into accepted snapshots.</summary>
    public const string AcceptVariable = "RNNGEN_ACCEPT_SNAPSHOTS";

    /// <summary>Compares <paramref name="received"/> with the committed snapshot <paramref name="name"/>.</summary>
    public static void Verify(string name, string received) =>
        Verify(RepositoryPaths.Snapshots, name, received, accept: Environment.GetEnvironmentVariable(AcceptVariable) == "1");

    /// <summary>Compares <paramref name="received"/> with <c>{directory}/{name}.verified.cs</c>.</summary>
    public static void Verify(string directory, string name, string received, bool accept)
    {
        string verifiedPath = Path.Combine(directory, name + ".verified.cs");
        string receivedPath = Path.Combine(directory, name + ".received.cs");
        string actual = NormalizeLineEndings(received);
        string? expected = File.Exists(verifiedPath) ? NormalizeLineEndings(File.ReadAllText(verifiedPath)) : null;

        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        if (accept)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(verifiedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        string what = expected is null
            ? $"No snapshot {verifiedPath} exists."
            : $"The generated code differs from {verifiedPath} {FirstDifference(expected, actual)}.";
        throw new XunitException(
            $"{what}{Environment.NewLine}" +
            $"Received: {receivedPath}{Environment.NewLine}" +
            $"Review the difference; if the new code is right, accept it by copying the received file over the verified one " +
            $"(or run the tests with {AcceptVariable}=1) and commit the verified file.");
    }

    /// <summary>Snapshots are compared with <c>\n</c> line endings, whatever git checked out.</summary>
    public static string NormalizeLineEndings(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static string FirstDifference(string expected, string actual)
    {
        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (int i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            string? e = i < expectedLines.Length ? expectedLines[i] : null;
            string? a = i < actualLines.Length ? actualLines[i] : null;
            if (e != a)
            {
                return $"from line {i + 1} on:{Environment.NewLine}  verified: {e ?? "(end of file)"}{Environment.NewLine}  received: {a ?? "(end of file)"}";
            }
        }

        return "(no line differs)";
    }
}
