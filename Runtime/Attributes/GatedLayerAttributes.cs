using System;

namespace RnnGen;

/// <summary>
/// A long short-term memory layer (Hochreiter &amp; Schmidhuber 1997, with the forget gate of Gers et al. 2000):
/// <code>
/// i_t = σ(W_ii x_t + b_ii + W_hi h_{t−1} + b_hi [+ p_i ⊙ c_{t−1}])
/// f_t = σ(W_if x_t + b_if + W_hf h_{t−1} + b_hf [+ p_f ⊙ c_{t−1}])
/// g_t = tanh(W_ig x_t + b_ig + W_hg h_{t−1} + b_hg)
/// c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
/// o_t = σ(W_io x_t + b_io + W_ho h_{t−1} + b_ho [+ p_o ⊙ c_t])
/// h_t = o_t ⊙ tanh(c_t)
/// </code>
/// Parameters are laid out as PyTorch's <c>torch.nn.LSTM</c>, gate order i, f, g, o:
/// <c>weight_ih [4H, I]</c>, <c>weight_hh [4H, H]</c>, <c>bias_ih [4H]</c>, <c>bias_hh [4H]</c>, so a PyTorch
/// <c>state_dict</c> maps onto them one to one; with <see cref="Peephole"/> a fifth tensor
/// <c>peephole [3, H]</c> follows (rows p_i, p_f, p_o). The layer carries two states, <c>h</c> and the cell
/// state <c>c</c>; both have an initial value and a final value in the workspace.
/// </summary>
/// <remarks>
/// With <see cref="CoupledInputForget"/> the input gate is not learned but tied to the forget gate,
/// <c>i_t = 1 − f_t</c>. Its rows are then <em>dropped</em>, not kept at zero gradient: the layer has three
/// gates in the order f, g, o (<c>weight_ih [3H, I]</c>, <c>weight_hh [3H, H]</c>, <c>bias_ih [3H]</c>,
/// <c>bias_hh [3H]</c>, <c>peephole [2, H]</c> with rows p_f, p_o), a quarter fewer parameters and no dead
/// weights for an optimizer to carry. See <c>docs/cells.md</c> for the mapping onto ONNX's <c>input_forget</c>.
/// </remarks>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class LstmAttribute : Attribute
{
    /// <summary>Declares an LSTM layer with <paramref name="hidden"/> units.</summary>
    /// <param name="hidden">Number of hidden units, the size of both <c>h_t</c> and <c>c_t</c>.</param>
    public LstmAttribute(int hidden) => Hidden = hidden;

    /// <summary>Number of hidden units.</summary>
    public int Hidden { get; }

    /// <summary>
    /// Adds peephole connections (Gers &amp; Schmidhuber 2000, as ONNX defines them): the input and forget
    /// gates also see the previous cell state <c>c_{t−1}</c>, the output gate sees the new cell state
    /// <c>c_t</c>, each through a vector of weights (elementwise, not a matrix). <see langword="false"/> by default,
    /// as in PyTorch, Keras and cuDNN.
    /// </summary>
    public bool Peephole { get; set; }

    /// <summary>
    /// Couples the input gate to the forget gate, <c>i_t = 1 − f_t</c>, so that
    /// <c>c_t = f_t ⊙ c_{t−1} + (1 − f_t) ⊙ g_t</c>: what is forgotten is exactly what gets written. The input
    /// gate's weights are dropped (three gates f, g, o). <see langword="false"/> by default. Combinable with
    /// <see cref="Peephole"/>.
    /// </summary>
    public bool CoupledInputForget { get; set; }

    /// <summary>
    /// <see langword="true"/> (the default) passes <c>h_t</c> of every step to the next layer
    /// (many-to-many); <see langword="false"/> passes only the last step's <c>h_T</c> (many-to-one).
    /// </summary>
    public bool ReturnSequences { get; set; } = true;
}

/// <summary>
/// A gated recurrent unit layer (Cho et al. 2014):
/// <code>
/// r_t = σ(W_ir x_t + b_ir + W_hr h_{t−1} + b_hr)
/// z_t = σ(W_iz x_t + b_iz + W_hz h_{t−1} + b_hz)
/// n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))        (ResetAfter = true, the default)
/// n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t−1}) + b_hn)        (ResetAfter = false)
/// h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
/// </code>
/// Parameters are laid out as PyTorch's <c>torch.nn.GRU</c>, gate order r, z, n: <c>weight_ih [3H, I]</c>,
/// <c>weight_hh [3H, H]</c>, <c>bias_ih [3H]</c>, <c>bias_hh [3H]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class GruAttribute : Attribute
{
    /// <summary>Declares a GRU layer with <paramref name="hidden"/> units.</summary>
    /// <param name="hidden">Number of hidden units (the size of <c>h_t</c>).</param>
    public GruAttribute(int hidden) => Hidden = hidden;

    /// <summary>Number of hidden units.</summary>
    public int Hidden { get; }

    /// <summary>
    /// Where the reset gate acts. <see langword="true"/> (the default) applies it <em>after</em> the recurrent
    /// product, <c>n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t−1} + b_hn))</c>: the form of PyTorch, cuDNN and
    /// Keras (<c>reset_after=True</c>), ONNX <c>linear_before_reset = 1</c>. It is the default because weights
    /// trained in those frameworks only load correctly into this form, and because all three gates' recurrent
    /// products are then one matrix product per step. <see langword="false"/> is the original form of
    /// Cho et al. 2014 (ONNX <c>linear_before_reset = 0</c>), <c>n_t = tanh(W_in x_t + b_in + W_hn (r_t ⊙ h_{t−1}) + b_hn)</c>,
    /// which needs the reset gate before the candidate's recurrent product can start. The parameters have the
    /// same shapes in both forms, but the forms compute different functions.
    /// </summary>
    public bool ResetAfter { get; set; } = true;

    /// <summary>
    /// <see langword="true"/> (the default) passes <c>h_t</c> of every step to the next layer
    /// (many-to-many); <see langword="false"/> passes only the last step's <c>h_T</c> (many-to-one).
    /// </summary>
    public bool ReturnSequences { get; set; } = true;
}
