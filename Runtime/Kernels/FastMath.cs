using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// exp, tanh and σ on whole registers, in float arithmetic only, branch-free. The algorithms are Cephes'
/// <c>expf</c>/<c>tanhf</c> (S. L. Moshier), vectorised: every lane computes both branches and a mask picks one.
/// Measured against double precision over [−20, 20] in steps of 1e-4 plus the branch points and extremes (see
/// <c>FastKernelTests</c>): |tanh − tanh₆₄| ≤ 7.2e-8 (relative ≤ 6.9e-8 for |x| &lt; 0.625), |σ − σ₆₄| ≤ 8.9e-8
/// (relative ≤ 1.9e-7 down to x = −87), exp within 8.1e-8 relative over [−87, 88]. Every register width gives
/// bit-identical results. ±∞ saturate and NaN propagates.
/// </summary>
internal static class FastMath
{
    // Inputs below this flush exp to 0 (e^{-87} ≈ 1.6e-38, the smallest normal float is 1.2e-38).
    private const float ExpLowest = -87f;

    // Inputs above this saturate at e^{88} ≈ 1.7e38, so n = round(x·log₂e) ≤ 127 and 2^n stays a normal float.
    private const float ExpHighest = 88f;
    private const float Log2E = 1.44269504088896341f;

    // Cody–Waite split of ln 2: Ln2High has few significant bits, so n·Ln2High is exact for |n| ≤ 128.
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;

    // tanh switches from its odd polynomial to 1 − 2/(e^{2|x|} + 1) at |x| = 0.625 (Cephes' split).
    private const float TanhPolynomialLimit = 0.625f;

    /// <summary>
    /// e^x = 2^n · e^r with n = round(x·log₂e), r = x − n·ln2 ∈ [−ln2/2, ln2/2] and e^r from Cephes' degree-7 polynomial
    /// (relative error ≈ 1 ulp). Inputs below −87 (and −∞) give 0, above 88 (and +∞) give e^88; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp<TOps, TVec>(TVec x)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        // MaxNative/MinNative return their second operand for NaN, so NaN passes the clamp.
        TVec clamped = TOps.MinNative(TOps.Create(ExpHighest), TOps.MaxNative(TOps.Create(ExpLowest), x));
        TVec n = TOps.Round(TOps.Multiply(clamped, TOps.Create(Log2E)));
        TVec r = TOps.MultiplyAdd(n, TOps.Create(-Ln2High), clamped);
        r = TOps.MultiplyAdd(n, TOps.Create(-Ln2Low), r);

        // e^r ≈ 1 + r + r²·P(r)
        TVec p = TOps.Create(1.9875691500e-4f);
        p = TOps.MultiplyAdd(p, r, TOps.Create(1.3981999507e-3f));
        p = TOps.MultiplyAdd(p, r, TOps.Create(8.3334519073e-3f));
        p = TOps.MultiplyAdd(p, r, TOps.Create(4.1665795894e-2f));
        p = TOps.MultiplyAdd(p, r, TOps.Create(1.6666665459e-1f));
        p = TOps.MultiplyAdd(p, r, TOps.Create(5.0000001201e-1f));
        p = TOps.Add(TOps.MultiplyAdd(p, TOps.Multiply(r, r), r), TOps.Create(1f));

        TVec result = TOps.ScaleByPowerOfTwo(p, n);
        return TOps.Select(TOps.LessThan(x, TOps.Create(ExpLowest)), TOps.Zero, result);
    }

    /// <summary>
    /// tanh x: for |x| &lt; 0.625 the odd polynomial <c>x + x³·P(x²)</c> (keeps full relative precision near 0),
    /// else <c>sign(x)·(1 − 2/(e^{2|x|} + 1))</c>, which reaches exactly ±1 from |x| ≈ 9 on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Tanh<TOps, TVec>(TVec x)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        // Both branches work on |x|; the sign goes back on at the end (so tanh(−0) = −0).
        TVec sign = TOps.And(x, TOps.Create(-0f));
        TVec magnitude = TOps.Xor(x, sign);

        TVec z = TOps.Multiply(x, x);
        TVec p = TOps.Create(-5.70498872745e-3f);
        p = TOps.MultiplyAdd(p, z, TOps.Create(2.06390887954e-2f));
        p = TOps.MultiplyAdd(p, z, TOps.Create(-5.37397155531e-2f));
        p = TOps.MultiplyAdd(p, z, TOps.Create(1.33314422036e-1f));
        p = TOps.MultiplyAdd(p, z, TOps.Create(-3.33332819422e-1f));
        TVec small = TOps.MultiplyAdd(TOps.Multiply(p, z), magnitude, magnitude);

        TVec e = Exp<TOps, TVec>(TOps.Add(magnitude, magnitude));
        TVec large = TOps.Subtract(TOps.Create(1f), TOps.Divide(TOps.Create(2f), TOps.Add(e, TOps.Create(1f))));

        TVec result = TOps.Select(TOps.LessThan(magnitude, TOps.Create(TanhPolynomialLimit)), small, large);
        return TOps.Xor(result, sign);
    }

    /// <summary>
    /// σ(x) = 1/(1 + e^{−|x|}) for x ≥ 0 and e^{−|x|}/(1 + e^{−|x|}) for x &lt; 0, so e never overflows and
    /// small results keep their relative precision (σ(−100) = 0, σ(100) = 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sigmoid<TOps, TVec>(TVec x)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        TVec signBit = TOps.Create(-0f);
        TVec negativeMagnitude = TOps.Xor(TOps.Xor(x, TOps.And(x, signBit)), signBit);
        TVec e = Exp<TOps, TVec>(negativeMagnitude);
        TVec positive = TOps.Divide(TOps.Create(1f), TOps.Add(TOps.Create(1f), e));
        return TOps.Select(TOps.LessThan(x, TOps.Zero), TOps.Multiply(e, positive), positive);
    }

    // tanh(x) rounds to ±1 in float beyond this; the rational form below is fitted on [−Bound, Bound].
    private const float RationalTanhBound = 7.99881172180175781f;

    // Below this |x|, tanh(x) = x to float precision.
    private const float RationalTanhTiny = 0.0004f;

    /// <summary>
    /// tanh(x) as a rational function, <c>x·P(x²)/Q(x²)</c> (P of degree 6, Q of degree 3, the coefficients of Eigen's
    /// float tanh), the polynomials evaluated by Estrin's scheme: about half the latency of <see cref="Tanh{TOps, TVec}"/>
    /// (no exponential), for the streaming step, where one step waits on the previous one's nonlinearities.
    /// Beyond ±7.9988, where tanh rounds to ±1 in float, the result is exactly ±1; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec TanhRational<TOps, TVec>(TVec x)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        TVec c = TOps.MinNative(TOps.Create(RationalTanhBound), TOps.MaxNative(TOps.Create(-RationalTanhBound), x));
        TVec y = TOps.Multiply(c, c);
        TVec y2 = TOps.Multiply(y, y);
        TVec y4 = TOps.Multiply(y2, y2);

        // P(y) = a1 + a3·y + a5·y² + a7·y³ + a9·y⁴ + a11·y⁵ + a13·y⁶
        TVec t0 = TOps.MultiplyAdd(TOps.Create(6.37261928875436e-04f), y, TOps.Create(4.89352455891786e-03f));
        TVec t1 = TOps.MultiplyAdd(TOps.Create(5.12229709037114e-08f), y, TOps.Create(1.48572235717979e-05f));
        TVec t2 = TOps.MultiplyAdd(TOps.Create(2.00018790482477e-13f), y, TOps.Create(-8.60467152213735e-11f));
        TVec u1 = TOps.MultiplyAdd(TOps.Create(-2.76076847742355e-16f), y2, t2);
        TVec p = TOps.MultiplyAdd(u1, y4, TOps.MultiplyAdd(t1, y2, t0));

        // Q(y) = b0 + b2·y + b4·y² + b6·y³
        TVec s0 = TOps.MultiplyAdd(TOps.Create(2.26843463243900e-03f), y, TOps.Create(4.89352518554385e-03f));
        TVec s1 = TOps.MultiplyAdd(TOps.Create(1.19825839466702e-06f), y, TOps.Create(1.18534705686654e-04f));
        TVec q = TOps.MultiplyAdd(s1, y2, s0);

        TVec result = TOps.Divide(TOps.Multiply(c, p), q);

        // tiny |x|: tanh(x) = x (also keeps −0); past the bound: exactly ±1
        TVec sign = TOps.And(x, TOps.Create(-0f));
        TVec magnitude = TOps.Xor(x, sign);
        result = TOps.Select(TOps.LessThan(TOps.Create(RationalTanhBound), magnitude), TOps.Xor(TOps.Create(1f), sign), result);
        return TOps.Select(TOps.LessThan(magnitude, TOps.Create(RationalTanhTiny)), x, result);
    }

    /// <summary>σ(x) = ½ + ½·tanh(x/2) through <see cref="TanhRational{TOps, TVec}"/>: the low-latency sigmoid of the streaming step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec SigmoidRational<TOps, TVec>(TVec x)
        where TOps : struct, ISimdFloat<TVec>
        where TVec : struct
    {
        TVec half = TOps.Create(0.5f);
        return TOps.MultiplyAdd(TanhRational<TOps, TVec>(TOps.Multiply(x, half)), half, half);
    }
}
