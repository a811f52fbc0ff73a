using System;
using Xunit.Sdk;

namespace RnnGen.Tests.Fixtures;

/// <summary>
/// Comparisons against golden numbers, failing with the worst element named. They return the error
/// measured so tests can report it.
/// </summary>
internal static class Tolerance
{
    /// <summary>Forward outputs: every element within <paramref name="absolute"/>. Returns the largest absolute error.</summary>
    public static double AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double absolute, string what)
    {
        CheckLength(expected, actual, what);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = Math.Abs((double)expected[i] - actual[i]);
            if (double.IsNaN(e) || e > worst)
            {
                worst = double.IsNaN(e) ? double.PositiveInfinity : e;
                at = i;
            }
        }

        if (worst > absolute)
        {
            throw new XunitException($"{what}: element {at} is {actual[at]:R}, expected {expected[at]:R} (|error| {worst:E2} > {absolute:E0}).");
        }

        return worst;
    }

    /// <summary>
    /// Gradients: every element within <paramref name="relative"/> of the expected value, or within
    /// <paramref name="absolute"/> where the value is tiny. Returns the largest relative error among elements
    /// whose magnitude exceeds <paramref name="absolute"/>/<paramref name="relative"/> (0 if none).
    /// </summary>
    public static double AssertGradientClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double relative = 1e-4, double absolute = 1e-5)
    {
        CheckLength(expected, actual, what);
        double worstRelative = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            double error = Math.Abs(e - a);
            bool ok = error <= absolute || error <= relative * Math.Abs(e);
            if (!ok || double.IsNaN(error))
            {
                throw new XunitException($"{what}: element {i} is {a:R}, expected {e:R} (|error| {error:E2}, relative {error / Math.Abs(e):E2}; allowed {relative:E0} relative or {absolute:E0} absolute).");
            }

            if (Math.Abs(e) > absolute / relative)
            {
                worstRelative = Math.Max(worstRelative, error / Math.Abs(e));
            }
        }

        return worstRelative;
    }

    private static void CheckLength(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{what}: {actual.Length} elements, expected {expected.Length}.");
        }
    }
}
