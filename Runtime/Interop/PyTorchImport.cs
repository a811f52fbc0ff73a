using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.IO;
using System.Linq;
using RnnGen.IO;

namespace RnnGen.Interop;

/// <summary>
/// Where one layer of a generated model finds its weights in a PyTorch <c>state_dict</c>. Generated models build a
/// table of these from their layers (see <c>docs/pytorch-import.md</c> for the defaults); <see cref="PyTorchNames"/>
/// overrides entries.
/// </summary>
/// <param name="Layer">The layer's property name.</param>
/// <param name="IsRecurrent">Whether it is an Elman, LSTM or GRU layer (named <c>{module}.weight_ih_l{index}</c>, ...)
/// rather than a dense layer (named <c>{module}.weight</c>, <c>{module}.bias</c>).</param>
/// <param name="Module">The PyTorch module's attribute path, such as <c>lstm</c> or <c>decoder</c>; empty for the bare
/// <c>state_dict</c> of a single <c>nn.LSTM</c>.</param>
/// <param name="Index">The recurrent layer's index within its module, the <c>k</c> of <c>_lk</c>.</param>
/// <param name="Unsupported">Why the layer has no PyTorch counterpart, or <see langword="null"/> if it has one.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record PyTorchLayer(string Layer, bool IsRecurrent, string Module, int Index, string? Unsupported = null);

/// <summary>
/// Overrides of the PyTorch names a generated model looks for in <c>LoadPyTorch</c>: which module and layer index each
/// layer reads, and a prefix in front of every name (such as <c>module.</c> for a model saved from
/// <c>DistributedDataParallel</c>). Layers not mentioned keep their default names.
/// </summary>
/// <example>
/// <code>
/// // state_dict keys "rnn.weight_ih_l0", ..., "rnn.weight_ih_l1_reverse", ..., "out.weight", "out.bias"
/// model.LoadPyTorch(file, new PyTorchNames()
///     .Recurrent("Lower", "rnn", index: 0)
///     .Recurrent("Upper", "rnn", index: 1)
///     .Linear("Classifier", "out"));
/// </code>
/// </example>
public sealed class PyTorchNames
{
    private readonly Dictionary<string, PyTorchLayer> _layers = new(StringComparer.Ordinal);

    /// <summary>A prefix in front of every name, for example <c>"model."</c> or <c>"module."</c>; empty by default.</summary>
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Maps recurrent layer <paramref name="layer"/> to <c>{module}.weight_ih_l{index}</c>, <c>{module}.weight_hh_l{index}</c>, ... (and <c>..._reverse</c>).</summary>
    /// <param name="layer">The layer's property name in the model class.</param>
    /// <param name="module">The <c>nn.RNN</c>/<c>nn.LSTM</c>/<c>nn.GRU</c> module's path in the <c>state_dict</c>; empty for bare names.</param>
    /// <param name="index">The layer's index in that module (<c>num_layers</c> counts from 0).</param>
    /// <returns>This object, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative.</exception>
    public PyTorchNames Recurrent(string layer, string module, int index = 0)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(module);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        _layers[layer] = new PyTorchLayer(layer, IsRecurrent: true, module, index);
        return this;
    }

    /// <summary>Maps dense layer <paramref name="layer"/> to <c>{module}.weight</c> and <c>{module}.bias</c> (an <c>nn.Linear</c>).</summary>
    /// <param name="layer">The layer's property name in the model class.</param>
    /// <param name="module">The <c>nn.Linear</c> module's path in the <c>state_dict</c>.</param>
    /// <returns>This object, for chaining.</returns>
    public PyTorchNames Linear(string layer, string module)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(module);
        _layers[layer] = new PyTorchLayer(layer, IsRecurrent: false, module, 0);
        return this;
    }

    /// <summary>Maps embedding layer <paramref name="layer"/> to <c>{module}.weight</c> (an <c>nn.Embedding</c>).</summary>
    /// <param name="layer">The layer's property name in the model class.</param>
    /// <param name="module">The <c>nn.Embedding</c> module's path in the <c>state_dict</c>.</param>
    /// <returns>This object, for chaining.</returns>
    public PyTorchNames Embedding(string layer, string module) => Linear(layer, module);

    internal IReadOnlyDictionary<string, PyTorchLayer> Layers => _layers;
}

/// <summary>
/// Loads a PyTorch <c>state_dict</c> saved as safetensors into a generated model's parameter arena: the engine behind
/// every model's <c>LoadPyTorch</c>. PyTorch's recurrent layouts are the project's own (gate orders LSTM i, f, g, o and
/// GRU r, z, n; <c>weight_ih [G·H, I]</c>, <c>weight_hh [G·H, H]</c>, both biases), so tensors are copied as they are.
/// </summary>
public static class PyTorchImport
{
    /// <summary>
    /// Reads every parameter of a model from <paramref name="file"/>. Checks everything first and changes the arena
    /// only if all is well: either every tensor is loaded or none is.
    /// </summary>
    /// <param name="model">The model's name, for messages.</param>
    /// <param name="file">The <c>state_dict</c>, as written by <c>safetensors.torch.save_file(model.state_dict(), path)</c>.</param>
    /// <param name="tensors">The model's <c>ParameterTensors</c>.</param>
    /// <param name="layers">The model's default PyTorch names, one entry per layer.</param>
    /// <param name="names">Overrides of the defaults, or <see langword="null"/>.</param>
    /// <param name="strict">When <see langword="true"/>, a tensor the model needs but the file lacks, or a tensor in the file
    /// no parameter maps to, is an error; when <see langword="false"/> both are skipped (as PyTorch's
    /// <c>load_state_dict(strict=False)</c>) and missing parameters keep their values. A wrong shape is always an error.</param>
    /// <param name="parameters">The model's parameter arena.</param>
    /// <exception cref="InvalidDataException">The file does not fit the model; the message lists every problem, naming each
    /// tensor with its expected and found shapes. The model is unchanged.</exception>
    /// <exception cref="NotSupportedException">A layer has no PyTorch counterpart (peepholes, coupled gates, reset-before GRU).</exception>
    /// <exception cref="ArgumentException"><paramref name="names"/> refers to a layer the model lacks, maps a layer to the wrong
    /// kind of module, or maps two tensors to one name.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Load(
        string model, SafeTensorsFile file, IReadOnlyList<TensorInfo> tensors, IReadOnlyList<PyTorchLayer> layers,
        PyTorchNames? names, bool strict, Span<float> parameters)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(layers);
        var mapping = MapNames(model, tensors, layers, names);

        var staged = parameters.ToArray();
        var problems = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            string torchName = mapping[tensor.Name];
            used.Add(torchName);
            if (!file.Contains(torchName))
            {
                if (strict)
                {
                    problems.Add($"missing tensor '{torchName}' (for {tensor.Name}), expected shape {tensor.ShapeText}");
                }

                continue;
            }

            int[] shape = file.Shape(torchName);
            if (!shape.AsSpan().SequenceEqual(tensor.Shape))
            {
                problems.Add($"tensor '{torchName}' (for {tensor.Name}) has shape {ShapeText(shape)}, expected {tensor.ShapeText}");
                continue;
            }

            try
            {
                file.GetFloats(torchName).CopyTo(tensor.Slice(staged));
            }
            catch (InvalidDataException e)
            {
                problems.Add($"tensor '{torchName}' (for {tensor.Name}) cannot be read as floats: {e.Message}");
            }
        }

        if (strict)
        {
            foreach (var name in file.Names.Where(n => !used.Contains(n)).OrderBy(n => n, StringComparer.Ordinal))
            {
                problems.Add($"unexpected tensor '{name}', shape {ShapeText(file.Shape(name))}: no parameter of {model} maps to it");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"Cannot load the PyTorch state_dict into {model}; nothing was changed. {problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")}:"
                + string.Concat(problems.Select(p => Environment.NewLine + "  " + p))
                + (strict ? Environment.NewLine + "Names can be changed with PyTorchNames; strict: false skips missing and unexpected tensors." : string.Empty));
        }

        staged.CopyTo(parameters);
    }

    /// <summary>
    /// The PyTorch name of every parameter tensor (<c>Layer.tensor</c> → <c>module.tensor_lk</c>), after applying
    /// <paramref name="names"/> to the defaults in <paramref name="layers"/>.
    /// </summary>
    /// <param name="model">The model's name, for messages.</param>
    /// <param name="tensors">The model's <c>ParameterTensors</c>.</param>
    /// <param name="layers">The model's default PyTorch names.</param>
    /// <param name="names">Overrides, or <see langword="null"/>.</param>
    /// <returns>PyTorch names by tensor name.</returns>
    /// <exception cref="NotSupportedException">A layer has no PyTorch counterpart.</exception>
    /// <exception cref="ArgumentException">An override does not fit the model, or two tensors get one name.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static IReadOnlyDictionary<string, string> MapNames(string model, IReadOnlyList<TensorInfo> tensors, IReadOnlyList<PyTorchLayer> layers, PyTorchNames? names)
    {
        var byLayer = layers.ToDictionary(l => l.Layer, StringComparer.Ordinal);
        if (names is not null)
        {
            foreach (var (layer, mapped) in names.Layers)
            {
                if (!byLayer.TryGetValue(layer, out var declared))
                {
                    throw new ArgumentException($"PyTorchNames maps layer '{layer}', which {model} does not have; its layers are {string.Join(", ", layers.Select(l => l.Layer))}.", nameof(names));
                }

                if (declared.IsRecurrent != mapped.IsRecurrent)
                {
                    throw new ArgumentException(
                        $"PyTorchNames maps layer '{layer}' with {(mapped.IsRecurrent ? "Recurrent" : "Linear")}, but it is a {(declared.IsRecurrent ? "recurrent" : "dense or embedding")} layer; use {(declared.IsRecurrent ? "Recurrent" : "Linear or Embedding")}.",
                        nameof(names));
                }

                byLayer[layer] = mapped with { Unsupported = declared.Unsupported };
            }
        }

        foreach (var layer in layers)
        {
            if (byLayer[layer.Layer].Unsupported is { } reason)
            {
                throw new NotSupportedException($"Layer '{layer.Layer}' of {model} has no PyTorch counterpart: {reason}.");
            }
        }

        string prefix = names?.Prefix ?? string.Empty;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            int dot = tensor.Name.IndexOf('.', StringComparison.Ordinal);
            var layer = byLayer[tensor.Name.Substring(0, dot)];
            string local = tensor.Name.Substring(dot + 1);
            string module = layer.Module.Length > 0 ? prefix + layer.Module + "." : prefix;
            string torchName;
            if (layer.IsRecurrent)
            {
                const string Reverse = "_reverse";
                bool reverse = local.EndsWith(Reverse, StringComparison.Ordinal);
                string stem = reverse ? local.Substring(0, local.Length - Reverse.Length) : local;
                torchName = module + stem + "_l" + layer.Index.ToString(CultureInfo.InvariantCulture) + (reverse ? Reverse : string.Empty);
            }
            else
            {
                torchName = module + local;
            }

            if (owners.TryGetValue(torchName, out var other))
            {
                throw new ArgumentException($"{other} and {tensor.Name} of {model} would both load '{torchName}'; give their layers different modules or indices.", nameof(names));
            }

            owners[torchName] = tensor.Name;
            result[tensor.Name] = torchName;
        }

        return result;
    }

    private static string ShapeText(int[] shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
