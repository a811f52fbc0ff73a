using System;

namespace RnnGen;

/// <summary>
/// Runs a recurrent layer (<see cref="SimpleRnnAttribute"/>, <see cref="LstmAttribute"/>, <see cref="GruAttribute"/>)
/// in both directions (Schuster &amp; Paliwal 1997): a forward pass over <c>x_1 … x_T</c> and a reverse pass over
/// <c>x_T … x_1</c>, each with its own weights, whose states are concatenated, <c>y_t = [h→_t; h←_t]</c>. The layer's
/// output has <c>2H</c> features, so a layer after it reads <c>2H</c>; a stack of bidirectional layers is a deep
/// bidirectional network (Graves et al. 2013).
/// </summary>
/// <remarks>
/// The reverse direction's tensors follow the forward direction's in the parameter arena and carry PyTorch's
/// suffix: <c>weight_ih_reverse</c>, <c>weight_hh_reverse</c>, <c>bias_ih_reverse</c>, <c>bias_hh_reverse</c> (and
/// <c>peephole_reverse</c>). With <c>ReturnSequences = false</c> the layer outputs <c>[h→_T; h←_1]</c>: the reverse
/// direction has read the whole sequence when it reaches the first step. Initial and final states hold both
/// directions, <c>[2, MaxBatch, H]</c>, forward first. With variable lengths the reverse direction starts at each
/// sequence's own last step. See <c>docs/sequences.md</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class BidirectionalAttribute : Attribute
{
}
