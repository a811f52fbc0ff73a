using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace RnnGen.IO;

/// <summary>
/// Saves and loads the parameters of a generated model as a safetensors file: one <c>F32</c> tensor per entry of the
/// model's <c>ParameterTensors</c>, named <c>Layer.tensor</c> and shaped as listed there (PyTorch layout), plus
/// metadata naming the model and the format version. The generated <c>Save</c> and <c>Load</c> methods call these.
/// </summary>
/// <remarks>
/// Loading is strict and all-or-nothing: every expected tensor must be present with its exact shape and no other
/// tensor may be, and the whole file is checked before a single parameter is written, so a load that fails leaves
/// the model as it was. Saving to a path is atomic (see <see cref="SafeTensorsWriter.Save(string)"/>): a save that
/// fails or is interrupted leaves any earlier file at that path intact.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The checkpoint format this runtime writes, and the newest it reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>Metadata key of the format version, a decimal integer.</summary>
    public const string FormatVersionKey = "rnngen.format_version";

    /// <summary>Metadata key of the full name of the model class that saved the file.</summary>
    public const string ModelKey = "rnngen.model";

    /// <summary>Metadata key of a one-line description of the layers of the model that saved the file.</summary>
    public const string ArchitectureKey = "rnngen.architecture";

    /// <summary>A writer holding every parameter tensor and the metadata, ready to save or serialize.</summary>
    /// <param name="parameters">The model's parameter arena.</param>
    /// <param name="tensors">The model's <c>ParameterTensors</c>.</param>
    /// <param name="model">Full name of the model class.</param>
    /// <param name="architecture">One-line description of its layers.</param>
    /// <returns>The writer.</returns>
    /// <exception cref="ArgumentException">A tensor lies outside <paramref name="parameters"/>.</exception>
    public static SafeTensorsWriter CreateWriter(ReadOnlySpan<float> parameters, IReadOnlyList<TensorInfo> tensors, string model, string architecture)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(architecture);
        CheckArena(parameters.Length, tensors);
        var writer = new SafeTensorsWriter()
            .AddMetadata(FormatVersionKey, FormatVersion.ToString(CultureInfo.InvariantCulture))
            .AddMetadata(ModelKey, model)
            .AddMetadata(ArchitectureKey, architecture);
        foreach (var tensor in tensors)
        {
            writer.Add(tensor.Name, parameters.Slice(tensor.Offset, tensor.Length), tensor.Shape);
        }

        return writer;
    }

    /// <summary>Writes the parameters to <paramref name="path"/> atomically, replacing any file there only once the new one is complete.</summary>
    /// <param name="path">The file to create or replace; <c>.safetensors</c> is the usual extension.</param>
    /// <param name="parameters">The model's parameter arena.</param>
    /// <param name="tensors">The model's <c>ParameterTensors</c>.</param>
    /// <param name="model">Full name of the model class.</param>
    /// <param name="architecture">One-line description of its layers.</param>
    /// <exception cref="IOException">The file could not be written; an earlier file at <paramref name="path"/> is unchanged.</exception>
    public static void Save(string path, ReadOnlySpan<float> parameters, IReadOnlyList<TensorInfo> tensors, string model, string architecture) =>
        Save(path, parameters, tensors, model, architecture, beforeCommit: null);

    /// <summary><see cref="Save(string, ReadOnlySpan{float}, IReadOnlyList{TensorInfo}, string, string)"/> with the writer's hook that runs just before the rename (tests inject failures with it).</summary>
    internal static void Save(string path, ReadOnlySpan<float> parameters, IReadOnlyList<TensorInfo> tensors, string model, string architecture, Action<string>? beforeCommit)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CreateWriter(parameters, tensors, model, architecture).Save(path, beforeCommit);
    }

    /// <summary>Writes the parameters to <paramref name="stream"/> as one safetensors file.</summary>
    /// <param name="stream">A writable stream; it is not closed.</param>
    /// <param name="parameters">The model's parameter arena.</param>
    /// <param name="tensors">The model's <c>ParameterTensors</c>.</param>
    /// <param name="model">Full name of the model class.</param>
    /// <param name="architecture">One-line description of its layers.</param>
    public static void Save(Stream stream, ReadOnlySpan<float> parameters, IReadOnlyList<TensorInfo> tensors, string model, string architecture)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(CreateWriter(parameters, tensors, model, architecture).ToArray());
    }

    /// <summary>Reads the safetensors file at <paramref name="path"/> into <paramref name="parameters"/>, or changes nothing.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="parameters">The model's parameter arena, written only if the whole file fits.</param>
    /// <param name="tensors">The model's <c>ParameterTensors</c>.</param>
    /// <param name="model">Full name of the model class, for messages.</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not valid safetensors, comes from a newer format, or does not hold exactly the model's tensors with their
    /// shapes; the message names every tensor that is missing, unexpected or of the wrong shape. <paramref name="parameters"/> is unchanged.
    /// </exception>
    public static void Load(string path, Span<float> parameters, IReadOnlyList<TensorInfo> tensors, string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Load(SafeTensorsFile.Read(path), parameters, tensors, model, $"checkpoint '{path}'");
    }

    /// <summary>Reads one safetensors file from <paramref name="stream"/> into <paramref name="parameters"/>, or changes nothing.</summary>
    /// <param name="stream">A readable stream, read to its end; it is not closed.</param>
    /// <param name="parameters">The model's parameter arena, written only if the whole file fits.</param>
    /// <param name="tensors">The model's <c>ParameterTensors</c>.</param>
    /// <param name="model">Full name of the model class, for messages.</param>
    /// <exception cref="InvalidDataException">As for <see cref="Load(string, Span{float}, IReadOnlyList{TensorInfo}, string)"/>.</exception>
    public static void Load(Stream stream, Span<float> parameters, IReadOnlyList<TensorInfo> tensors, string model)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        Load(SafeTensorsFile.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)), parameters, tensors, model, "checkpoint stream");
    }

    /// <summary>Copies the tensors of a parsed file into <paramref name="parameters"/> after checking all of them, or changes nothing.</summary>
    /// <param name="file">The parsed file.</param>
    /// <param name="parameters">The model's parameter arena, written only if the whole file fits.</param>
    /// <param name="tensors">The model's <c>ParameterTensors</c>.</param>
    /// <param name="model">Full name of the model class, for messages.</param>
    /// <param name="source">What the file is, for messages (<c>checkpoint 'model.safetensors'</c>).</param>
    /// <exception cref="InvalidDataException">As for <see cref="Load(string, Span{float}, IReadOnlyList{TensorInfo}, string)"/>.</exception>
    public static void Load(SafeTensorsFile file, Span<float> parameters, IReadOnlyList<TensorInfo> tensors, string model, string source)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        CheckArena(parameters.Length, tensors);
        file.Metadata.TryGetValue(ModelKey, out var savedBy);
        string origin = savedBy is null || savedBy == model ? string.Empty : $" (saved by {savedBy})";
        CheckVersion(file, source);

        // Everything is checked and converted before anything is written: a failed load changes nothing.
        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            expected.Add(tensor.Name);
            if (!file.Contains(tensor.Name))
            {
                problems.Add($"tensor '{tensor.Name}' is missing (expected {tensor.ShapeText})");
                continue;
            }

            var shape = file.Shape(tensor.Name);
            if (!shape.AsSpan().SequenceEqual(tensor.Shape))
            {
                problems.Add($"tensor '{tensor.Name}' has shape {SafeTensorsFile.FormatShape(shape)}, expected {tensor.ShapeText}");
            }
            else if (file.DataType(tensor.Name) is not ("F32" or "F16" or "BF16" or "F64"))
            {
                problems.Add($"tensor '{tensor.Name}' has dtype {file.DataType(tensor.Name)}, expected F32");
            }
        }

        foreach (var name in file.Names.Where(n => !expected.Contains(n)))
        {
            problems.Add($"unexpected tensor '{name}' {SafeTensorsFile.FormatShape(file.Shape(name))}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"{source}{origin} does not fit {model}: {string.Join("; ", problems)}. The model's parameters are unchanged.");
        }

        var values = tensors.Select(t => file.GetFloats(t.Name)).ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            values[i].CopyTo(tensors[i].Slice(parameters));
        }
    }

    private static void CheckVersion(SafeTensorsFile file, string source)
    {
        if (!file.Metadata.TryGetValue(FormatVersionKey, out var text))
        {
            // A plain safetensors file with the right names and shapes (written by another tool) is welcome.
            return;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
        {
            throw new InvalidDataException($"{source}: metadata '{FormatVersionKey}' is '{text}', not a format version. The model's parameters are unchanged.");
        }

        if (version > FormatVersion)
        {
            throw new InvalidDataException(
                $"{source} has format version {version}; this RnnGen reads versions up to {FormatVersion}. The model's parameters are unchanged.");
        }
    }

    private static void CheckArena(int length, IReadOnlyList<TensorInfo> tensors)
    {
        foreach (var tensor in tensors)
        {
            if (tensor.Offset < 0 || (long)tensor.Offset + tensor.Length > length)
            {
                throw new ArgumentException(
                    $"tensor '{tensor.Name}' {tensor.ShapeText} at offset {tensor.Offset} lies outside the {length} parameters.", nameof(tensors));
            }
        }
    }
}
