using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace RnnGen.Tests.Runtime;

/// <summary>
/// The vectorised kernels against naive double-precision loops: every GEMM form over many shapes, both with and
/// without accumulation, through the public dispatch and through each register width directly; the activations
/// over dense sweeps with their error bounds; the row and column reductions over odd lengths.
/// </summary>
public sealed class FastKernelTests
{
    // Sizes that straddle every register width (4, 8, 16 lanes), the 4×4 tiles and the 64-column panels.
    private static readonly int[] SmallSizes = { 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 65 };

    // Written after C's m·n elements: a kernel writing past its output is caught by the sentinel changing.
    private const float Sentinel = 12345.5f;

    private readonly ITestOutputHelper _output;

    public FastKernelTests(ITestOutputHelper output) => _output = output;

    public enum Form
    {
        NT,
        NN,
        TN,
    }

    public enum Width
    {
        Scalar = 1,
        V128 = 4,
        V256 = 8,
        V512 = 16,
    }

    public static IEnumerable<object[]> Forms => Enum.GetValues<Form>().Select(f => new object[] { f });

    /// <summary>Every width this CPU runs natively, plus the scalar fallback (listed, never skipped).</summary>
    public static IEnumerable<object[]> Widths
    {
        get
        {
            yield return new object[] { Width.Scalar };
            if (Vector128.IsHardwareAccelerated)
            {
                yield return new object[] { Width.V128 };
            }

            if (Vector256.IsHardwareAccelerated)
            {
                yield return new object[] { Width.V256 };
            }

            if (Vector512.IsHardwareAccelerated)
            {
                yield return new object[] { Width.V512 };
            }
        }
    }

    public static IEnumerable<object[]> FormsAndWidths =>
        from f in Forms from w in Widths select new object[] { f[0], w[0] };

    // ---------------------------------------------------------------- GEMM, exact

    // Entries are multiples of 1/8 in [−2, 2]: every product is a multiple of 1/64 and every partial sum stays below
    // 2^24/64 in magnitude for k ≤ 4096, so float arithmetic is exact in any summation order and the kernels must
    // match the double loop bit for bit. A wrong index, a dropped or doubled term shows as a mismatch.

    [Theory]
    [MemberData(nameof(Forms))]
    public void Gemm_AllSmallShapes_AreExact(Form form)
    {
        var random = new Random(17 + (int)form);
        int products = 0;
        foreach (int m in SmallSizes)
        {
            foreach (int n in SmallSizes)
            {
                foreach (int k in SmallSizes)
                {
                    bool accumulate = ((m + n + k) & 1) == 0;
                    CheckExact(form, m, n, k, accumulate, random, width: null);
                    products++;
                }
            }
        }

        Assert.Equal(SmallSizes.Length * SmallSizes.Length * SmallSizes.Length, products);
    }

    [Theory]
    [InlineData(20, 800, 200)] // per-step recurrent product of the language model
    [InlineData(33, 800, 200)]
    [InlineData(65, 200, 800)] // dx = dz·W shapes
    [InlineData(130, 200, 301)] // more than one row block (64) and k chunk (128) in NN/TN
    [InlineData(9, 70, 1031)] // more than one k chunk (1024) in NT
    [InlineData(200, 65, 17)]
    [InlineData(1, 800, 200)] // batch 1
    [InlineData(800, 1, 200)]
    [InlineData(1, 1, 800)]
    [InlineData(70, 520, 33)] // NT with B packed in panels of 128 columns, the last one widened to 136
    [InlineData(1030, 70, 140)] // several row blocks with leftover rows
    public void Gemm_LargerShapes_AreExact(int m, int n, int k)
    {
        var random = new Random((m * 31) + (n * 7) + k);
        foreach (var form in Enum.GetValues<Form>())
        {
            CheckExact(form, m, n, k, accumulate: false, random, width: null);
            CheckExact(form, m, n, k, accumulate: true, random, width: null);
        }
    }

    [Theory]
    [MemberData(nameof(FormsAndWidths))]
    public void Gemm_EachRegisterWidth_IsExact(Form form, Width width)
    {
        // The kernel of a width needs the reduced dimension (k for NT, n for NN/TN) to fill one register.
        int lanes = (int)width;
        int[] reduced = { lanes, lanes + 1, (2 * lanes) - 1, (3 * lanes) + 5, 67 };
        int[] other = { 1, 3, 4, 5, 9, 17 };
        var random = new Random(5 + lanes);
        foreach (int r in reduced)
        {
            foreach (int x in other)
            {
                foreach (int y in other)
                {
                    foreach (bool accumulate in new[] { false, true })
                    {
                        if (form == Form.NT)
                        {
                            CheckExact(form, x, y, r, accumulate, random, width);
                        }
                        else
                        {
                            CheckExact(form, x, r, y, accumulate, random, width);
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Gemm_PackedNT_EachRegisterWidth_IsExact(Width width)
    {
        int lanes = (int)width;
        var random = new Random(23 + lanes);
        foreach (int m in new[] { 1, 5, 67 })
        {
            foreach (int n in new[] { lanes, lanes + 3, 300, 520 })
            {
                foreach (int k in new[] { 1, 7, 130 })
                {
                    CheckExact(Form.NT, m, n, k, accumulate: (m + n + k) % 2 == 0, random, width, packed: true);
                }
            }
        }
    }

    [Fact]
    public void Kernels_AfterFirstCallOnThread_AllocateNothing()
    {
        // The packed A·Bᵀ path allocates its per-thread panel buffer once; nothing else may allocate.
        var a = new float[100 * 70];
        var b = new float[80 * 70];
        var c = new float[100 * 80];
        var x = new float[1000];
        void All()
        {
            Gemm.MatMulNT(a, b, c, 100, 80, 70, accumulate: false); // packed
            Gemm.MatMulNT(a, b, c, 20, 80, 70, accumulate: true); // dot tiles
            Gemm.MatMulNN(a, b, c, 100, 80, 70, accumulate: false);
            Gemm.MatMulTN(a, b, c, 70, 56, 100, accumulate: true);
            Activations.Tanh(x);
            Activations.Sigmoid(x);
            Activations.SoftmaxRows(x, 10, 100);
            Activations.TanhBackward(a.AsSpan(0, 1000), x);
            Vec.AddColumnSums(a, 100, x.AsSpan(0, 70));
        }

        All();
        long before = GC.GetAllocatedBytesForCurrentThread();
        All();
        All();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Gemm_EmptySum_ClearsOrKeepsC()
    {
        var c = new[] { 1f, 2f, 3f, 4f, 5f, 6f, Sentinel };
        Gemm.MatMulNT(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 3, 0, accumulate: true);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f, Sentinel }, c);
        Gemm.MatMulNN(ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, c, 2, 3, 0, accumulate: false);
        Assert.Equal(new[] { 0f, 0f, 0f, 0f, 0f, 0f, Sentinel }, c);
    }

    [Fact]
    public void Gemm_ShortSpans_Throw()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[4];
        Assert.Throws<ArgumentException>(() => Gemm.MatMulNT(a, b, c, 2, 2, 4, accumulate: false));
        Assert.Throws<ArgumentException>(() => Gemm.MatMulNN(a, b, c, 2, 3, 3, accumulate: false));
        Assert.Throws<ArgumentException>(() => Gemm.MatMulTN(a, b, c, 2, 2, 4, accumulate: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MatMulTN(a, b, c, -1, 2, 2, accumulate: false));
    }

    // ---------------------------------------------------------------- GEMM, rounding

    /// <summary>
    /// Real-valued inputs in [−1, 1]: the kernels must stay within float rounding of the double loop. Each of the k
    /// additions rounds by at most u = 2⁻²⁴ of a partial sum; with random signs the partial sums are about √k·M/3 and
    /// the roundings add like a random walk, giving an error of order u·k·M/3 (M = max|a|·max|b|). The tolerance
    /// 1e-5·√k·M is above that for k ≤ 28 000 (√k ≤ 1e-5/u), while one wrong or missing term costs about M/3.
    /// </summary>
    [Theory]
    [InlineData(20, 800, 200)]
    [InlineData(17, 200, 800)]
    [InlineData(33, 65, 1031)]
    [InlineData(100, 300, 200)] // NT through the packed path
    [InlineData(3, 7, 5)]
    public void Gemm_RandomReals_WithinFloatRounding(int m, int n, int k)
    {
        var random = new Random(m + n + k);
        foreach (var form in Enum.GetValues<Form>())
        {
            var a = Enumerable.Range(0, m * k).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            var b = Enumerable.Range(0, n * k).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            var c = new float[m * n];
            Run(form, a, b, c, m, n, k, accumulate: false, width: null);
            var expected = Naive(form, a, b, null, m, n, k);
            double scale = a.Max(Math.Abs) * (double)b.Max(Math.Abs);
            double tolerance = 1e-5 * Math.Sqrt(k) * scale;
            double worst = 0;
            for (int i = 0; i < c.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(c[i] - expected[i]));
            }

            _output.WriteLine($"{form} [{m}, {n}, {k}]: max |error| {worst:E2} (tolerance {tolerance:E2})");
            Assert.True(worst <= tolerance, $"{form} [{m}, {n}, {k}]: max |error| {worst:E2} > {tolerance:E2}");
        }
    }

    private static void CheckExact(Form form, int m, int n, int k, bool accumulate, Random random, Width? width, bool packed = false)
    {
        int sizeA = m * k, sizeB = n * k;

        // Operands are longer than needed, with NaN after the used part: reading it into any sum would show.
        var a = new float[sizeA + 5];
        var b = new float[sizeB + 3];
        FillDyadic(a.AsSpan(0, sizeA), random);
        FillDyadic(b.AsSpan(0, sizeB), random);
        a.AsSpan(sizeA).Fill(float.NaN);
        b.AsSpan(sizeB).Fill(float.NaN);
        var c = new float[(m * n) + 4];
        FillDyadic(c.AsSpan(0, m * n), random);
        c.AsSpan(m * n).Fill(Sentinel);
        var initial = c.AsSpan(0, m * n).ToArray();

        Run(form, a, b, c, m, n, k, accumulate, width, packed);

        var expected = Naive(form, a, b, accumulate ? initial : null, m, n, k);
        for (int i = 0; i < m * n; i++)
        {
            if (c[i] != expected[i])
            {
                Assert.Fail($"{form} [m {m}, n {n}, k {k}], accumulate {accumulate}, width {width?.ToString() ?? "dispatched"}: " +
                    $"C[{i / n}, {i % n}] = {c[i]:R}, expected {expected[i]:R}.");
            }
        }

        for (int i = m * n; i < c.Length; i++)
        {
            Assert.True(c[i] == Sentinel, $"{form} [m {m}, n {n}, k {k}]: wrote past C (element {i}).");
        }
    }

    private static void FillDyadic(Span<float> values, Random random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.Next(-16, 17) / 8f;
        }
    }

    private static void Run(Form form, float[] a, float[] b, float[] c, int m, int n, int k, bool accumulate, Width? width, bool packed = false)
    {
        if (width is null)
        {
            switch (form)
            {
                case Form.NT: Gemm.MatMulNT(a, b, c, m, n, k, accumulate); break;
                case Form.NN: Gemm.MatMulNN(a, b, c, m, n, k, accumulate); break;
                default: Gemm.MatMulTN(a, b, c, m, n, k, accumulate); break;
            }

            return;
        }

        if (form == Form.NT && packed)
        {
            switch (width.Value)
            {
                case Width.V512: GemmPackedKernels.MatMulNT<Simd512, Vector512<float>>(ref a[0], ref b[0], ref c[0], n, m, n, k, accumulate); break;
                case Width.V256: GemmPackedKernels.MatMulNT<Simd256, Vector256<float>>(ref a[0], ref b[0], ref c[0], n, m, n, k, accumulate); break;
                case Width.V128: GemmPackedKernels.MatMulNT<Simd128, Vector128<float>>(ref a[0], ref b[0], ref c[0], n, m, n, k, accumulate); break;
                default: GemmPackedKernels.MatMulNT<SimdScalar, float>(ref a[0], ref b[0], ref c[0], n, m, n, k, accumulate); break;
            }

            return;
        }

        if (form == Form.NT)
        {
            switch (width.Value)
            {
                case Width.V512: GemmDotKernels.MatMulNT<Simd512, Vector512<float>>(ref a[0], ref b[0], ref c[0], n, m, n, k, accumulate); break;
                case Width.V256: GemmDotKernels.MatMulNT<Simd256, Vector256<float>>(ref a[0], ref b[0], ref c[0], n, m, n, k, accumulate); break;
                case Width.V128: GemmDotKernels.MatMulNT<Simd128, Vector128<float>>(ref a[0], ref b[0], ref c[0], n, m, n, k, accumulate); break;
                default: GemmDotKernels.MatMulNT<SimdScalar, float>(ref a[0], ref b[0], ref c[0], n, m, n, k, accumulate); break;
            }

            return;
        }

        // NN: Â(i, p) = A[i, p]; TN: Â(i, p) = A[p, i].
        nint rowStride = form == Form.NN ? k : 1;
        nint colStride = form == Form.NN ? 1 : m;
        switch (width.Value)
        {
            case Width.V512: GemmOuterKernels.Run<Simd512, Vector512<float>>(ref a[0], rowStride, colStride, ref b[0], ref c[0], m, n, k, accumulate); break;
            case Width.V256: GemmOuterKernels.Run<Simd256, Vector256<float>>(ref a[0], rowStride, colStride, ref b[0], ref c[0], m, n, k, accumulate); break;
            case Width.V128: GemmOuterKernels.Run<Simd128, Vector128<float>>(ref a[0], rowStride, colStride, ref b[0], ref c[0], m, n, k, accumulate); break;
            default: GemmOuterKernels.Run<SimdScalar, float>(ref a[0], rowStride, colStride, ref b[0], ref c[0], m, n, k, accumulate); break;
        }
    }

    /// <summary>The textbook triple loop in double; <paramref name="initial"/> is added when accumulating.</summary>
    private static double[] Naive(Form form, float[] a, float[] b, float[]? initial, int m, int n, int k)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = initial is null ? 0 : initial[(i * n) + j];
                for (int p = 0; p < k; p++)
                {
                    double x = form == Form.TN ? a[(p * m) + i] : a[(i * k) + p];
                    double y = form == Form.NT ? b[(j * k) + p] : b[(p * n) + j];
                    sum += x * y;
                }

                c[(i * n) + j] = sum;
            }
        }

        return c;
    }

    // ---------------------------------------------------------------- activations: accuracy sweeps

    // The bounds below are the measured maxima (7.1e-8, 8.9e-8; documented in Activations and FastMath) rounded up.
    private const double TanhMaxAbsoluteError = 8e-8;
    private const double SigmoidMaxAbsoluteError = 1e-7;

    [Theory]
    [MemberData(nameof(Widths))]
    public void Tanh_DenseSweep_WithinBound(Width width)
    {
        var x = Sweep();
        var y = x.ToArray();
        ApplyWithWidth<Activations.TanhOperator>(y, width);
        double worstAbsolute = 0, worstRelativeNearZero = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Tanh(x[i]);
            double error = Math.Abs(y[i] - exact);
            worstAbsolute = Math.Max(worstAbsolute, error);
            if (Math.Abs(x[i]) < 0.625 && x[i] != 0)
            {
                worstRelativeNearZero = Math.Max(worstRelativeNearZero, error / Math.Abs(exact));
            }
        }

        _output.WriteLine($"tanh ({width}): max |error| {worstAbsolute:E3}, max relative error for |x| < 0.625 {worstRelativeNearZero:E3} over {x.Length} points");
        Assert.True(worstAbsolute <= TanhMaxAbsoluteError, $"tanh: max |error| {worstAbsolute:E3}");

        // Near 0 the odd polynomial keeps relative precision (a formula through e^{2x} would lose it).
        Assert.True(worstRelativeNearZero <= 8e-8, $"tanh: max relative error near 0 {worstRelativeNearZero:E3}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Sigmoid_DenseSweep_WithinBound(Width width)
    {
        var x = Sweep();
        var y = x.ToArray();
        ApplyWithWidth<Activations.SigmoidOperator>(y, width);
        double worstAbsolute = 0, worstRelative = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = 1 / (1 + Math.Exp(-(double)x[i]));
            double error = Math.Abs(y[i] - exact);
            worstAbsolute = Math.Max(worstAbsolute, error);

            // Below x = −87 the result is flushed to 0 (e^{−87} is near the smallest normal float).
            if (x[i] > -87f)
            {
                worstRelative = Math.Max(worstRelative, error / exact);
            }
        }

        _output.WriteLine($"sigmoid ({width}): max |error| {worstAbsolute:E3}, max relative error {worstRelative:E3} over {x.Length} points");
        Assert.True(worstAbsolute <= SigmoidMaxAbsoluteError, $"sigmoid: max |error| {worstAbsolute:E3}");

        // e^{−|x|}/(1 + e^{−|x|}) keeps small outputs (x ≪ 0) relatively precise too.
        Assert.True(worstRelative <= 2e-7, $"sigmoid: max relative error {worstRelative:E3}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Exp_DenseSweep_RelativeErrorWithinBound(Width width)
    {
        var x = new float[((int)((88.0 + 87.0) / 1e-3)) + 1];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)(-87.0 + (i * 1e-3));
        }

        var y = x.ToArray();
        ApplyWithWidth<ExpOperator>(y, width);
        double worst = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Exp(x[i]);
            worst = Math.Max(worst, Math.Abs(y[i] - exact) / exact);
        }

        _output.WriteLine($"exp ({width}): max relative error {worst:E3} over [-87, 88]");
        Assert.True(worst <= 1e-7, $"exp: max relative error {worst:E3}");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Activations_Extremes_SaturateAndPropagateNaN(Width width)
    {
        float[] x = { 50f, -50f, float.PositiveInfinity, float.NegativeInfinity, float.NaN, -0f, 1e-30f, -float.Epsilon, float.MaxValue, -float.MaxValue, 9.5f, -100f, 100f, -87.5f, 88.5f, 0f };
        var tanh = x.ToArray();
        ApplyWithWidth<Activations.TanhOperator>(tanh, width);
        Assert.Equal(1f, tanh[0]);
        Assert.Equal(-1f, tanh[1]);
        Assert.Equal(1f, tanh[2]);
        Assert.Equal(-1f, tanh[3]);
        Assert.True(float.IsNaN(tanh[4]));
        Assert.True(tanh[5] == 0f && float.IsNegative(tanh[5]), "tanh(−0) = −0");
        Assert.Equal(1e-30f, tanh[6]);
        Assert.Equal(-float.Epsilon, tanh[7]);
        Assert.Equal(1f, tanh[8]);
        Assert.Equal(-1f, tanh[9]);
        Assert.Equal(1f, tanh[10]);

        var sigmoid = x.ToArray();
        ApplyWithWidth<Activations.SigmoidOperator>(sigmoid, width);
        Assert.Equal(1f, sigmoid[0]);
        Assert.True(sigmoid[1] > 0 && Math.Abs(sigmoid[1] - Math.Exp(-50)) <= 3e-7 * Math.Exp(-50), $"σ(−50) = {sigmoid[1]:R}");
        Assert.Equal(1f, sigmoid[2]);
        Assert.Equal(0f, sigmoid[3]);
        Assert.True(float.IsNaN(sigmoid[4]));
        Assert.Equal(0.5f, sigmoid[5]);
        Assert.Equal(0f, sigmoid[11]);
        Assert.Equal(1f, sigmoid[12]);
        Assert.True(sigmoid[13] >= 0f && sigmoid[13] < 1e-37f);
        Assert.Equal(1f, sigmoid[14]);

        var relu = x.ToArray();
        ApplyWithWidth<Activations.ReluOperator>(relu, width);
        Assert.Equal(new[] { 50f, 0f, float.PositiveInfinity, 0f }, relu.Take(4));
        Assert.True(float.IsNaN(relu[4]));
        Assert.Equal(0f, relu[11]);
    }

    [Fact]
    public void SigmoidOf_MatchesSpanVersion()
    {
        var x = Sweep();
        var y = x.ToArray();
        Activations.Sigmoid(y);
        for (int i = 0; i < x.Length; i += 97)
        {
            Assert.Equal(y[i], Activations.SigmoidOf(x[i]));
        }
    }

    /// <summary>[−20, 20] in steps of 1e-4, then the values around the branch points and the extremes of the range.</summary>
    private static float[] Sweep()
    {
        var values = new List<float>(400_100);
        for (int i = -200_000; i <= 200_000; i++)
        {
            values.Add((float)(i * 1e-4));
        }

        foreach (float point in new[] { 0.625f, -0.625f, 9f, -9f, 87f, -87f, 88f, -88f })
        {
            float up = point, down = point;
            for (int i = 0; i < 50; i++)
            {
                values.Add(up);
                values.Add(down);
                up = MathF.BitIncrement(up);
                down = MathF.BitDecrement(down);
            }
        }

        values.AddRange(new[] { 1e-3f, 1e-8f, 1e-20f, 1e-38f, float.Epsilon, -float.Epsilon, 30f, -30f, 1000f, -1000f });
        return values.ToArray();
    }

    private static void ApplyWithWidth<TOperator>(float[] x, Width width)
        where TOperator : struct, Activations.IUnaryOperator
    {
        // Each width needs the span to fill one register; all sweeps are long enough.
        switch (width)
        {
            case Width.V512: Activations.Map<TOperator, Simd512, Vector512<float>>(ref x[0], x.Length); break;
            case Width.V256: Activations.Map<TOperator, Simd256, Vector256<float>>(ref x[0], x.Length); break;
            case Width.V128: Activations.Map<TOperator, Simd128, Vector128<float>>(ref x[0], x.Length); break;
            default: Activations.Map<TOperator, SimdScalar, float>(ref x[0], x.Length); break;
        }
    }

    private readonly struct ExpOperator : Activations.IUnaryOperator
    {
        public static TVec Apply<TOps, TVec>(TVec x)
            where TOps : struct, ISimdFloat<TVec>
            where TVec : struct => FastMath.Exp<TOps, TVec>(x);
    }

    // ---------------------------------------------------------------- activations through the public API, every length

    [Fact]
    public void ElementwiseActivations_EveryLength_MatchDouble()
    {
        var random = new Random(3);
        for (int n = 0; n <= 70; n++)
        {
            var x = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 12) - 6)).ToArray();
            var dy = Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();

            var tanh = WithTail(x);
            Activations.Tanh(tanh.AsSpan(0, n));
            AssertTail(tanh, n, "Tanh");
            var sigmoid = WithTail(x);
            Activations.Sigmoid(sigmoid.AsSpan(0, n));
            AssertTail(sigmoid, n, "Sigmoid");
            var relu = WithTail(x);
            Activations.Relu(relu.AsSpan(0, n));
            AssertTail(relu, n, "Relu");

            var dTanh = WithTail(dy);
            Activations.TanhBackward(tanh.AsSpan(0, n), dTanh.AsSpan(0, n));
            AssertTail(dTanh, n, "TanhBackward");
            var dSigmoid = WithTail(dy);
            Activations.SigmoidBackward(sigmoid.AsSpan(0, n), dSigmoid.AsSpan(0, n));
            AssertTail(dSigmoid, n, "SigmoidBackward");
            var dRelu = WithTail(dy);
            Activations.ReluBackward(relu.AsSpan(0, n), dRelu.AsSpan(0, n));
            AssertTail(dRelu, n, "ReluBackward");

            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(tanh[i] - Math.Tanh(x[i])) <= TanhMaxAbsoluteError, $"tanh n={n} i={i}");
                Assert.True(Math.Abs(sigmoid[i] - (1 / (1 + Math.Exp(-(double)x[i])))) <= SigmoidMaxAbsoluteError, $"σ n={n} i={i}");
                Assert.Equal(Math.Max(0f, x[i]), relu[i]);

                // Backward rules in double from the same float outputs; one or two float roundings apart.
                double yt = tanh[i], ys = sigmoid[i];
                Assert.True(Math.Abs(dTanh[i] - (dy[i] * (1 - (yt * yt)))) <= 1.2e-7, $"tanh' n={n} i={i}");
                Assert.True(Math.Abs(dSigmoid[i] - (dy[i] * ys * (1 - ys))) <= 6e-8, $"σ' n={n} i={i}");
                Assert.Equal(relu[i] > 0 ? dy[i] : 0f, dRelu[i]);
            }
        }
    }

    [Fact]
    public void Backward_MismatchedLengths_Throw()
    {
        Assert.Throws<ArgumentException>(() => Activations.TanhBackward(new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => Activations.SigmoidBackward(new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => Activations.ReluBackward(new float[1], new float[2]));
    }

    // ---------------------------------------------------------------- softmax

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(2, 3)]
    [InlineData(5, 4)]
    [InlineData(4, 7)]
    [InlineData(3, 8)]
    [InlineData(3, 15)]
    [InlineData(2, 16)]
    [InlineData(3, 17)]
    [InlineData(2, 33)]
    [InlineData(2, 65)]
    [InlineData(2, 10_000)]
    public void SoftmaxRows_MatchDouble(int rows, int cols)
    {
        var random = new Random(rows * cols);
        var x = Enumerable.Range(0, rows * cols).Select(_ => (float)((random.NextDouble() * 40) - 20)).ToArray();
        if (cols > 2)
        {
            x[1] = float.NegativeInfinity; // a masked-out logit: probability exactly 0
            x[cols - 1] = -1000f;
        }

        var p = WithTail(x);
        Activations.SoftmaxRows(p, rows, cols);
        AssertTail(p, rows * cols, "SoftmaxRows");

        // x − max rounds by up to u·|x − max| (u = 6e-8), which exp turns into that relative error; exp itself is within
        // 1e-7 (measured 8.1e-8), allowed 2.5e-7 here; the row sum runs per lane, at most cols/4 float additions of positive terms (each rounding by ≤ u of
        // the sum); then 1/sum and the product round once each.
        double rowRelative = 2.5e-7 + ((cols / 4.0) * 6e-8) + 1.2e-7;
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < cols; j++)
            {
                max = Math.Max(max, x[(r * cols) + j]);
            }

            double sum = 0;
            for (int j = 0; j < cols; j++)
            {
                sum += Math.Exp(x[(r * cols) + j] - max);
            }

            for (int j = 0; j < cols; j++)
            {
                double exact = Math.Exp(x[(r * cols) + j] - max) / sum;
                float actual = p[(r * cols) + j];
                double relative = rowRelative + (Math.Abs(x[(r * cols) + j] - max) * 6e-8);
                double allowed = exact == 0 ? 0 : (relative * exact) + 1e-38;
                Assert.True(Math.Abs(actual - exact) <= allowed, $"softmax [{rows}, {cols}] row {r} col {j}: {actual:R} vs {exact:R}");
            }
        }

        if (cols > 2)
        {
            Assert.Equal(0f, p[1]);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(2, 17)]
    [InlineData(2, 100)]
    public void SoftmaxRowsBackward_MatchesDouble(int rows, int cols)
    {
        var random = new Random(rows + cols);
        var x = Enumerable.Range(0, rows * cols).Select(_ => (float)((random.NextDouble() * 6) - 3)).ToArray();
        var p = x.ToArray();
        Activations.SoftmaxRows(p, rows, cols);
        var dp = Enumerable.Range(0, rows * cols).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var dx = WithTail(dp);
        Activations.SoftmaxRowsBackward(p, dx, rows, cols);
        AssertTail(dx, rows * cols, "SoftmaxRowsBackward");
        for (int r = 0; r < rows; r++)
        {
            double dot = 0;
            for (int j = 0; j < cols; j++)
            {
                dot += (double)p[(r * cols) + j] * dp[(r * cols) + j];
            }

            for (int j = 0; j < cols; j++)
            {
                int i = (r * cols) + j;
                double exact = p[i] * (dp[i] - dot);
                Assert.True(Math.Abs(dx[i] - exact) <= 1e-6, $"softmax backward [{rows}, {cols}] element {i}: {dx[i]:R} vs {exact:R}");
            }
        }
    }

    // ---------------------------------------------------------------- Vec

    [Fact]
    public void AddColumnSums_EveryWidth_Exact()
    {
        var random = new Random(11);
        foreach (int cols in new[] { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 200, 800 })
        {
            foreach (int rows in new[] { 0, 1, 2, 5, 400 })
            {
                var x = new float[(rows * cols) + 3];
                FillDyadic(x.AsSpan(0, rows * cols), random);
                x.AsSpan(rows * cols).Fill(float.NaN);
                var sum = new float[cols + 2];
                FillDyadic(sum.AsSpan(0, cols), random);
                sum[cols] = sum[cols + 1] = Sentinel;
                var expected = sum.Take(cols).Select(v => (double)v).ToArray();
                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < cols; j++)
                    {
                        expected[j] += x[(r * cols) + j];
                    }
                }

                Vec.AddColumnSums(x, rows, sum.AsSpan(0, cols));
                for (int j = 0; j < cols; j++)
                {
                    Assert.True(sum[j] == expected[j], $"AddColumnSums [{rows}, {cols}] column {j}: {sum[j]:R} vs {expected[j]:R}");
                }

                Assert.Equal(Sentinel, sum[cols]);
            }
        }
    }

    [Fact]
    public void Scale_EveryLength_MultipliesEachElementOnce()
    {
        for (int n = 0; n <= 40; n++)
        {
            var x = Enumerable.Range(1, n).Select(i => (float)i).Append(Sentinel).ToArray();
            Vec.Scale(x.AsSpan(0, n), 0.5f);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal((i + 1) * 0.5f, x[i]);
            }

            Assert.Equal(Sentinel, x[n]);
        }
    }

    private static float[] WithTail(float[] values) => values.Append(Sentinel).Append(Sentinel).ToArray();

    private static void AssertTail(float[] values, int used, string what)
    {
        for (int i = used; i < values.Length; i++)
        {
            Assert.True(values[i] == Sentinel, $"{what} wrote past its span (element {i} of {used}).");
        }
    }
}
