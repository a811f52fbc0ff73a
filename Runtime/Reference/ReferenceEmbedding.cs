using System;

namespace RnnGen.Reference;

/// <summary>
/// Plain embedding lookup and its gradient, for tests to hold the generated code to: <c>x[r] = E[token[r]]</c> over
/// <c>[rows]</c> token ids with the table <c>E [V, D]</c>.
/// </summary>
public static class ReferenceEmbedding
{
    /// <summary><c>x[r] = E[token[r]]</c>; returns <c>[rows, D]</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A token id is outside <c>0..V−1</c>.</exception>
    public static float[] Forward(float[] weight, int[] tokens, int vocabularySize, int size)
    {
        var x = new float[tokens.Length * size];
        for (int r = 0; r < tokens.Length; r++)
        {
            int token = tokens[r];
            if (token < 0 || token >= vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"Token id {token} at row {r} is outside 0..{vocabularySize - 1}.");
            }

            Array.Copy(weight, token * size, x, r * size, size);
        }

        return x;
    }

    /// <summary>
    /// <c>dE[v] = Σ_{r : token[r] = v} dx[r]</c>, summed in double precision; returns <c>dE [V, D]</c>, zero in the rows
    /// of tokens that do not occur.
    /// </summary>
    public static float[] Backward(int[] tokens, float[] dx, int vocabularySize, int size)
    {
        var dE = new double[vocabularySize * size];
        for (int r = 0; r < tokens.Length; r++)
        {
            for (int j = 0; j < size; j++)
            {
                dE[(tokens[r] * size) + j] += dx[(r * size) + j];
            }
        }

        var result = new float[dE.Length];
        for (int i = 0; i < dE.Length; i++)
        {
            result[i] = (float)dE[i];
        }

        return result;
    }
}
