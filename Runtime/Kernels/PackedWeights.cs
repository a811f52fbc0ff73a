using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Threading;

namespace RnnGen;

/// <summary>
/// A model's copy of its recurrent weights in the layout the streaming step reads (see
/// <see cref="Kernels.StreamingStep"/>), with the <see cref="ParameterVersion"/> it was made from. Generated code packs
/// it on the first <c>Step</c> and again on the first <c>Step</c> after the parameters change; every other step
/// only compares two integers. The buffer is allocated once, on the pinned heap and aligned to 64 bytes, so each
/// register-wide load of a weight block touches one cache line.
/// </summary>
public sealed class PackedWeights
{
    private const int AlignmentFloats = 16;
    private readonly int _length;
    private float[]? _buffer;
    private int _start;
    private int _version = -1;

    /// <summary>Creates an empty copy of <paramref name="length"/> floats; called by generated code.</summary>
    /// <param name="length">Floats of packed weights, the sum over the model's recurrent layers.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public PackedWeights(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
    }

    /// <summary>Floats of packed weights.</summary>
    public int Length => _length;

    /// <summary>The packed weights, if they were made from the parameters as they are now.</summary>
    /// <param name="version">The model's parameter version.</param>
    /// <param name="packed">The packed weights when current; empty otherwise.</param>
    /// <returns>Whether the packed weights are current.</returns>
    public bool TryGet(ParameterVersion version, out ReadOnlySpan<float> packed)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (_buffer is not null && Volatile.Read(ref _version) == version.Value)
        {
            packed = _buffer.AsSpan(_start, _length);
            return true;
        }

        packed = default;
        return false;
    }

    /// <summary>
    /// Starts packing: returns the buffer to fill (allocated on the first call) and the parameter version to pass to
    /// <see cref="EndPack"/>, read before any parameter is read so that a change made while packing leaves the copy stale.
    /// Callers hold a lock on this object from here to <see cref="EndPack"/>.
    /// </summary>
    /// <param name="version">The model's parameter version.</param>
    /// <param name="packedVersion">The version the packed weights will correspond to.</param>
    /// <returns>The buffer, <see cref="Length"/> floats.</returns>
    public Span<float> BeginPack(ParameterVersion version, out int packedVersion)
    {
        ArgumentNullException.ThrowIfNull(version);
        packedVersion = version.Value;
        Volatile.Write(ref _version, -1);
        if (_buffer is null)
        {
            var buffer = GC.AllocateUninitializedArray<float>(_length + AlignmentFloats, pinned: true);
            _start = Misalignment(buffer);
            _buffer = buffer;
        }

        return _buffer.AsSpan(_start, _length);
    }

    /// <summary>Marks the packed weights as made from <paramref name="packedVersion"/>.</summary>
    /// <param name="packedVersion">The version <see cref="BeginPack"/> returned.</param>
    public void EndPack(int packedVersion) => Volatile.Write(ref _version, packedVersion);

    /// <summary>Floats from the start of <paramref name="buffer"/> to its first 64-byte boundary.</summary>
    private static int Misalignment(float[] buffer)
    {
        // The array lives on the pinned heap and never moves, so its address stays valid after the handle is freed.
        var handle = GCHandle.Alloc(buffer, GCHandleType.Pinned);
        try
        {
            long address = handle.AddrOfPinnedObject().ToInt64();
            return (int)((64 - (address % 64)) % 64 / sizeof(float));
        }
        finally
        {
            handle.Free();
        }
    }
}
