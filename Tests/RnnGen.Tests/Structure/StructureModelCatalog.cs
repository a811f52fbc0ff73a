using System;
using RnnGen.Tests.Gated;
using RnnGen.Tests.Models;

namespace RnnGen.Tests.Structure;

/// <summary>The bidirectional, stacked and PyTorch-shaped test models, by name, bound for the shared tests.</summary>
internal static class StructureModelCatalog
{
    /// <summary>Models with bidirectional layers and heads, every cell and both output shapes among them.</summary>
    public static readonly string[] Bidirectional =
    {
        nameof(BiLstmTagger), nameof(BiGruClassifier), nameof(DeepBiStack), nameof(BiElmanRegressor), nameof(MixedDirections),
        nameof(TorchRnnL2Bi), nameof(TorchLstmL2Bi), nameof(TorchGruL1Bi),
    };

    /// <summary>Every model that the variable-length tests run: the bidirectional ones, the stacks and the gated ones.</summary>
    public static readonly string[] VariableLength =
    {
        nameof(BiLstmTagger), nameof(BiGruClassifier), nameof(DeepBiStack), nameof(BiElmanRegressor), nameof(MixedDirections),
        nameof(TorchRnnL2Bi), nameof(TorchLstmL2Bi), nameof(TorchGruL1Bi), nameof(TorchRnnL2Uni), nameof(TorchLstmL2Uni),
        nameof(LstmTagger), nameof(PeepholeLstmRegressor), nameof(CoupledLstmClassifier), nameof(GatedStack),
        nameof(GruTagger), nameof(ChoGruRegressor),
    };

    /// <summary>A structure model, or else a gated one.</summary>
    public static IGeneratedModel Create(string name) => name switch
    {
        nameof(TorchRnnL1Bi) => new GeneratedModel<TorchRnnL1Bi, TorchRnnL1Bi.Workspace>(),
        nameof(TorchRnnL2Uni) => new GeneratedModel<TorchRnnL2Uni, TorchRnnL2Uni.Workspace>(),
        nameof(TorchRnnL2Bi) => new GeneratedModel<TorchRnnL2Bi, TorchRnnL2Bi.Workspace>(),
        nameof(TorchLstmL1Bi) => new GeneratedModel<TorchLstmL1Bi, TorchLstmL1Bi.Workspace>(),
        nameof(TorchLstmL2Uni) => new GeneratedModel<TorchLstmL2Uni, TorchLstmL2Uni.Workspace>(),
        nameof(TorchLstmL2Bi) => new GeneratedModel<TorchLstmL2Bi, TorchLstmL2Bi.Workspace>(),
        nameof(TorchGruL1Bi) => new GeneratedModel<TorchGruL1Bi, TorchGruL1Bi.Workspace>(),
        nameof(TorchGruL2Uni) => new GeneratedModel<TorchGruL2Uni, TorchGruL2Uni.Workspace>(),
        nameof(TorchGruL2Bi) => new GeneratedModel<TorchGruL2Bi, TorchGruL2Bi.Workspace>(),
        nameof(LstmDecoder) => new GeneratedModel<LstmDecoder, LstmDecoder.Workspace>(),
        nameof(BiLstmTagger) => new GeneratedModel<BiLstmTagger, BiLstmTagger.Workspace>(),
        nameof(BiGruClassifier) => new GeneratedModel<BiGruClassifier, BiGruClassifier.Workspace>(),
        nameof(DeepBiStack) => new GeneratedModel<DeepBiStack, DeepBiStack.Workspace>(),
        nameof(BiElmanRegressor) => new GeneratedModel<BiElmanRegressor, BiElmanRegressor.Workspace>(),
        nameof(MixedDirections) => new GeneratedModel<MixedDirections, MixedDirections.Workspace>(),
        _ => GatedModelCatalog.Create(name),
    };
}
