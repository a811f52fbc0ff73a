using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// Elementwise activations and their derivatives, in place. Backward functions take the activation's
/// <em>output</em> <c>y</c> (all of tanh, σ and relu have derivatives expressible in <c>y</c>) and turn the
/// incoming gradient <c>dy</c> into the gradient of the pre-activation.
/// </summary>
/// <remarks>
/// Vectorised with the widest register the span fills (16, 8 or 4 floats, else scalar); the elements left after the
/// last full register are one overlapping register whose already-done lanes are kept. tanh and σ use float-only
/// exp approximations (Cephes' algorithms): over [−20, 20] in steps of 1e-4 the largest error against double
/// precision is 7.2e-8 for tanh and 8.9e-8 for σ; ±∞ saturate to ±1 (tanh) and 0/1 (σ), NaN stays NaN.
/// </remarks>
public static class Activations
{
    /// <summary><c>x ← tanh(x)</c>.</summary>
    public static void Tanh(Span<float> x) => Map<TanhOperator>(x);

    /// <summary><c>x ← σ(x) = 1 / (1 + e^{−x})</c>.</summary>
    public static void Sigmoid(Span<float> x) => Map<SigmoidOperator>(x);

    /// <summary><c>x ← max(0, x)</c>.</summary>
    public static void Relu(Span<float> x) => Map<ReluOperator>(x);

    /// <summary>σ of one value, stable for large |x|; the same approximation as <see cref="Sigmoid(Span{float})"/>.</summary>
    public static float SigmoidOf(float x) => FastMath.Sigmoid<SimdScalar, float>(x);

    /// <summary><c>dy ← dy ⊙ (1 − y²)</c>, where <c>y = tanh(a)</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y, dy);
        MapGradient<TanhGradient>(y, dy);
    }

    /// <summary><c>dy ← dy ⊙ y(1 − y)</c>, where <c>y = σ(a)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y, dy);
        MapGradient<SigmoidGradient>(y, dy);
    }

    /// <summary><c>dy ← dy ⊙ [y &gt; 0]</c>, where <c>y = max(0, a)</c>.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y, dy);
        MapGradient<ReluGradient>(y, dy);
    }

    /// <summary>Softmax of each row of a <c>[rows, cols]</c> matrix, in place: <c>p_j = e^{x_j − max} / Σ_k e^{x_k − max}</c>.</summary>
    public static void SoftmaxRows(Span<float> x, int rows, int cols)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols > x.Length)
        {
            throw new ArgumentException($"Softmax over [{rows}, {cols}] needs {(long)rows * cols} elements, got {x.Length}.", nameof(x));
        }

        if (cols == 0)
        {
            return;
        }

        ref float start = ref MemoryMarshal.GetReference(x);
        for (int r = 0; r < rows; r++)
        {
            ref float row = ref Unsafe.Add(ref start, (nint)r * cols);
            if (Vector512.IsHardwareAccelerated && cols >= 16)
            {
                SoftmaxRow<Simd512, Vector512<float>>(ref row, cols);
            }
            else if (Vector256.IsHardwareAccelerated && cols >= 8)
            {
                SoftmaxRow<Simd256, Vector256<float>>(ref row, cols);
            }
            else if (Vector128.IsHardwareAccelerated && cols >= 4)
            {
                SoftmaxRow<Simd128, Vector128<float>>(ref row, cols);
            }
            else
            {
                SoftmaxRow<SimdScalar, float>(ref row, cols);
            }
        }
    }

    /// <summary>
    /// Backward of a row softmax: <c>dx_j = p_j (dp_j − Σ_k dp_k p_k)</c>, written over <paramref name="dp"/>.
    /// </summary>
    public static void SoftmaxRowsBackward(ReadOnlySpan<float> p, Span<float> dp, int rows, int cols)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols > p.Length || (long)rows * cols > dp.Length)
        {
            throw new ArgumentException($"Softmax backward over [{rows}, {cols}] needs {(long)rows * cols} elements, got {p.Length} and {dp.Length}.", nameof(dp));
        }

        for (int r = 0; r < rows; r++)
        {
            var pr = p.Slice(r * cols, cols);
            var dr = dp.Slice(r * cols, cols);
            float dot = Vec.Dot(pr, dr, cols);
            ref float pp = ref MemoryMarshal.GetReference(pr);
            ref float pd = ref MemoryMarshal.GetReference(dr);
            if (Vector512.IsHardwareAccelerated && cols >= 16)
            {
                SoftmaxRowBackward<Simd512, Vector512<float>>(ref pp, ref pd, cols, dot);
            }
            else if (Vector256.IsHardwareAccelerated && cols >= 8)
            {
                SoftmaxRowBackward<Simd256, Vector256<float>>(ref pp, ref pd, cols, dot);
            }
            else if (Vector128.IsHardwareAccelerated && cols >= 4)
            {
                SoftmaxRowBackward<Simd128, Vector128<float>>(ref pp, ref pd, cols, dot);
            }
            else
            {
                SoftmaxRowBackward<SimdScalar, float>(ref pp, ref pd, cols, dot);
            }
        }
    }

    /// <summary>Runs <typeparamref name="TOperator"/> over every element of <paramref name="x"/> in place.</summary>
    internal static void Map<TOperator>(Span<float> x)
        where TOperator : struct, IUnaryOperator
    {
        ref float start = ref MemoryMarshal.GetReference(x);
        int n = x.Length;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Map<TOperator, Simd512, Vector512<float>>(ref start, n);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Map<TOperator, Simd256, Vector256<float>>(ref start, n);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            Map<TOperator, Simd128, Vector128<float>>(ref start, n);
        }
        else
        {
            Map<TOperator, SimdScalar, float>(ref start, n);
        }
    }

    /// <summary>The same with a given register width; needs <c>n ≥ Lanes</c> (the tail overlaps the previous register).</summary>
    internal static void Map<TOperator, TOps, TVec>(ref float x, int n)
        where TOperator : struct, IUnaryOperator
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int lanes = TOps.Lanes;
        int i = 0;
        for (; i <= n - lanes; i += lanes)
        {
            ref float at = ref Unsafe.Add(ref x, i);
            TOps.Store(TOperator.Apply<TOps, TVec>(TOps.Load(ref at)), ref at);
        }

        if (i < n)
        {
            int last = n - lanes;
            ref float at = ref Unsafe.Add(ref x, last);
            TVec old = TOps.Load(ref at);
            TOps.Store(TOps.Select(TOps.TailMask(i - last), TOperator.Apply<TOps, TVec>(old), old), ref at);
        }
    }

    private static void MapGradient<TOperator>(ReadOnlySpan<float> y, Span<float> dy)
        where TOperator : struct, IGradientOperator
    {
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pd = ref MemoryMarshal.GetReference(dy);
        int n = dy.Length;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            MapGradient<TOperator, Simd512, Vector512<float>>(ref py, ref pd, n);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            MapGradient<TOperator, Simd256, Vector256<float>>(ref py, ref pd, n);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            MapGradient<TOperator, Simd128, Vector128<float>>(ref py, ref pd, n);
        }
        else
        {
            MapGradient<TOperator, SimdScalar, float>(ref py, ref pd, n);
        }
    }

    private static void MapGradient<TOperator, TOps, TVec>(ref float y, ref float dy, int n)
        where TOperator : struct, IGradientOperator
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int lanes = TOps.Lanes;
        int i = 0;
        for (; i <= n - lanes; i += lanes)
        {
            ref float at = ref Unsafe.Add(ref dy, i);
            TOps.Store(TOperator.Apply<TOps, TVec>(TOps.Load(ref Unsafe.Add(ref y, i)), TOps.Load(ref at)), ref at);
        }

        if (i < n)
        {
            int last = n - lanes;
            ref float at = ref Unsafe.Add(ref dy, last);
            TVec old = TOps.Load(ref at);
            TVec updated = TOperator.Apply<TOps, TVec>(TOps.Load(ref Unsafe.Add(ref y, last)), old);
            TOps.Store(TOps.Select(TOps.TailMask(i - last), updated, old), ref at);
        }
    }

    /// <summary>One row, three passes: the maximum, <c>e^{x − max}</c> and its sum, then the scaling by 1/sum.</summary>
    private static void SoftmaxRow<TOps, TVec>(ref float row, int cols)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int lanes = TOps.Lanes;
        int last = cols - lanes;
        int full = cols - (cols % lanes);
        TVec tail = TOps.TailMask(full - last);

        // The overlapping last register may count elements twice: harmless for the maximum.
        TVec max = TOps.Load(ref Unsafe.Add(ref row, last));
        for (int i = 0; i < full; i += lanes)
        {
            max = TOps.MaxNative(TOps.Load(ref Unsafe.Add(ref row, i)), max);
        }

        TVec shift = TOps.Create(TOps.MaxAcross(max));
        TVec sum = TOps.Zero;
        for (int i = 0; i < full; i += lanes)
        {
            ref float at = ref Unsafe.Add(ref row, i);
            TVec e = FastMath.Exp<TOps, TVec>(TOps.Subtract(TOps.Load(ref at), shift));
            TOps.Store(e, ref at);
            sum = TOps.Add(sum, e);
        }

        if (full < cols)
        {
            ref float at = ref Unsafe.Add(ref row, last);
            TVec old = TOps.Load(ref at);
            TVec e = TOps.And(FastMath.Exp<TOps, TVec>(TOps.Subtract(old, shift)), tail);
            TOps.Store(TOps.Select(tail, e, old), ref at);
            sum = TOps.Add(sum, e);
        }

        TVec scale = TOps.Create(1f / TOps.Sum(sum));
        for (int i = 0; i < full; i += lanes)
        {
            ref float at = ref Unsafe.Add(ref row, i);
            TOps.Store(TOps.Multiply(TOps.Load(ref at), scale), ref at);
        }

        if (full < cols)
        {
            ref float at = ref Unsafe.Add(ref row, last);
            TVec old = TOps.Load(ref at);
            TOps.Store(TOps.Select(tail, TOps.Multiply(old, scale), old), ref at);
        }
    }

    private static void SoftmaxRowBackward<TOps, TVec>(ref float p, ref float dp, int cols, float dot)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        int lanes = TOps.Lanes;
        TVec shift = TOps.Create(dot);
        int i = 0;
        for (; i <= cols - lanes; i += lanes)
        {
            ref float at = ref Unsafe.Add(ref dp, i);
            TOps.Store(TOps.Multiply(TOps.Load(ref Unsafe.Add(ref p, i)), TOps.Subtract(TOps.Load(ref at), shift)), ref at);
        }

        if (i < cols)
        {
            int last = cols - lanes;
            ref float at = ref Unsafe.Add(ref dp, last);
            TVec old = TOps.Load(ref at);
            TVec updated = TOps.Multiply(TOps.Load(ref Unsafe.Add(ref p, last)), TOps.Subtract(old, shift));
            TOps.Store(TOps.Select(TOps.TailMask(i - last), updated, old), ref at);
        }
    }

    private static void CheckSame(ReadOnlySpan<float> y, Span<float> dy)
    {
        if (y.Length != dy.Length)
        {
            throw new ArgumentException($"Activation output has {y.Length} elements but its gradient has {dy.Length}.", nameof(dy));
        }
    }

    /// <summary>A function applied lanewise to one register.</summary>
    internal interface IUnaryOperator
    {
        static abstract TVec Apply<TOps, TVec>(TVec x)
            where TOps : struct, ISimdFloat<TVec>
            where TVec : struct;
    }

    /// <summary>A backward rule <c>dy ← g(y, dy)</c> applied lanewise.</summary>
    internal interface IGradientOperator
    {
        static abstract TVec Apply<TOps, TVec>(TVec y, TVec dy)
            where TOps : struct, ISimdFloat<TVec>
            where TVec : struct;
    }

    internal readonly struct TanhOperator : IUnaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Apply<TOps, TVec>(TVec x)
            where TOps : struct, ISimdFloat<TVec>
            where TVec : struct => FastMath.Tanh<TOps, TVec>(x);
    }

    internal readonly struct SigmoidOperator : IUnaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Apply<TOps, TVec>(TVec x)
            where TOps : struct, ISimdFloat<TVec>
            where TVec : struct => FastMath.Sigmoid<TOps, TVec>(x);
    }

    internal readonly struct ReluOperator : IUnaryOperator
    {
        // maxps returns its second operand for NaN, so NaN passes through as it does in max(0, x).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Apply<TOps, TVec>(TVec x)
            where TOps : struct, ISimdFloat<TVec>
            where TVec : struct => TOps.MaxNative(TOps.Zero, x);
    }

    private readonly struct TanhGradient : IGradientOperator
    {
        // dy·(1 − y²), with 1 − y² in one rounding.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Apply<TOps, TVec>(TVec y, TVec dy)
            where TOps : struct, ISimdFloat<TVec>
            where TVec : struct => TOps.Multiply(dy, TOps.MultiplyAdd(TOps.Subtract(TOps.Zero, y), y, TOps.Create(1f)));
    }

    private readonly struct SigmoidGradient : IGradientOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Apply<TOps, TVec>(TVec y, TVec dy)
            where TOps : struct, ISimdFloat<TVec>
            where TVec : struct => TOps.Multiply(dy, TOps.Multiply(y, TOps.Subtract(TOps.Create(1f), y)));
    }

    private readonly struct ReluGradient : IGradientOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TVec Apply<TOps, TVec>(TVec y, TVec dy)
            where TOps : struct, ISimdFloat<TVec>
            where TVec : struct => TOps.And(dy, TOps.LessThan(TOps.Zero, y));
    }
}
