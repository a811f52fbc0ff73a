namespace RnnGen.Generator.Rules;

/// <summary>Largest sizes the rules accept. Past these a model is almost certainly a typo.</summary>
internal static class ShapeLimits
{
    /// <summary>Largest hidden size of a recurrent layer.</summary>
    public const int MaxHidden = 16_384;

    /// <summary>Largest number of outputs of a dense layer (a vocabulary, for language models).</summary>
    public const int MaxUnits = 1_048_576;

    /// <summary>Largest number of token ids of an embedding (2²⁴: every id is still exact as a float).</summary>
    public const int MaxVocabulary = 16_777_216;

    /// <summary>Largest number of features per token of an embedding.</summary>
    public const int MaxEmbeddingSize = 65_536;

    /// <summary>Largest number of input features per step.</summary>
    public const int MaxInputSize = 1_048_576;

    /// <summary>
    /// Largest parameter count: the parameter arena is one <c>float[]</c>, and no .NET array is longer
    /// (<c>Array.MaxLength</c>). Arena offsets are <c>int</c> constants, so this also keeps them from overflowing.
    /// </summary>
    public const long MaxParameterCount = 0x7FFFFFC7;

    /// <summary>Parameter count above which the model gets a warning (400 MB of float32).</summary>
    public const long LargeParameterCount = 100_000_000;
}
