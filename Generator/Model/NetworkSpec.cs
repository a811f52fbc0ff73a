namespace RnnGen.Generator.Model;

/// <summary>What kind of layer a property declares.</summary>
internal enum LayerKind
{
    /// <summary>An attribute that does not parse to any layer (half-typed code).</summary>
    Unknown = 0,
    SimpleRnn,
    Dense,
    Lstm,
    Gru,
    Embedding,
}

/// <summary>How the output of the model is read and trained.</summary>
internal enum OutputKind
{
    /// <summary>Values as computed; trained with mean squared error.</summary>
    Linear = 0,

    /// <summary>Class probabilities; trained with softmax cross-entropy.</summary>
    Softmax,
}

/// <summary>A type that encloses the model class (the model may be nested).</summary>
/// <param name="Keyword">"class", "struct", "record" or "record struct".</param>
/// <param name="Name">The type's name.</param>
/// <param name="IsPartial">Whether every declaration of the type is partial.</param>
/// <param name="IsGeneric">Whether the type has type parameters.</param>
internal sealed record ContainingTypeSpec(string Keyword, string Name, bool IsPartial, bool IsGeneric)
{
    /// <summary>Whether the type is declared <c>file</c>: visible in its own file only, so no other file can add to it.</summary>
    public bool IsFileLocal { get; init; }
}

/// <summary>
/// One layer as the user declared it, as plain data. Sizes that did not parse (missing or non-constant
/// arguments) are 0 and <see cref="HasInvalidArguments"/> is set; rules turn that into a diagnostic.
/// </summary>
/// <param name="Name">Property name; keys checkpoints and diagnostics.</param>
/// <param name="Kind">Layer kind from the layer attribute.</param>
/// <param name="LayerAttributeCount">Number of layer attributes on the property (exactly one is valid).</param>
/// <param name="PropertyType">Fully qualified type of the property, for example <c>global::RnnGen.DenseLayer</c>.</param>
/// <param name="Accessibility">Accessibility keywords of the property, repeated on its implementation.</param>
/// <param name="IsPartialDefinition">Whether the property is a plain <c>partial</c> declaration without a body: get-only,
/// returned by value, and without <c>virtual</c>, <c>override</c>, <c>sealed</c>, <c>new</c>, <c>abstract</c> or <c>extern</c>.</param>
/// <param name="IsStatic">Whether the property is static (not allowed).</param>
/// <param name="Size">Hidden units (recurrent layers), outputs (dense) or features per token (embedding).</param>
/// <param name="Activation">The activation enum value of the layer attribute.</param>
/// <param name="ReturnSequences">Recurrent layers: whether every step's state is passed on.</param>
/// <param name="Softmax">Whether <c>[Softmax]</c> is on the property.</param>
/// <param name="HasInvalidArguments">An argument was missing or not a constant.</param>
internal sealed record LayerSpec(
    string Name,
    LayerKind Kind,
    int LayerAttributeCount,
    string PropertyType,
    string Accessibility,
    bool IsPartialDefinition,
    bool IsStatic,
    int Size,
    int Activation,
    bool ReturnSequences,
    bool Softmax,
    bool HasInvalidArguments)
{
    /// <summary>LSTM: whether the gates see the cell state (peephole connections).</summary>
    public bool Peephole { get; init; }

    /// <summary>LSTM: whether the input gate is tied to the forget gate, <c>i = 1 − f</c> (three gates f, g, o).</summary>
    public bool CoupledInputForget { get; init; }

    /// <summary>GRU: whether the reset gate acts after the recurrent product (PyTorch's form, the default).</summary>
    public bool ResetAfter { get; init; } = true;

    /// <summary>Whether <c>[Bidirectional]</c> is on the property: a recurrent layer then runs forward and in reverse.</summary>
    public bool Bidirectional { get; init; }

    /// <summary>Embedding: number of token ids (rows of the table); 0 for other kinds or when it did not parse.</summary>
    public int Vocabulary { get; init; }

    /// <summary>Whether the layer carries state across time steps.</summary>
    public bool IsRecurrent => Kind is LayerKind.SimpleRnn or LayerKind.Lstm or LayerKind.Gru;
}

/// <summary>
/// The whole model as the user declared it: pure, equatable data with no Roslyn types, so the
/// incremental pipeline caches on it. Produced by <c>ModelParser</c>, checked by <c>ModelRules</c>,
/// turned into a <c>NetworkPlan</c> by <c>NetworkPlanner</c>.
/// </summary>
/// <param name="Namespace">Namespace of the model class, or <see langword="null"/> for the global namespace.</param>
/// <param name="ClassName">Name of the model class.</param>
/// <param name="Containers">Enclosing types, outermost first.</param>
/// <param name="IsPartial">Whether the class is declared <c>partial</c>.</param>
/// <param name="IsGeneric">Whether the class has type parameters.</param>
/// <param name="IsStatic">Whether the class is static.</param>
/// <param name="InputSize">Input features per step from <c>[RnnModel(InputSize = ...)]</c>; 0 when not given.</param>
/// <param name="LayerDeclarationCount">How many partial declarations of the class declare layers.</param>
/// <param name="Layers">Layers in declaration order.</param>
internal sealed record NetworkSpec(
    string? Namespace,
    string ClassName,
    EquatableArray<ContainingTypeSpec> Containers,
    bool IsPartial,
    bool IsGeneric,
    bool IsStatic,
    int InputSize,
    int LayerDeclarationCount,
    EquatableArray<LayerSpec> Layers)
{
    /// <summary>Whether <c>[RnnModel(Streaming = true)]</c> declares the model meant for stepping over a live stream.</summary>
    public bool Streaming { get; init; }

    /// <summary>Whether the class is a record (the generator writes plain classes only).</summary>
    public bool IsRecord { get; init; }

    /// <summary>Whether the class is declared <c>file</c>: the generated half, in a file of its own, could not be part of it.</summary>
    public bool IsFileLocal { get; init; }

    /// <summary>The nearest base class that is itself a model, whose generated members this one would hide; or <see langword="null"/>.</summary>
    public string? BaseModelName { get; init; }

    /// <summary>
    /// Names of the class's other members, declared in it or inherited (without private ones and those of
    /// <c>object</c>): the generated members must not take any of them.
    /// </summary>
    public EquatableArray<string> OtherMemberNames { get; init; } = EquatableArray<string>.Empty;

    /// <summary>Whether the first layer is an embedding, so the model reads token ids <c>[T, B]</c> rather than features.</summary>
    public bool ReadsTokens => Layers.Count > 0 && Layers[0].Kind == LayerKind.Embedding;
}
