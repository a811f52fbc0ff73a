using System;
using RnnGen.Training;

namespace RnnGen.Tests.Numerics;

/// <summary>Reproducible random tensors for tests.</summary>
internal static class TestData
{
    /// <summary><paramref name="length"/> values uniform in <c>[−bound, bound)</c>.</summary>
    public static float[] Uniform(ref SeededRandom random, int length, float bound = 1f)
    {
        var values = new float[length];
        random.FillUniform(values, bound);
        return values;
    }

    /// <summary>One <c>[batch, H]</c> array per recurrent layer of <paramref name="network"/>.</summary>
    public static float[][] PerState(ref SeededRandom random, GeneratedNetwork network, int batch, float bound)
    {
        var states = new float[network.States.Count][];
        for (int l = 0; l < states.Length; l++)
        {
            states[l] = Uniform(ref random, batch * network.States[l].Hidden, bound);
        }

        return states;
    }

    /// <summary>Class indices uniform in <c>[0, classes)</c>.</summary>
    public static int[] Classes(ref SeededRandom random, int length, int classes)
    {
        var values = new int[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextInt(classes);
        }

        return values;
    }

    /// <summary><c>Σ a·b</c> in double precision.</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Lengths {a.Length} and {b.Length} differ.", nameof(b));
        }

        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
