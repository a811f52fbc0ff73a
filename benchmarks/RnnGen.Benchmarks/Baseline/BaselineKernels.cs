using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Benchmarks.Baseline;

// The kernels as they were before register blocking (commit b309d40), kept verbatim apart from the class
// names so that old and new run in the same process and the same benchmark run.

/// <summary>
/// Row-major matrix products. Names follow BLAS: <c>N</c> uses an operand as stored, <c>T</c> transposed.
/// Every product either overwrites <c>C</c> or, with <c>accumulate</c>, adds to it.
/// </summary>
public static class BaselineGemm
{
    /// <summary>
    /// <c>C[m, n] (+)= Σ_k A[m, k]·B[n, k]</c>, i.e. <c>C = A·Bᵀ</c>: each output is a dot product of a row of A
    /// with a row of B. Used for <c>x·Wᵀ</c> with PyTorch-layout weights <c>W[out, in]</c>.
    /// </summary>
    public static void MatMulNT(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
    {
        Check(a.Length, (long)m * k, nameof(a), "[m, k]");
        Check(b.Length, (long)n * k, nameof(b), "[n, k]");
        Check(c.Length, (long)m * n, nameof(c), "[m, n]");
        for (int i = 0; i < m; i++)
        {
            var rowA = a.Slice(i * k, k);
            var rowC = c.Slice(i * n, n);
            for (int j = 0; j < n; j++)
            {
                float dot = BaselineVec.Dot(rowA, b.Slice(j * k, k), k);
                rowC[j] = accumulate ? rowC[j] + dot : dot;
            }
        }
    }

    /// <summary>
    /// <c>C[m, n] (+)= Σ_k A[m, k]·B[k, n]</c>, i.e. <c>C = A·B</c>. Used for gradients flowing back through
    /// <c>W[out, in]</c>: <c>dx = dy·W</c>.
    /// </summary>
    public static void MatMulNN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
    {
        Check(a.Length, (long)m * k, nameof(a), "[m, k]");
        Check(b.Length, (long)k * n, nameof(b), "[k, n]");
        Check(c.Length, (long)m * n, nameof(c), "[m, n]");
        if (!accumulate)
        {
            c.Slice(0, m * n).Clear();
        }

        for (int i = 0; i < m; i++)
        {
            var rowC = c.Slice(i * n, n);
            var rowA = a.Slice(i * k, k);
            for (int p = 0; p < k; p++)
            {
                float s = rowA[p];
                if (s != 0f)
                {
                    BaselineVec.Axpy(s, b.Slice(p * n, n), rowC, n);
                }
            }
        }
    }

    /// <summary>
    /// <c>C[m, n] (+)= Σ_k A[k, m]·B[k, n]</c>, i.e. <c>C = Aᵀ·B</c>. Used for weight gradients summed over
    /// all rows (steps × batch) in one product: <c>dW = dyᵀ·x</c>.
    /// </summary>
    public static void MatMulTN(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate)
    {
        Check(a.Length, (long)k * m, nameof(a), "[k, m]");
        Check(b.Length, (long)k * n, nameof(b), "[k, n]");
        Check(c.Length, (long)m * n, nameof(c), "[m, n]");
        if (!accumulate)
        {
            c.Slice(0, m * n).Clear();
        }

        for (int p = 0; p < k; p++)
        {
            var rowA = a.Slice(p * m, m);
            var rowB = b.Slice(p * n, n);
            for (int i = 0; i < m; i++)
            {
                float s = rowA[i];
                if (s != 0f)
                {
                    BaselineVec.Axpy(s, rowB, c.Slice(i * n, n), n);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Check(int actual, long needed, string name, string shape)
    {
        if (actual < needed)
        {
            Throw(actual, needed, name, shape);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Throw(int actual, long needed, string name, string shape) =>
        throw new ArgumentException($"Operand {name} {shape} needs {needed} elements but has {actual}.", name);
}

/// <summary>
/// Vector primitives over spans: <c>Vector512</c> where the CPU has it, else <c>Vector256</c>, else scalar.
/// Every method checks its span lengths once and then runs without bounds checks.
/// </summary>
public static class BaselineVec
{
    /// <summary>Returns <c>Σ_i x[i]·y[i]</c> over the first <paramref name="n"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int n)
    {
        if ((uint)n > (uint)x.Length || (uint)n > (uint)y.Length)
        {
            ThrowLength(n, x.Length, y.Length);
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        float sum = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc0 = Vector512<float>.Zero;
            var acc1 = Vector512<float>.Zero;
            for (; i <= n - 32; i += 32)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)(i + 16)), Vector512.LoadUnsafe(ref py, (nuint)(i + 16)), acc1);
            }

            for (; i <= n - 16; i += 16)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i), acc0);
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref px, (nuint)(i + 8)), Vector256.LoadUnsafe(ref py, (nuint)(i + 8)), acc1);
            }

            for (; i <= n - 8; i += 8)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), acc0);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }

        for (; i < n; i++)
        {
            sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref px, i), Unsafe.Add(ref py, i), sum);
        }

        return sum;
    }

    /// <summary><c>y[i] += a·x[i]</c> over the first <paramref name="n"/> elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y, int n)
    {
        if ((uint)n > (uint)x.Length || (uint)n > (uint)y.Length)
        {
            ThrowLength(n, x.Length, y.Length);
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var va = Vector512.Create(a);
            for (; i <= n - 16; i += 16)
            {
                Vector512.FusedMultiplyAdd(va, Vector512.LoadUnsafe(ref px, (nuint)i), Vector512.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 8; i += 8)
            {
                Vector256.FusedMultiplyAdd(va, Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref py, i) = MathF.FusedMultiplyAdd(a, Unsafe.Add(ref px, i), Unsafe.Add(ref py, i));
        }
    }

    /// <summary><c>y[i] += x[i]</c>.</summary>
    public static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length)
        {
            ThrowLength(x.Length, x.Length, y.Length);
        }

        Axpy(1f, x, y, x.Length);
    }

    /// <summary><c>z[i] = x[i] + y[i]</c>.</summary>
    public static void Sum(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> z)
    {
        if (x.Length != y.Length || z.Length != x.Length)
        {
            ThrowLength(z.Length, x.Length, y.Length);
        }

        x.CopyTo(z);
        Axpy(1f, y, z, z.Length);
    }

    /// <summary><c>y[r, j] += bias[j]</c> for every row <c>r</c> of a <c>[rows, bias.Length]</c> matrix.</summary>
    public static void AddToRows(ReadOnlySpan<float> bias, Span<float> y, int rows)
    {
        int cols = bias.Length;
        if ((long)rows * cols > y.Length)
        {
            ThrowLength(rows * cols, y.Length, bias.Length);
        }

        for (int r = 0; r < rows; r++)
        {
            Axpy(1f, bias, y.Slice(r * cols, cols), cols);
        }
    }

    /// <summary><c>sum[j] += Σ_r x[r, j]</c>: column sums of a <c>[rows, sum.Length]</c> matrix.</summary>
    public static void AddColumnSums(ReadOnlySpan<float> x, int rows, Span<float> sum)
    {
        int cols = sum.Length;
        if ((long)rows * cols > x.Length)
        {
            ThrowLength(rows * cols, x.Length, sum.Length);
        }

        for (int r = 0; r < rows; r++)
        {
            Axpy(1f, x.Slice(r * cols, cols), sum, cols);
        }
    }

    /// <summary><c>x[i] *= a</c>.</summary>
    public static void Scale(Span<float> x, float a)
    {
        ref float px = ref MemoryMarshal.GetReference(x);
        int n = x.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref px, (nuint)i) * va).StoreUnsafe(ref px, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref px, i) *= a;
        }
    }

    /// <summary>Returns <c>Σ x[i]²</c>, accumulated in double precision.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        double total = 0;
        int i = 0;
        const int Block = 1024;
        while (i < x.Length)
        {
            int n = Math.Min(Block, x.Length - i);
            var block = x.Slice(i, n);
            total += Dot(block, block, n);
            i += n;
        }

        return total;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int n, int a, int b) =>
        throw new ArgumentException($"Span lengths do not fit: need {n} elements, got {a} and {b}.");
}

/// <summary>
/// Elementwise activations and their derivatives, in place. Backward functions take the activation's
/// <em>output</em> <c>y</c> (all of tanh, σ and relu have derivatives expressible in <c>y</c>) and turn the
/// incoming gradient <c>dy</c> into the gradient of the pre-activation.
/// </summary>
public static class BaselineActivations
{
    /// <summary><c>x ← tanh(x)</c>.</summary>
    public static void Tanh(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Tanh(x[i]);
        }
    }

    /// <summary><c>x ← σ(x) = 1 / (1 + e^{−x})</c>.</summary>
    public static void Sigmoid(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = SigmoidOf(x[i]);
        }
    }

    /// <summary><c>x ← max(0, x)</c>.</summary>
    public static void Relu(Span<float> x)
    {
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Max(0f, x[i]);
        }
    }

    /// <summary>σ of one value, stable for large |x|.</summary>
    public static float SigmoidOf(float x) => x >= 0f ? 1f / (1f + MathF.Exp(-x)) : MathF.Exp(x) / (1f + MathF.Exp(x));

    /// <summary><c>dy ← dy ⊙ (1 − y²)</c>, where <c>y = tanh(a)</c>.</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y, dy);
        for (int i = 0; i < dy.Length; i++)
        {
            dy[i] *= 1f - (y[i] * y[i]);
        }
    }

    /// <summary><c>dy ← dy ⊙ y(1 − y)</c>, where <c>y = σ(a)</c>.</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y, dy);
        for (int i = 0; i < dy.Length; i++)
        {
            dy[i] *= y[i] * (1f - y[i]);
        }
    }

    /// <summary><c>dy ← dy ⊙ [y &gt; 0]</c>, where <c>y = max(0, a)</c>.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y, dy);
        for (int i = 0; i < dy.Length; i++)
        {
            if (y[i] <= 0f)
            {
                dy[i] = 0f;
            }
        }
    }

    /// <summary>Softmax of each row of a <c>[rows, cols]</c> matrix, in place: <c>p_j = e^{x_j − max} / Σ_k e^{x_k − max}</c>.</summary>
    public static void SoftmaxRows(Span<float> x, int rows, int cols)
    {
        if ((long)rows * cols > x.Length)
        {
            throw new ArgumentException($"Softmax over [{rows}, {cols}] needs {(long)rows * cols} elements, got {x.Length}.", nameof(x));
        }

        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            float max = float.NegativeInfinity;
            foreach (var v in row)
            {
                max = MathF.Max(max, v);
            }

            float sum = 0f;
            for (int j = 0; j < cols; j++)
            {
                row[j] = MathF.Exp(row[j] - max);
                sum += row[j];
            }

            BaselineVec.Scale(row, 1f / sum);
        }
    }

    /// <summary>
    /// Backward of a row softmax: <c>dx_j = p_j (dp_j − Σ_k dp_k p_k)</c>, written over <paramref name="dp"/>.
    /// </summary>
    public static void SoftmaxRowsBackward(ReadOnlySpan<float> p, Span<float> dp, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            var pr = p.Slice(r * cols, cols);
            var dr = dp.Slice(r * cols, cols);
            float dot = BaselineVec.Dot(pr, dr, cols);
            for (int j = 0; j < cols; j++)
            {
                dr[j] = pr[j] * (dr[j] - dot);
            }
        }
    }

    private static void CheckSame(ReadOnlySpan<float> y, Span<float> dy)
    {
        if (y.Length != dy.Length)
        {
            throw new ArgumentException($"Activation output has {y.Length} elements but its gradient has {dy.Length}.", nameof(dy));
        }
    }
}
