using System.Collections.Generic;
using System.Text;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Planning;

/// <summary>Where one layer's weights are found in a PyTorch <c>state_dict</c> unless the user says otherwise.</summary>
/// <param name="Layer">The layer's property name.</param>
/// <param name="IsRecurrent">Named <c>{module}.weight_ih_l{index}</c>, ... rather than <c>{module}.weight</c>, <c>{module}.bias</c>.</param>
/// <param name="Module">The module path; empty for bare names.</param>
/// <param name="Index">The layer's index in its recurrent module.</param>
/// <param name="Unsupported">Why the layer has no PyTorch counterpart, or null.</param>
internal sealed record PyTorchDefault(string Layer, bool IsRecurrent, string Module, int Index, string? Unsupported);

/// <summary>
/// The default PyTorch names of a model's layers. Consecutive recurrent layers that one <c>nn.RNN</c>, <c>nn.LSTM</c> or
/// <c>nn.GRU</c> with <c>num_layers &gt; 1</c> could hold (same kind, hidden size, directions and options, each but the
/// last returning every step) form one module, numbered <c>l0</c>, <c>l1</c>, ...; a dense layer is an <c>nn.Linear</c>.
/// A model that is exactly one recurrent module reads the bare names of that module's own <c>state_dict</c>
/// (<c>weight_ih_l0</c>); otherwise each module is the snake_case name of its (first) layer's property, as the
/// attribute of a PyTorch <c>nn.Module</c> would be (<c>Encoder</c> → <c>encoder.weight_ih_l0</c>,
/// <c>OutputProjection</c> → <c>output_projection.weight</c>).
/// </summary>
internal static class PyTorchNaming
{
    public static IReadOnlyList<PyTorchDefault> Defaults(NetworkPlan plan)
    {
        var result = new List<PyTorchDefault>();
        int modules = 0;
        bool allRecurrent = true;
        LayerSpec? previous = null;
        string module = string.Empty;
        int index = 0;
        foreach (var layer in plan.Layers)
        {
            var spec = layer.Spec;
            allRecurrent &= spec.IsRecurrent;
            if (spec.IsRecurrent && previous is not null && Continues(previous, spec))
            {
                index++;
            }
            else
            {
                module = SnakeCase(spec.Name);
                index = 0;
                modules++;
            }

            result.Add(new PyTorchDefault(spec.Name, spec.IsRecurrent, module, index, Unsupported(spec)));
            previous = spec;
        }

        if (modules == 1 && allRecurrent)
        {
            for (int i = 0; i < result.Count; i++)
            {
                result[i] = result[i] with { Module = string.Empty };
            }
        }

        return result;
    }

    /// <summary>Why a layer has no PyTorch counterpart, or null.</summary>
    private static string? Unsupported(LayerSpec spec)
    {
        if (spec.Kind == LayerKind.Lstm && (spec.Peephole || spec.CoupledInputForget))
        {
            var reasons = new List<string>();
            if (spec.Peephole)
            {
                reasons.Add($"it has peephole weights ({spec.Name}.peephole), which torch.nn.LSTM does not have");
            }

            if (spec.CoupledInputForget)
            {
                reasons.Add("its input gate is coupled to the forget gate (i = 1 − f, three gate blocks), which torch.nn.LSTM does not have");
            }

            return string.Join("; ", reasons);
        }

        if (spec.Kind == LayerKind.Gru && !spec.ResetAfter)
        {
            return "it applies the reset gate before the recurrent product (ResetAfter = false), torch.nn.GRU after it: a different function";
        }

        return null;
    }

    /// <summary>Whether <paramref name="next"/> can be the layer after <paramref name="previous"/> in one PyTorch module.</summary>
    private static bool Continues(LayerSpec previous, LayerSpec next) =>
        previous.IsRecurrent
        && previous.ReturnSequences
        && previous.Kind == next.Kind
        && previous.Size == next.Size
        && previous.Bidirectional == next.Bidirectional
        && previous.Activation == next.Activation
        && previous.Peephole == next.Peephole
        && previous.CoupledInputForget == next.CoupledInputForget
        && previous.ResetAfter == next.ResetAfter;

    /// <summary><c>OutputProjection</c> → <c>output_projection</c>, <c>HTTPHead</c> → <c>http_head</c>, <c>Lstm2</c> → <c>lstm2</c>.</summary>
    public static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                char before = name[i - 1];
                bool nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (char.IsLower(before) || char.IsDigit(before) || (char.IsUpper(before) && nextIsLower))
                {
                    text.Append('_');
                }
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }
}
