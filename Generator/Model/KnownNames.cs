namespace RnnGen.Generator.Model;

/// <summary>Metadata names of the runtime types the parser and the emitter refer to.</summary>
internal static class KnownNames
{
    public const string RnnModelAttribute = "RnnGen.RnnModelAttribute";
    public const string SimpleRnnAttribute = "RnnGen.SimpleRnnAttribute";
    public const string DenseAttribute = "RnnGen.DenseAttribute";
    public const string SoftmaxAttribute = "RnnGen.SoftmaxAttribute";
    public const string LstmAttribute = "RnnGen.LstmAttribute";
    public const string GruAttribute = "RnnGen.GruAttribute";

    public const string SimpleRnnLayer = "global::RnnGen.SimpleRnnLayer";
    public const string DenseLayer = "global::RnnGen.DenseLayer";
    public const string LstmLayer = "global::RnnGen.LstmLayer";
    public const string GruLayer = "global::RnnGen.GruLayer";

    /// <summary>The property type a layer of <paramref name="kind"/> must have.</summary>
    public static string LayerTypeOf(LayerKind kind) => kind switch
    {
        LayerKind.SimpleRnn => SimpleRnnLayer,
        LayerKind.Dense => DenseLayer,
        LayerKind.Lstm => LstmLayer,
        LayerKind.Gru => GruLayer,
        _ => string.Empty,
    };
}
