namespace RnnGen.Generator.Rules;

/// <summary>Diagnostic IDs, shared by the rules, the analyzers' descriptor table and the code fixes.</summary>
internal static class DiagnosticIds
{
    public const string ModelNotPartial = "RNN0001";
    public const string UnsupportedModelType = "RNN0002";
    public const string NoLayers = "RNN0003";
    public const string InputSizeMissing = "RNN0004";
    public const string SizeOutOfRange = "RNN0005";
    public const string InvalidArgument = "RNN0006";
    public const string LayerPropertyShape = "RNN0007";
    public const string SeveralLayerAttributes = "RNN0008";
    public const string SoftmaxNotOnOutput = "RNN0009";
    public const string LayersSplitAcrossDeclarations = "RNN0010";
    public const string RecurrentLayerNeedsSequence = "RNN0011";
    public const string LargeModel = "RNN0012";
    public const string GeneratedNameClash = "RNN0013";
    public const string ModelTooLarge = "RNN0014";
    public const string SoftmaxAfterActivation = "RNN0015";
    public const string SoftmaxOverOneClass = "RNN0016";
    public const string LayerOutsideModel = "RNN0017";
    public const string LayerNamesDifferOnlyInCase = "RNN0018";
    public const string BidirectionalNotRecurrent = "RNN0019";
    public const string BidirectionalInStreamingModel = "RNN0020";
    public const string EmbeddingNotFirst = "RNN0021";
    public const string InputSizeWithEmbedding = "RNN0022";
    public const string VocabularyOutOfRange = "RNN0023";

    /// <summary>
    /// The rules that are warnings: the model is still generated. Every other ID is an error, and a model with
    /// an error gets no code. The descriptor table takes its severities from here.
    /// </summary>
    public static bool IsWarning(string id) => id is LargeModel or LayerOutsideModel or LayerNamesDifferOnlyInCase;
}
