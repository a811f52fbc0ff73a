using System;
using System.Linq;
using RnnGen.Kernels;
using RnnGen.Reference;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Structure;

/// <summary>
/// The runtime pieces behind variable lengths and bidirectional layers: the row moves of <see cref="Sequences"/>, the
/// losses over valid steps, the lengths check, and the reference layers' lengths and reverse direction.
/// </summary>
public sealed class SequenceKernelTests
{
    // [T = 3, B = 2, width = 2]: row (t, b) holds 10·t + b and 10·t + b + 0.5.
    private static float[] Rows3x2() => Enumerable.Range(0, 3).SelectMany(t => Enumerable.Range(0, 2).SelectMany(b => new[] { (10f * t) + b, (10f * t) + b + 0.5f })).ToArray();

    [Fact]
    public void Reverse_flips_each_sequence_within_its_own_length_and_zeroes_the_rest()
    {
        var source = Rows3x2();
        var reversed = new float[source.Length];
        reversed.AsSpan().Fill(99f);

        Sequences.Reverse(source, 2, reversed, 2, 2, new[] { 3, 2 }, steps: 3, batch: 2, accumulate: false);

        // Sequence 0 (length 3): t0 ← t2, t1 ← t1, t2 ← t0. Sequence 1 (length 2): t0 ← t1, t1 ← t0, t2 = 0.
        Assert.Equal(new[] { 20f, 20.5f, 11f, 11.5f, 10f, 10.5f, 1f, 1.5f, 0f, 0.5f, 0f, 0f }, reversed);

        var back = new float[source.Length];
        Sequences.Reverse(reversed, 2, back, 2, 2, new[] { 3, 2 }, 3, 2, accumulate: false);
        Assert.Equal(new[] { 0f, 0.5f, 1f, 1.5f, 10f, 10.5f, 11f, 11.5f, 20f, 20.5f, 0f, 0f }, back);
    }

    [Fact]
    public void Reverse_without_lengths_flips_whole_steps_and_can_write_into_a_wider_row()
    {
        var source = Rows3x2();
        var wide = new float[3 * 2 * 4];
        Sequences.Reverse(source, 2, wide.AsSpan(2), 4, 2, ReadOnlySpan<int>.Empty, 3, 2, accumulate: false);
        Assert.Equal(new[] { 0f, 0f, 20f, 20.5f }, wide[..4]);
        Assert.Equal(new[] { 0f, 0f, 1f, 1.5f }, wide[^4..]);

        Sequences.Reverse(source, 2, wide.AsSpan(2), 4, 2, ReadOnlySpan<int>.Empty, 3, 2, accumulate: true);
        Assert.Equal(new[] { 0f, 0f, 40f, 41f }, wide[..4]);
    }

    [Fact]
    public void Accumulating_reverse_leaves_padded_rows_alone()
    {
        var source = Rows3x2();
        var target = Enumerable.Repeat(1f, source.Length).ToArray();
        Sequences.Reverse(source, 2, target, 2, 2, new[] { 1, 2 }, 3, 2, accumulate: true);
        Assert.Equal(new[] { 1f, 1.5f, 12f, 12.5f, 1f, 1f, 2f, 2.5f, 1f, 1f, 1f, 1f }, target);
    }

    [Fact]
    public void Masks_act_on_ended_sequences_only()
    {
        int[] lengths = { 2, 1, 3 };
        var rows = Enumerable.Range(1, 6).Select(i => (float)i).ToArray(); // [B = 3, width = 2]
        Sequences.ZeroEnded(rows, lengths, step: 1, width: 2);
        Assert.Equal(new[] { 1f, 2f, 0f, 0f, 5f, 6f }, rows);
        Sequences.ZeroEnded(rows, ReadOnlySpan<int>.Empty, step: 5, width: 2);
        Assert.Equal(new[] { 1f, 2f, 0f, 0f, 5f, 6f }, rows);

        var kept = new float[6];
        Sequences.CopyEnded(new[] { 1f, 2, 3, 4, 5, 6 }, kept, lengths, step: 2, width: 2);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 0f, 0f }, kept);

        var sequence = Enumerable.Repeat(1f, 3 * 3).ToArray(); // [T = 3, B = 3, 1]
        Sequences.ZeroPadding(sequence, lengths, steps: 3, batch: 3, width: 1);
        Assert.Equal(new[] { 1f, 1f, 1f, 1f, 0f, 1f, 0f, 0f, 1f }, sequence);
    }

    [Fact]
    public void Last_states_are_read_at_each_sequences_own_end()
    {
        // states [T+1 = 4, B = 2, 1]: entry t holds 10·t + b.
        var states = Enumerable.Range(0, 4).SelectMany(t => new[] { 10f * t, (10f * t) + 1 }).ToArray();
        var last = new float[2];
        Sequences.LastStates(states, last, new[] { 1, 3 }, steps: 3, batch: 2, width: 1);
        Assert.Equal(new[] { 10f, 31f }, last);
        Sequences.LastStates(states, last, ReadOnlySpan<int>.Empty, 3, 2, 1);
        Assert.Equal(new[] { 30f, 31f }, last);
    }

    [Fact]
    public void Copy_rows_moves_a_half_of_a_wide_row_and_checks_its_spans()
    {
        var wide = new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }; // [2 rows, 4]
        var half = new float[4];
        Sequences.CopyRows(wide.AsSpan(2), 4, half, 2, 2, rows: 2);
        Assert.Equal(new[] { 3f, 4f, 7f, 8f }, half);
        Assert.Throws<ArgumentException>(() => Sequences.CopyRows(wide, 4, new float[3], 2, 2, rows: 2));
        Assert.Throws<ArgumentException>(() => Sequences.CopyRows(wide, 2, half, 2, 3, rows: 2));
    }

    [Fact]
    public void Cross_entropy_over_valid_steps_skips_padded_rows_and_their_targets()
    {
        // [T = 2, B = 2, 2 classes]; sequence 1 has one step, its padded target −7 is never read.
        float[] p = { 0.25f, 0.75f, 0.5f, 0.5f, 0.9f, 0.1f, 0.3f, 0.7f };
        int[] targets = { 1, 0, 0, -7 };
        var d = Enumerable.Repeat(5f, 8).ToArray();

        float loss = Losses.SoftmaxCrossEntropy(p, targets, new[] { 2, 1 }, steps: 2, batch: 2, classes: 2, d);

        double expected = -(Math.Log(0.75) + Math.Log(0.5) + Math.Log(0.9)) / 3;
        Assert.Equal(expected, loss, 6);
        Assert.Equal(new[] { 0.25f / 3, (0.75f - 1) / 3, (0.5f - 1) / 3, 0.5f / 3, (0.9f - 1) / 3, 0.1f / 3, 0f, 0f }, d, new ToleranceComparer(1e-6f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Losses.SoftmaxCrossEntropy(p, new[] { 1, 0, 2, 0 }, new[] { 2, 1 }, 2, 2, 2, d));
        Assert.Equal(Losses.SoftmaxCrossEntropy(p, new[] { 1, 0, 0, 1 }, 4, 2, default), Losses.SoftmaxCrossEntropy(p, new[] { 1, 0, 0, 1 }, ReadOnlySpan<int>.Empty, 2, 2, 2, default));
    }

    [Fact]
    public void Squared_error_over_valid_steps_divides_by_the_valid_values()
    {
        // [T = 2, B = 2, 1]; sequence 0 has one step, its padded target NaN is never read.
        float[] y = { 1f, 2f, 3f, 4f };
        float[] target = { 0f, 0f, float.NaN, 1f };
        var d = new float[4];

        float loss = Losses.MeanSquaredError(y, target, new[] { 1, 2 }, steps: 2, batch: 2, features: 1, d);

        Assert.Equal((1 + 4 + 9) / 3f, loss, 6);
        Assert.Equal(new[] { 2f / 3, 4f / 3, 0f, 6f / 3 }, d, new ToleranceComparer(1e-6f));
    }

    [Fact]
    public void The_lengths_check_names_the_bad_sequence()
    {
        ShapeCheck.Lengths(new[] { 1, 4 }, batch: 2, steps: 4, "lengths");
        var e = Assert.Throws<ArgumentException>(() => ShapeCheck.Lengths(new[] { 1, 5 }, 2, 4, "lengths"));
        Assert.Equal("lengths", e.ParamName);
        Assert.Contains("Sequence 1 has length 5; every length must be between 1 and the number of steps, 4.", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => ShapeCheck.Lengths(new[] { 1 }, 2, 4, "lengths"));
        Assert.Contains("Expected 2 sequence lengths", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reference_reverse_direction_is_the_forward_recurrence_on_the_flipped_sequence()
    {
        const int I = 3, H = 4, T = 4, B = 2;
        var random = new SeededRandom(31);
        var w = new GruWeights(I, H, true, Random(3 * H * I, ref random), Random(3 * H * H, ref random), Random(3 * H, ref random), Random(3 * H, ref random));
        var x = Random(T * B * I, ref random);
        var h0 = Random(B * H, ref random);
        int[] lengths = { 4, 2 };

        var (reverse, reverseFinal) = ReferenceGru.Forward(w, x, h0, T, B, lengths, reverse: true);

        for (int b = 0; b < B; b++)
        {
            // Sequence b alone, read back to front.
            int length = lengths[b];
            var flipped = new float[length * I];
            for (int t = 0; t < length; t++)
            {
                x.AsSpan((((length - 1 - t) * B) + b) * I, I).CopyTo(flipped.AsSpan(t * I));
            }

            var (y, final) = ReferenceGru.Forward(w, flipped, h0.AsSpan(b * H, H).ToArray(), length, 1);
            for (int t = 0; t < T; t++)
            {
                var row = reverse.AsSpan(((t * B) + b) * H, H).ToArray();
                Assert.Equal(t < length ? y.AsSpan((length - 1 - t) * H, H).ToArray() : new float[H], row);
            }

            Assert.Equal(final, reverseFinal.AsSpan(b * H, H).ToArray());
        }
    }

    [Fact]
    public void The_reference_with_every_sequence_at_full_length_is_the_plain_reference()
    {
        const int I = 2, H = 3, T = 3, B = 2;
        var random = new SeededRandom(32);
        var w = new ElmanWeights(I, H, Random(H * I, ref random), Random(H * H, ref random), Random(H, ref random), Random(H, ref random), RnnActivation.Tanh);
        var x = Random(T * B * I, ref random);
        var h0 = Random(B * H, ref random);
        var dy = Random(T * B * H, ref random);
        var dFinal = Random(B * H, ref random);

        var plain = ReferenceElman.Backward(w, x, h0, T, B, dy, dFinal);
        var full = ReferenceElman.Backward(w, x, h0, T, B, dy, dFinal, new[] { T, T }, reverse: false);

        Assert.Equal(plain.Input, full.Input, new ToleranceComparer(1e-6f));
        Assert.Equal(plain.WeightHh, full.WeightHh, new ToleranceComparer(1e-6f));
        Assert.Equal(plain.InitialState, full.InitialState, new ToleranceComparer(1e-6f));
        Assert.Equal(ReferenceElman.Forward(w, x, h0, T, B).Output, ReferenceElman.Forward(w, x, h0, T, B, null, reverse: false).Output);
    }

    private static float[] Random(int length, ref SeededRandom random)
    {
        var values = new float[length];
        random.FillUniform(values, 1f);
        return values;
    }

    private sealed class ToleranceComparer : System.Collections.Generic.IEqualityComparer<float>
    {
        private readonly float _tolerance;

        public ToleranceComparer(float tolerance) => _tolerance = tolerance;

        public bool Equals(float x, float y) => Math.Abs(x - y) <= _tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
