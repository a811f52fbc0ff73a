namespace RnnGen.Generator.Emit;

/// <summary>
/// Sizes of the streaming step's packed weights and state buffers, as <c>RnnGen.Kernels.StreamingStep</c> in the
/// runtime defines them (the runtime checks every length it is given, so a disagreement fails on the first step).
/// State buffers are padded to a whole register of 16 floats; packed weights are sized for that padding.
/// </summary>
internal static class StepLayout
{
    /// <summary>The widest register of the step kernels, in floats.</summary>
    public const int MaxLanes = 16;

    /// <summary><paramref name="hidden"/> rounded up to a multiple of <see cref="MaxLanes"/>.</summary>
    public static int Padded(int hidden) => (hidden + MaxLanes - 1) / MaxLanes * MaxLanes;

    public static int ElmanLength(int input, int hidden) => Padded(hidden) * (1 + input + hidden);

    public static int LstmLength(int input, int hidden, bool peephole, bool coupled)
    {
        int gates = coupled ? 3 : 4;
        return Padded(hidden) * ((gates * (1 + input + hidden)) + (peephole ? gates - 1 : 0));
    }

    public static int GruLength(int input, int hidden, bool resetAfter) => Padded(hidden) * ((resetAfter ? 4 : 3) + (3 * input) + (3 * hidden));

    /// <summary>Scratch of an Elman, LSTM or reset-after GRU step: <c>z = [x; h]</c>, <c>h</c> padded.</summary>
    public static int Scratch(int input, int hidden) => input + Padded(hidden);

    /// <summary>Scratch of a reset-before GRU step: as <see cref="Scratch"/> plus <c>r ⊙ h</c>, <c>z</c> and <c>a_n</c>.</summary>
    public static int GruResetBeforeScratch(int input, int hidden) => Scratch(input, hidden) + (3 * Padded(hidden));
}
