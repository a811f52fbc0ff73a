#!/usr/bin/env bash
# Measures how long the RnnGen generator and analyzer take in a real build: writes a throwaway project with 20
# models of mixed kinds into a temporary folder, builds it once (restore, referenced projects), then rebuilds it
# with the compiler's analyzer and generator report (-p:ReportAnalyzer=true, detailed verbosity) and prints the
# report's RnnGen lines. Usage: benchmarks/measure-generator-time.sh [Debug|Release]
set -euo pipefail
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
repo="$(cd "$(dirname "$0")/.." && pwd)"
configuration="${1:-Release}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat > "$work/GeneratorTiming.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <LangVersion>latest</LangVersion>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="$repo/Runtime/RnnGen.Runtime.csproj" />
    <ProjectReference Include="$repo/Generator/RnnGen.Generator.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
    <ProjectReference Include="$repo/Analyzers/RnnGen.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
  </ItemGroup>
</Project>
PROJECT

# Five kinds of model, four sizes each: 20 models, 2 to 4 layers.
for i in 1 2 3 4; do
  h=$((16 * i)); o=$((2 + i))
  cat > "$work/Models$i.cs" <<MODELS
using RnnGen;

namespace Timing;

[RnnModel(InputSize = $((3 + i)))]
public partial class ElmanTagger$i
{
    [SimpleRnn(hidden: $h)]
    public partial SimpleRnnLayer Rnn { get; }

    [Dense($o), Softmax]
    public partial DenseLayer Head { get; }
}

[RnnModel(InputSize = $((5 + i)))]
public partial class ElmanRegressor$i
{
    [SimpleRnn($h, Activation = RnnActivation.Relu)]
    public partial SimpleRnnLayer First { get; }

    [SimpleRnn($((h / 2)), ReturnSequences = false)]
    public partial SimpleRnnLayer Second { get; }

    [Dense(8, Activation = DenseActivation.Tanh)]
    public partial DenseLayer Hidden { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

[RnnModel(InputSize = $((2 + i)))]
public partial class LstmTagger$i
{
    [Lstm(hidden: $h)]
    public partial LstmLayer Encoder { get; }

    [Dense($o), Softmax]
    public partial DenseLayer Tags { get; }
}

[RnnModel(InputSize = $((4 + i)))]
public partial class PeepholeLstmStack$i
{
    [Lstm($h, Peephole = true)]
    public partial LstmLayer First { get; }

    [Lstm($((h / 2)), Peephole = true, CoupledInputForget = true, ReturnSequences = false)]
    public partial LstmLayer Second { get; }

    [Dense($o), Softmax]
    public partial DenseLayer Head { get; }
}

[RnnModel(InputSize = $((6 + i)))]
public partial class GruStack$i
{
    [Gru($h)]
    public partial GruLayer First { get; }

    [Gru($((h / 2)), ResetAfter = false)]
    public partial GruLayer Second { get; }

    [Dense(1, Activation = DenseActivation.Sigmoid)]
    public partial DenseLayer Score { get; }
}
MODELS
done

dotnet build "$work/GeneratorTiming.csproj" -c "$configuration" > "$work/first.log" 2>&1 || { cat "$work/first.log"; exit 1; }
# Rebuild only the timing project (not its references), with the compiler's per-analyzer and per-generator times.
# Twice: the compiler server keeps the generator loaded (and compiled to machine code) between builds, so the
# second rebuild shows the time an edit-and-build costs, the first one that of a build in a fresh server.
for run in first second; do
  dotnet build "$work/GeneratorTiming.csproj" -c "$configuration" --no-dependencies --no-incremental -p:ReportAnalyzer=true -v:d > "$work/report.log" 2>&1 \
    || { cat "$work/report.log"; exit 1; }
  echo "== $run rebuild, 20 models: the compiler's report (time in seconds, share of all analyzer or generator time)"
  # Each report is a "Total ... execution time" line followed by a table, one row per assembly and per type.
  grep -A 400 -E "Total (analyzer|generator) execution time" "$work/report.log" \
    | grep -E "Total (analyzer|generator) execution time|^ *<?[0-9.]+ +<?[0-9]+ +RnnGen" | sed 's/^ *//' | awk '!seen[$0]++'
done
