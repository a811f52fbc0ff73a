extern alias analyzers;

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using RnnGen.Tests.Fixtures;
using Xunit;
using DiagnosticDescriptors = analyzers::RnnGen.Analyzers.DiagnosticDescriptors;
using DiagnosticIds = analyzers::RnnGen.Generator.Rules.DiagnosticIds;
using ModelAnalyzer = analyzers::RnnGen.Analyzers.ModelAnalyzer;

namespace RnnGen.Tests.Generator;

/// <summary>
/// The diagnostics table, its help pages, the docs index and the release files agree: every rule has a page whose
/// wrong example fires it and whose fixed example is clean, and every page and release entry belongs to a rule.
/// </summary>
public sealed class DiagnosticsCatalogueTests
{
    private static readonly string PagesFolder = Path.Combine(RepositoryPaths.Root, "docs", "diagnostics");

    public static TheoryData<string> Ids => new(DiagnosticDescriptors.All.Select(d => d.Id));

    [Fact]
    public void Every_rule_id_has_one_descriptor()
    {
        var constants = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(23, constants.Count);
        Assert.Equal(constants, DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
        Assert.Equal(constants.Select((_, i) => $"RNN{i + 1:D4}"), constants);
    }

    [Fact]
    public void Every_page_belongs_to_a_descriptor_and_every_descriptor_has_a_page()
    {
        var pages = Directory.GetFiles(PagesFolder, "RNN*.md").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);

        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal), pages);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_help_link_is_an_absolute_uri_ending_with_the_page(string id)
    {
        var descriptor = DiagnosticDescriptors.For(id);

        Assert.True(Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out _), descriptor.HelpLinkUri);
        Assert.Equal(DiagnosticDescriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        Assert.EndsWith("/docs/diagnostics/" + id + ".md", descriptor.HelpLinkUri, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_page_has_the_title_and_severity_of_its_descriptor(string id)
    {
        var descriptor = DiagnosticDescriptors.For(id);
        var lines = File.ReadAllLines(Path.Combine(PagesFolder, id + ".md"));

        Assert.Equal($"# {id}: {descriptor.Title}", lines[0]);
        Assert.StartsWith($"**Severity:** {Severity(descriptor)}", lines[2], StringComparison.Ordinal);
        Assert.Equal(descriptor.DefaultSeverity == DiagnosticSeverity.Warning, DiagnosticIds.IsWarning(id));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_index_lists_the_rule_with_its_severity_and_title(string id)
    {
        var descriptor = DiagnosticDescriptors.For(id);
        var index = File.ReadAllText(Path.Combine(PagesFolder, "README.md"));

        Assert.Contains($"| [{id}]({id}.md) | {Severity(descriptor)} | {descriptor.Title} |", index, StringComparison.Ordinal);
    }

    [Fact]
    public void The_release_files_list_every_rule_with_its_category_severity_and_title()
    {
        var entries = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .SelectMany(f => File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "Analyzers", f)))
            .Where(l => l.StartsWith("RNN", StringComparison.Ordinal))
            .Select(l => l.Split('|').Select(p => p.Trim()).ToArray())
            .ToList();

        Assert.Equal(DiagnosticDescriptors.All.Length, entries.Count);
        foreach (var descriptor in DiagnosticDescriptors.All)
        {
            var entry = Assert.Single(entries, e => e[0] == descriptor.Id);
            Assert.Equal(new[] { descriptor.Id, descriptor.Category, descriptor.DefaultSeverity.ToString(), descriptor.Title.ToString() }, entry);
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task The_pages_wrong_example_fires_the_rule_and_its_fixed_example_is_clean(string id)
    {
        var text = File.ReadAllText(Path.Combine(PagesFolder, id + ".md"));
        string wrong = Example(text, "Wrong");
        string fixedExample = Example(text, "Fixed");

        var wrongDiagnostics = await Analyze(wrong);
        var fixedDiagnostics = await Analyze(fixedExample);

        Assert.Contains(wrongDiagnostics, d => d.Id == id);
        Assert.True(fixedDiagnostics.IsEmpty, GeneratorRun.Describe(fixedDiagnostics));
    }

    private static string Severity(DiagnosticDescriptor descriptor) => descriptor.DefaultSeverity.ToString().ToLowerInvariant();

    /// <summary>The C# block under the heading <c>## {heading}</c>.</summary>
    private static string Example(string page, string heading)
    {
        var match = Regex.Match(page, $@"## {heading}\s*```csharp\n(?<code>.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"No '## {heading}' example.");
        return match.Groups["code"].Value;
    }

    private static async Task<ImmutableArray<Diagnostic>> Analyze(string code)
    {
        var compilation = GeneratorHarness.Compile("using RnnGen;\n\n" + code);
        return await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new ModelAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
    }
}
