using System;
using System.IO;
using Xunit;
using Xunit.Sdk;

namespace RnnGen.Tests.Generator;

/// <summary>The snapshot comparer fails when it should and only then.</summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rnngen-snapshots-" + Guid.NewGuid().ToString("N"));

    public SnapshotTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Equal_text_passes_whatever_the_line_endings()
    {
        File.WriteAllText(Path.Combine(_directory, "A.verified.cs"), "line 1\r\nline 2\r\n");

        Snapshot.Verify(_directory, "A", "line 1\nline 2\n", accept: false);

        Assert.False(File.Exists(Path.Combine(_directory, "A.received.cs")));
    }

    [Fact]
    public void Different_text_fails_and_writes_the_received_file()
    {
        File.WriteAllText(Path.Combine(_directory, "A.verified.cs"), "line 1\nline 2\n");

        var failure = Assert.Throws<XunitException>(() => Snapshot.Verify(_directory, "A", "line 1\nline two\n", accept: false));

        Assert.Contains("from line 2 on", failure.Message, StringComparison.Ordinal);
        Assert.Contains("copying the received file over the verified one", failure.Message, StringComparison.Ordinal);
        Assert.Equal("line 1\nline two\n", File.ReadAllText(Path.Combine(_directory, "A.received.cs")));
        Assert.Equal("line 1\nline 2\n", File.ReadAllText(Path.Combine(_directory, "A.verified.cs")));
    }

    [Fact]
    public void A_missing_snapshot_fails()
    {
        var failure = Assert.Throws<XunitException>(() => Snapshot.Verify(_directory, "B", "text\n", accept: false));

        Assert.Contains("No snapshot", failure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "B.verified.cs")));
        Assert.True(File.Exists(Path.Combine(_directory, "B.received.cs")));
    }

    [Fact]
    public void Accepting_writes_the_snapshot()
    {
        File.WriteAllText(Path.Combine(_directory, "C.received.cs"), "stale");

        Snapshot.Verify(_directory, "C", "new text\n", accept: true);

        Assert.Equal("new text\n", File.ReadAllText(Path.Combine(_directory, "C.verified.cs")));
        Assert.False(File.Exists(Path.Combine(_directory, "C.received.cs")));
    }
}
