using System;

namespace RnnGen.Reference;

/// <summary>
/// Plain dense layer, softmax and losses in double precision, applied row by row to <c>[rows, I]</c> inputs.
/// </summary>
public static class ReferenceDense
{
    /// <summary><c>y[r] = act(W x[r] + b)</c> with <c>W [O, I]</c>; returns <c>[rows, O]</c>.</summary>
    public static float[] Forward(float[] weight, float[] bias, float[] x, int rows, int inSize, int outSize, DenseActivation activation)
    {
        var y = new float[rows * outSize];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outSize; o++)
            {
                double a = bias[o];
                for (int i = 0; i < inSize; i++)
                {
                    a += (double)weight[(o * inSize) + i] * x[(r * inSize) + i];
                }

                y[(r * outSize) + o] = (float)(activation switch
                {
                    DenseActivation.Tanh => Math.Tanh(a),
                    DenseActivation.Relu => Math.Max(0, a),
                    DenseActivation.Sigmoid => 1 / (1 + Math.Exp(-a)),
                    _ => a,
                });
            }
        }

        return y;
    }

    /// <summary>
    /// Gradients of a linear dense layer given <c>dL/dz</c> of its pre-activation <c>z = W x + b</c>:
    /// returns <c>(dW [O, I], db [O], dx [rows, I])</c>.
    /// </summary>
    public static (float[] Weight, float[] Bias, float[] Input) Backward(float[] weight, float[] x, float[] dz, int rows, int inSize, int outSize)
    {
        var dW = new double[outSize * inSize];
        var db = new double[outSize];
        var dx = new double[rows * inSize];
        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outSize; o++)
            {
                double d = dz[(r * outSize) + o];
                db[o] += d;
                for (int i = 0; i < inSize; i++)
                {
                    dW[(o * inSize) + i] += d * x[(r * inSize) + i];
                    dx[(r * inSize) + i] += d * weight[(o * inSize) + i];
                }
            }
        }

        return (ToFloat(dW), ToFloat(db), ToFloat(dx));
    }

    /// <summary>
    /// Gradient of the pre-activation <c>z</c> given <c>dL/dy</c> of the activated output <c>y = act(z)</c>:
    /// <c>dz = dy · act'(z)</c>, with the derivative written in terms of <c>y</c>.
    /// </summary>
    public static float[] ActivationBackward(float[] y, float[] dy, DenseActivation activation)
    {
        var dz = new float[dy.Length];
        for (int i = 0; i < dy.Length; i++)
        {
            double yi = y[i];
            double derivative = activation switch
            {
                DenseActivation.Tanh => 1 - (yi * yi),
                DenseActivation.Relu => yi > 0 ? 1 : 0,
                DenseActivation.Sigmoid => yi * (1 - yi),
                _ => 1,
            };
            dz[i] = (float)(dy[i] * derivative);
        }

        return dz;
    }

    /// <summary>
    /// Gradient of the logits of a row-wise softmax <c>p = softmax(z)</c> given any <c>dL/dp</c>:
    /// <c>dz_j = Σ_k dp_k ∂p_k/∂z_j = Σ_k dp_k p_k ([j = k] − p_j)</c>, written out with the full Jacobian.
    /// </summary>
    public static float[] SoftmaxBackward(float[] p, float[] dp, int rows, int cols)
    {
        var dz = new float[rows * cols];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < cols; j++)
            {
                double sum = 0;
                for (int k = 0; k < cols; k++)
                {
                    double pk = p[(r * cols) + k];
                    double jacobian = pk * ((j == k ? 1.0 : 0.0) - p[(r * cols) + j]);
                    sum += dp[(r * cols) + k] * jacobian;
                }

                dz[(r * cols) + j] = (float)sum;
            }
        }

        return dz;
    }

    /// <summary>Row-wise softmax of <c>[rows, cols]</c>.</summary>
    public static float[] Softmax(float[] z, int rows, int cols)
    {
        var p = new float[z.Length];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < cols; j++)
            {
                max = Math.Max(max, z[(r * cols) + j]);
            }

            double sum = 0;
            for (int j = 0; j < cols; j++)
            {
                sum += Math.Exp(z[(r * cols) + j] - max);
            }

            for (int j = 0; j < cols; j++)
            {
                p[(r * cols) + j] = (float)(Math.Exp(z[(r * cols) + j] - max) / sum);
            }
        }

        return p;
    }

    /// <summary>Mean cross-entropy <c>−(1/N) Σ log p[r, y_r]</c> and <c>dL/dz = (p − onehot)/N</c>.</summary>
    public static (double Loss, float[] DLogits) CrossEntropy(float[] p, int[] targets, int rows, int cols)
    {
        double loss = 0;
        var dz = new float[p.Length];
        for (int r = 0; r < rows; r++)
        {
            loss -= Math.Log(p[(r * cols) + targets[r]]);
            for (int j = 0; j < cols; j++)
            {
                dz[(r * cols) + j] = (float)((p[(r * cols) + j] - (j == targets[r] ? 1.0 : 0.0)) / rows);
            }
        }

        return (loss / rows, dz);
    }

    /// <summary>Mean squared error <c>(1/N) Σ (ŷ − y)²</c> and <c>dL/dŷ = 2(ŷ − y)/N</c>.</summary>
    public static (double Loss, float[] DPrediction) MeanSquaredError(float[] prediction, float[] target)
    {
        double loss = 0;
        var d = new float[prediction.Length];
        for (int i = 0; i < prediction.Length; i++)
        {
            double e = (double)prediction[i] - target[i];
            loss += e * e;
            d[i] = (float)(2 * e / prediction.Length);
        }

        return (loss / prediction.Length, d);
    }

    private static float[] ToFloat(double[] v)
    {
        var f = new float[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            f[i] = (float)v[i];
        }

        return f;
    }
}
