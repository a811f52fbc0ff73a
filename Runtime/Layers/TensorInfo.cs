using System;

namespace RnnGen;

/// <summary>
/// One named parameter tensor of a generated model: where it lives in the parameter arena (and, at the
/// same offset, in the gradient arena) and its row-major shape.
/// </summary>
/// <param name="Name">Qualified name, <c>Layer.tensor</c> (for example <c>Encoder.weight_ih</c>).</param>
/// <param name="Offset">Offset of the first element in the arena.</param>
/// <param name="Shape">Row-major shape, outermost dimension first.</param>
public sealed record TensorInfo(string Name, int Offset, int[] Shape)
{
    /// <summary>Number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length
    {
        get
        {
            var n = 1;
            foreach (var d in Shape)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>The tensor's elements inside <paramref name="arena"/> (parameters or gradients).</summary>
    public Span<float> Slice(Span<float> arena) => arena.Slice(Offset, Length);

    /// <summary>The shape written as <c>[a, b]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
