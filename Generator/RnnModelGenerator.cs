using Microsoft.CodeAnalysis;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;
using RnnGen.Generator.Planning;
using RnnGen.Generator.Rules;

namespace RnnGen.Generator;

/// <summary>
/// Emits the forward pass, backpropagation through time, workspace and trainer of every class marked
/// <c>[RnnModel]</c>. Pipeline: parse (symbols → <see cref="NetworkSpec"/>) → check (<see cref="ModelRules"/>;
/// invalid models get no code, the analyzers report why) → plan (<see cref="NetworkPlan"/>) → emit.
/// Every step's output is equatable, so unchanged models are served from cache.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RnnModelGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incrementality tests.</summary>
    public static class Steps
    {
        /// <summary>Model class → <c>NetworkSpec</c>.</summary>
        public const string Parse = "RnnGen.Parse";

        /// <summary>Valid <c>NetworkSpec</c> → <c>NetworkPlan</c>.</summary>
        public const string Plan = "RnnGen.Plan";
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var plans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                KnownNames.RnnModelAttribute,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                static (ctx, ct) => ModelParser.Parse((INamedTypeSymbol)ctx.TargetSymbol, ct))
            .WithTrackingName(Steps.Parse)
            .Where(static spec => ModelRules.CanGenerate(spec))
            .Select(static (spec, _) => NetworkPlanner.Plan(spec))
            .WithTrackingName(Steps.Plan);

        context.RegisterSourceOutput(plans, static (spc, plan) =>
            spc.AddSource(ModelEmitter.HintName(plan.Spec), ModelEmitter.Emit(plan)));
    }
}
