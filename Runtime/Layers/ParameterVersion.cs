using System.ComponentModel;
using System.Threading;

namespace RnnGen;

/// <summary>
/// Counts changes to a model's parameter arena, so that copies derived from the parameters (the streaming step's
/// packed weights, <see cref="PackedWeights"/>) know when to rebuild. Generated code bumps it whenever it writes the
/// parameters (initialisation, loading, an optimizer step) and whenever it hands out a writable view of them
/// (the model's <c>Parameters</c> span and every layer view's tensor spans), since a caller may write through it.
/// </summary>
public sealed class ParameterVersion
{
    private int _value;

    /// <summary>Creates a counter at 0; called by generated code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ParameterVersion()
    {
    }

    /// <summary>The number of changes so far.</summary>
    public int Value => Volatile.Read(ref _value);

    /// <summary>Records that the parameters have changed, or may have.</summary>
    public void Changed() => Interlocked.Increment(ref _value);
}
