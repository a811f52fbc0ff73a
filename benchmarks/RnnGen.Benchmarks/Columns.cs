using System;
using System.Globalization;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace RnnGen.Benchmarks;

/// <summary>Floating-point operations done by one call of the benchmark method.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FlopsAttribute(double flops) : Attribute
{
    public double Flops { get; } = flops;
}

/// <summary>Elements processed by one call of the benchmark method (for ns per element).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ElementsAttribute(long elements) : Attribute
{
    public long Elements { get; } = elements;
}

/// <summary>A benchmark parameter that knows how many flops one call costs.</summary>
public interface IFlopCount
{
    double Flops { get; }
}

/// <summary>Shared settings: one launch, short iterations (the machine is shared, so medians are what to read).</summary>
public sealed class KernelBenchmarkConfig : ManualConfig
{
    public KernelBenchmarkConfig(double peakGflops)
    {
        Add(DefaultConfig.Instance);
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(4)
            .WithIterationCount(15)
            .WithIterationTime(TimeInterval.FromMilliseconds(200)));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Median);
        AddColumn(new GflopsColumn(), new PercentOfPeakColumn(peakGflops), new NanosecondsPerElementColumn());
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend).WithMaxParameterColumnWidth(40);
    }
}

/// <summary>Base for the derived columns: all are computed from the median time.</summary>
public abstract class MedianDerivedColumn : IColumn
{
    public abstract string Id { get; }

    public abstract string ColumnName { get; }

    public abstract string Legend { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? median = summary[benchmarkCase]?.ResultStatistics?.Median;
        return median is double ns && ns > 0 ? Format(ns, benchmarkCase) ?? "-" : "-";
    }

    /// <summary>The value from the median nanoseconds per call, or null where it does not apply.</summary>
    protected abstract string? Format(double nanoseconds, BenchmarkCase benchmarkCase);

    protected static double? FlopsOf(BenchmarkCase benchmarkCase)
    {
        var attribute = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<FlopsAttribute>();
        if (attribute is not null)
        {
            return attribute.Flops;
        }

        return benchmarkCase.Parameters.Items.Select(p => p.Value).OfType<IFlopCount>().FirstOrDefault()?.Flops;
    }
}

/// <summary>2·m·n·k (or the stated flops) per median call time.</summary>
public sealed class GflopsColumn : MedianDerivedColumn
{
    public override string Id => "GFLOPs";

    public override string ColumnName => "GFLOP/s";

    public override string Legend => "Floating-point operations per second (2·m·n·k for a product), from the median time";

    protected override string? Format(double nanoseconds, BenchmarkCase benchmarkCase) =>
        FlopsOf(benchmarkCase) is double flops ? (flops / nanoseconds).ToString("F1", CultureInfo.InvariantCulture) : null;
}

/// <summary>
/// GFLOP/s as a share of the single-core FMA peak measured at start-up, times the cores used where the benchmark has
/// a <c>Threads</c> parameter (so two threads are held to the two-core peak).
/// </summary>
public sealed class PercentOfPeakColumn(double peakGflops) : MedianDerivedColumn
{
    public override string Id => "PercentOfPeak";

    public override string ColumnName => "% peak";

    public override string Legend => string.Create(CultureInfo.InvariantCulture, $"Share of the measured single-core Vector512 FMA peak ({peakGflops:F1} GFLOP/s) times the Threads parameter, if any");

    protected override string? Format(double nanoseconds, BenchmarkCase benchmarkCase)
    {
        int cores = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Threads")?.Value is int threads ? threads : 1;
        return FlopsOf(benchmarkCase) is double flops ? (100 * flops / nanoseconds / (peakGflops * cores)).ToString("F1", CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>Median time divided by the elements one call processes.</summary>
public sealed class NanosecondsPerElementColumn : MedianDerivedColumn
{
    public override string Id => "NsPerElement";

    public override string ColumnName => "ns/element";

    public override string Legend => "Median time per processed element";

    protected override string? Format(double nanoseconds, BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<ElementsAttribute>() is { } elements
            ? (nanoseconds / elements.Elements).ToString("F3", CultureInfo.InvariantCulture)
            : null;
}
