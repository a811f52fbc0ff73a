using System;
using System.IO;

namespace RnnGen.Tests.Fixtures;

/// <summary>Finds the repository root (the folder with <c>RnnGen.sln</c>) and the shared fixtures beside it.</summary>
internal static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root.</summary>
    public static string Root => RootPath.Value;

    /// <summary><c>../shared/fixtures</c> relative to the repository root.</summary>
    public static string Fixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures"));

    /// <summary>The folder of committed snapshots of generated code.</summary>
    public static string Snapshots => Path.Combine(Root, "Tests", "RnnGen.Tests", "Snapshots");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RnnGen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No RnnGen.sln above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }
}
