using System;

namespace RnnGen.Training;

/// <summary>
/// A small, fast, reproducible random source (xoshiro128** seeded through SplitMix64). The same seed gives
/// the same numbers on every platform and .NET version, which makes initialisation and sampling repeatable.
/// </summary>
public struct SeededRandom
{
    private uint _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator from a seed.</summary>
    public SeededRandom(ulong seed)
    {
        ulong z = seed;
        _s0 = (uint)SplitMix(ref z);
        _s1 = (uint)SplitMix(ref z);
        _s2 = (uint)SplitMix(ref z);
        _s3 = (uint)SplitMix(ref z);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = 1;
        }
    }

    /// <summary>Next 32 random bits.</summary>
    public uint NextUInt()
    {
        uint result = RotateLeft(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 11);
        return result;
    }

    /// <summary>Uniform in <c>[0, 1)</c> with 24 bits of precision.</summary>
    public float NextFloat() => (NextUInt() >> 8) * (1f / (1 << 24));

    /// <summary>Uniform in <c>[low, high)</c>.</summary>
    public float NextFloat(float low, float high) => low + ((high - low) * NextFloat());

    /// <summary>Uniform integer in <c>[0, count)</c>.</summary>
    public int NextInt(int count)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The count must be positive.");
        }

        return (int)(((ulong)NextUInt() * (uint)count) >> 32);
    }

    /// <summary>Standard normal sample (Box–Muller).</summary>
    public float NextGaussian()
    {
        float u1 = 1f - NextFloat();
        float u2 = NextFloat();
        return MathF.Sqrt(-2f * MathF.Log(u1)) * MathF.Cos(2f * MathF.PI * u2);
    }

    /// <summary>Fills <paramref name="values"/> uniformly from <c>[−bound, bound)</c>.</summary>
    public void FillUniform(Span<float> values, float bound)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = NextFloat(-bound, bound);
        }
    }

    /// <summary>Fills <paramref name="values"/> from the normal distribution <c>N(0, std²)</c>.</summary>
    public void FillNormal(Span<float> values, float std)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = std * NextGaussian();
        }
    }

    private static uint RotateLeft(uint x, int k) => (x << k) | (x >> (32 - k));

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
