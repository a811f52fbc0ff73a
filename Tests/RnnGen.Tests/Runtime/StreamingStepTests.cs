using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using RnnGen.Reference;
using RnnGen.Training;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// The fused streaming step kernels (<see cref="StreamingStep"/>) against the double-precision reference layers, over
/// several steps with the state carried, at every register width (16, 8, 4 lanes and scalar) and at sizes that leave
/// partial blocks; their low-latency nonlinearities against double precision; and their argument checks.
/// </summary>
public sealed class StreamingStepTests
{
    /// <summary>Float sums in another order and the rational nonlinearities (≤ 3e-7 each): a few roundings per step.</summary>
    private const double Agreement = 2e-5;

    private const int Steps = 5;

    private readonly ITestOutputHelper _output;

    public StreamingStepTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Shapes()
    {
        foreach (int lanes in new[] { 16, 8, 4, 1 })
        {
            foreach (var (input, hidden) in new[] { (1, 1), (1, 8), (3, 9), (5, 16), (2, 17), (7, 40) })
            {
                yield return new object[] { lanes, input, hidden };
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Elman_steps_match_the_reference(int lanes, int input, int hidden)
    {
        foreach (bool relu in new[] { false, true })
        {
            var random = new SeededRandom((ulong)(lanes * 1000 + input * 100 + hidden));
            var w = new ElmanWeights(input, hidden, Uniform(ref random, hidden * input), Uniform(ref random, hidden * hidden),
                Uniform(ref random, hidden), Uniform(ref random, hidden), relu ? RnnActivation.Relu : RnnActivation.Tanh);
            float[] x = Uniform(ref random, Steps * input, 2f);
            float[] h0 = Uniform(ref random, hidden);
            var expected = ReferenceElman.Forward(w, x, h0, Steps, 1).Output;

            var packed = new float[StreamingStep.ElmanLength(input, hidden)];
            StreamingStep.PackElmanLanes(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, input, hidden, packed, lanes);
            float[] h = Padded(h0);
            float[] scratch = new float[StreamingStep.ScratchLength(input, hidden)];
            for (int t = 0; t < Steps; t++)
            {
                StreamingStep.ElmanLanes(packed, x.AsSpan(t * input, input), h, scratch, input, hidden, relu, lanes);
                AssertClose(expected.AsSpan(t * hidden, hidden), h.AsSpan(0, hidden), $"Elman {(relu ? "relu" : "tanh")} {input}→{hidden}, {lanes} lanes, step {t}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Lstm_steps_match_the_reference(int lanes, int input, int hidden)
    {
        foreach (bool peephole in new[] { false, true })
        {
            foreach (bool coupled in new[] { false, true })
            {
                int gates = coupled ? 3 : 4;
                var random = new SeededRandom((ulong)(lanes * 1000 + input * 100 + hidden + (peephole ? 7 : 0) + (coupled ? 13 : 0)));
                var w = new LstmWeights(input, hidden, peephole, coupled,
                    Uniform(ref random, gates * hidden * input), Uniform(ref random, gates * hidden * hidden),
                    Uniform(ref random, gates * hidden), Uniform(ref random, gates * hidden),
                    peephole ? Uniform(ref random, (gates - 1) * hidden) : Array.Empty<float>());
                float[] x = Uniform(ref random, Steps * input, 2f);
                float[] h0 = Uniform(ref random, hidden);
                float[] c0 = Uniform(ref random, hidden, 2f);
                var expected = ReferenceLstm.Forward(w, x, h0, c0, Steps, 1).Output;

                var packed = new float[StreamingStep.LstmLength(input, hidden, peephole, coupled)];
                StreamingStep.PackLstmLanes(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, w.PeepholeWeights, input, hidden, coupled, packed, lanes);
                float[] h = Padded(h0), c = Padded(c0);
                float[] scratch = new float[StreamingStep.ScratchLength(input, hidden)];
                for (int t = 0; t < Steps; t++)
                {
                    StreamingStep.LstmLanes(packed, x.AsSpan(t * input, input), h, c, scratch, input, hidden, peephole, coupled, lanes);
                    AssertClose(expected.AsSpan(t * hidden, hidden), h.AsSpan(0, hidden), $"LSTM peephole {peephole} coupled {coupled} {input}→{hidden}, {lanes} lanes, step {t}");
                }

                var final = ReferenceLstm.Forward(w, x, h0, c0, Steps, 1).FinalCellState;
                AssertClose(final, c.AsSpan(0, hidden), $"LSTM peephole {peephole} coupled {coupled} {input}→{hidden}, {lanes} lanes, c_T");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gru_steps_match_the_reference(int lanes, int input, int hidden)
    {
        foreach (bool resetAfter in new[] { true, false })
        {
            var random = new SeededRandom((ulong)(lanes * 1000 + input * 100 + hidden + (resetAfter ? 0 : 5)));
            var w = new GruWeights(input, hidden, resetAfter, Uniform(ref random, 3 * hidden * input), Uniform(ref random, 3 * hidden * hidden),
                Uniform(ref random, 3 * hidden), Uniform(ref random, 3 * hidden));
            float[] x = Uniform(ref random, Steps * input, 2f);
            float[] h0 = Uniform(ref random, hidden);
            var expected = ReferenceGru.Forward(w, x, h0, Steps, 1).Output;

            var packed = new float[StreamingStep.GruLength(input, hidden, resetAfter)];
            StreamingStep.PackGruLanes(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, input, hidden, resetAfter, packed, lanes);
            float[] h = Padded(h0);
            float[] scratch = new float[resetAfter ? StreamingStep.ScratchLength(input, hidden) : StreamingStep.GruResetBeforeScratchLength(input, hidden)];
            for (int t = 0; t < Steps; t++)
            {
                StreamingStep.GruLanes(packed, x.AsSpan(t * input, input), h, scratch, input, hidden, resetAfter, lanes);
                AssertClose(expected.AsSpan(t * hidden, hidden), h.AsSpan(0, hidden), $"GRU reset {(resetAfter ? "after" : "before")} {input}→{hidden}, {lanes} lanes, step {t}");
            }
        }
    }

    [Fact]
    public void Public_entry_points_pack_and_step_for_this_machine()
    {
        // The public methods choose the width themselves; a layer of 20 units with 3 inputs, one step of each kind.
        const int I = 3, H = 20;
        var random = new SeededRandom(99);
        var w = new LstmWeights(I, H, true, false, Uniform(ref random, 4 * H * I), Uniform(ref random, 4 * H * H), Uniform(ref random, 4 * H), Uniform(ref random, 4 * H), Uniform(ref random, 3 * H));
        float[] x = Uniform(ref random, I, 2f);
        var expected = ReferenceLstm.Forward(w, x, new float[H], new float[H], 1, 1).Output;
        var packed = new float[StreamingStep.LstmLength(I, H, peephole: true, coupled: false)];
        StreamingStep.PackLstm(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, w.PeepholeWeights, I, H, coupled: false, packed);
        float[] h = new float[StreamingStep.Padded(H)], c = new float[StreamingStep.Padded(H)];
        StreamingStep.Lstm(packed, x, h, c, new float[StreamingStep.ScratchLength(I, H)], I, H, peephole: true, coupled: false);
        AssertClose(expected, h.AsSpan(0, H), "LSTM through the public entry points");
        Assert.Contains(StreamingStep.LanesFor(H), new[] { 16, 8, 4, 1 });
        Assert.Equal(32, StreamingStep.Padded(H));
    }

    [Fact]
    public void Wrong_lengths_are_rejected_with_the_expected_sizes()
    {
        const int I = 2, H = 5;
        float[] packed = new float[StreamingStep.GruLength(I, H, resetAfter: true)];
        float[] scratch = new float[StreamingStep.ScratchLength(I, H)];

        // hidden state not padded to a whole register
        var e = Assert.Throws<ArgumentException>(() => StreamingStep.Gru(packed, new float[I], new float[H], scratch, I, H, resetAfter: true));
        Assert.Contains("16 (padded)", e.Message);

        // packed weights of another layer
        e = Assert.Throws<ArgumentException>(() => StreamingStep.Gru(packed.AsSpan(1).ToArray(), new float[I], new float[16], scratch, I, H, resetAfter: true));
        Assert.Contains($"packed weights of {packed.Length} floats", e.Message);

        // reset-before needs more scratch
        e = Assert.Throws<ArgumentException>(() => StreamingStep.Gru(new float[StreamingStep.GruLength(I, H, false)], new float[I], new float[16], scratch, I, H, resetAfter: false));
        Assert.Contains($"scratch of {StreamingStep.GruResetBeforeScratchLength(I, H)}", e.Message);

        // packing into a buffer of the wrong size
        e = Assert.Throws<ArgumentException>(() => StreamingStep.PackElman(new float[H * I], new float[H * H], new float[H], new float[H], I, H, new float[10]));
        Assert.Contains($"take {StreamingStep.ElmanLength(I, H)} floats", e.Message);

        // weights of the wrong shape
        e = Assert.Throws<ArgumentException>(() => StreamingStep.PackLstm(new float[4 * H * I], new float[4 * H * H], new float[4 * H], new float[4 * H], new float[2 * H], I, H, coupled: false, new float[StreamingStep.LstmLength(I, H, true, false)]));
        Assert.Contains("[3, 5]", e.Message);
    }

    // The bounds below are the measured maxima of this implementation rounded up; they document its accuracy.
    private const double RationalTanhMaxAbsoluteError = 3e-7;
    private const double RationalSigmoidMaxAbsoluteError = 2e-7;

    public static IEnumerable<object[]> Widths() => new[] { 16, 8, 4, 1 }.Select(w => new object[] { w });

    [Theory]
    [MemberData(nameof(Widths))]
    public void Rational_tanh_and_sigmoid_are_accurate(int lanes)
    {
        var points = new List<float>();
        for (double v = -20; v <= 20; v += 1e-4)
        {
            points.Add((float)v);
        }

        points.AddRange(new[] { 0f, -0f, 1e-30f, -1e-30f, 3.9e-4f, 4.1e-4f, 7.99f, 8f, 8.01f, 100f, -100f, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity });
        float[] x = points.ToArray();
        float[] tanh = Apply(x, lanes, sigmoid: false);
        float[] sigmoid = Apply(x, lanes, sigmoid: true);
        double worstTanh = 0, worstSigmoid = 0;
        for (int i = 0; i < x.Length; i++)
        {
            worstTanh = Math.Max(worstTanh, Math.Abs(tanh[i] - Math.Tanh(x[i])));
            worstSigmoid = Math.Max(worstSigmoid, Math.Abs(sigmoid[i] - (1 / (1 + Math.Exp(-(double)x[i])))));
        }

        _output.WriteLine($"{lanes} lanes: tanh max |error| {worstTanh:E2}, sigmoid max |error| {worstSigmoid:E2} over {x.Length} points");
        Assert.True(worstTanh <= RationalTanhMaxAbsoluteError, $"tanh max |error| {worstTanh:E3}");
        Assert.True(worstSigmoid <= RationalSigmoidMaxAbsoluteError, $"sigmoid max |error| {worstSigmoid:E3}");

        // odd, bounded, exact at the ends; NaN passes through
        Assert.Equal(-0f, Apply(new[] { -0f }, lanes, sigmoid: false)[0]);
        Assert.True(BitConverter.SingleToInt32Bits(Apply(new[] { -0f }, lanes, sigmoid: false)[0]) < 0);
        Assert.Equal(1f, Apply(new[] { 50f }, lanes, sigmoid: false)[0]);
        Assert.Equal(-1f, Apply(new[] { float.NegativeInfinity }, lanes, sigmoid: false)[0]);
        Assert.Equal(1f, Apply(new[] { 50f }, lanes, sigmoid: true)[0]);
        Assert.Equal(0f, Apply(new[] { -50f }, lanes, sigmoid: true)[0]);
        Assert.True(float.IsNaN(Apply(new[] { float.NaN }, lanes, sigmoid: false)[0]));
        Assert.True(float.IsNaN(Apply(new[] { float.NaN }, lanes, sigmoid: true)[0]));
    }

    private static float[] Apply(float[] x, int lanes, bool sigmoid)
    {
        float[] padded = new float[(x.Length + 15) / 16 * 16];
        x.CopyTo(padded, 0);
        for (int i = 0; i < padded.Length; i += lanes)
        {
            ref float at = ref padded[i];
            switch (lanes)
            {
                case 16:
                    Simd512.Store(sigmoid ? FastMath.SigmoidRational<Simd512, Vector512<float>>(Simd512.Load(ref at)) : FastMath.TanhRational<Simd512, Vector512<float>>(Simd512.Load(ref at)), ref at);
                    break;
                case 8:
                    Simd256.Store(sigmoid ? FastMath.SigmoidRational<Simd256, Vector256<float>>(Simd256.Load(ref at)) : FastMath.TanhRational<Simd256, Vector256<float>>(Simd256.Load(ref at)), ref at);
                    break;
                case 4:
                    Simd128.Store(sigmoid ? FastMath.SigmoidRational<Simd128, Vector128<float>>(Simd128.Load(ref at)) : FastMath.TanhRational<Simd128, Vector128<float>>(Simd128.Load(ref at)), ref at);
                    break;
                default:
                    at = sigmoid ? FastMath.SigmoidRational<SimdScalar, float>(at) : FastMath.TanhRational<SimdScalar, float>(at);
                    break;
            }
        }

        return padded.AsSpan(0, x.Length).ToArray();
    }

    private static float[] Uniform(ref SeededRandom random, int count, float bound = 0.5f)
    {
        var values = new float[count];
        random.FillUniform(values, bound);
        return values;
    }

    private static float[] Padded(float[] state)
    {
        var padded = new float[StreamingStep.Padded(state.Length)];
        state.CopyTo(padded, 0);
        return padded;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            Assert.True(error <= Agreement, $"{what}: unit {i}: expected {expected[i]}, got {actual[i]} (|error| {error:E2})");
        }
    }
}
