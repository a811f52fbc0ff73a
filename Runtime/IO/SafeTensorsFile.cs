using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace RnnGen.IO;

/// <summary>
/// An in-memory, fully validated <a href="https://github.com/huggingface/safetensors">safetensors</a> file:
/// an 8-byte little-endian header length <c>N</c>, <c>N</c> bytes of UTF-8 JSON mapping each tensor name to
/// <c>{"dtype", "shape", "data_offsets"}</c> (plus an optional <c>"__metadata__"</c> string map), then the
/// little-endian data buffer that the offsets index into.
/// </summary>
/// <remarks>
/// Every malformed input is reported as an <see cref="InvalidDataException"/>: the header length is bounded,
/// the JSON is parsed with a depth limit and without duplicate keys, every entry's byte size is checked against
/// its dtype and shape with overflow checks, and the tensors must tile the data buffer exactly (no gaps, no
/// overlaps, no trailing bytes). Tensors with dtypes this reader does not know are listed in
/// <see cref="Names"/> but cannot be converted with <see cref="GetFloats(string)"/>.
/// </remarks>
public sealed class SafeTensorsFile
{
    /// <summary>The largest accepted JSON header, in bytes; the same limit as the Python library.</summary>
    public const int MaxHeaderLength = 100_000_000;

    private const string MetadataKey = "__metadata__";
    private const int MaxJsonDepth = 16;

    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1, ["F8_E8M0"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8, ["C64"] = 8,
    };

    private readonly Dictionary<string, Entry> _entries;
    private readonly string[] _names;
    private readonly byte[] _buffer;
    private readonly int _dataStart;

    private SafeTensorsFile(Dictionary<string, Entry> entries, IReadOnlyDictionary<string, string> metadata, byte[] buffer, int dataStart)
    {
        _entries = entries;
        _names = entries.Keys.ToArray();
        Array.Sort(_names, StringComparer.Ordinal);
        _buffer = buffer;
        _dataStart = dataStart;
        Metadata = metadata;
        Names = Array.AsReadOnly(_names);
    }

    /// <summary>The <c>"__metadata__"</c> string map; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor names, in ordinal order.</summary>
    public IReadOnlyCollection<string> Names { get; }

    /// <summary>Reads and validates the safetensors file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <returns>The parsed file.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"safetensors file '{path}' not found", path);
        }

        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            if (stream.Length > Array.MaxLength)
            {
                throw new InvalidDataException($"invalid safetensors file '{path}': {stream.Length} bytes is too large to load into memory");
            }

            bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
        }

        return ParseCore(bytes, bytes, $"safetensors file '{path}'");
    }

    /// <summary>Parses and validates a safetensors file held in memory. The data is copied.</summary>
    /// <param name="bytes">The complete file contents.</param>
    /// <returns>The parsed file.</returns>
    /// <exception cref="InvalidDataException">The bytes are not a valid safetensors file.</exception>
    public static SafeTensorsFile Parse(ReadOnlySpan<byte> bytes) => ParseCore(bytes, owner: null, "safetensors data");

    /// <summary>Whether the file holds a tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns><see langword="true"/> if the tensor exists.</returns>
    public bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _entries.ContainsKey(name);
    }

    /// <summary>The shape of tensor <paramref name="name"/> (a fresh copy; empty for a scalar).</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The dimensions, outermost first.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor; the message lists some that exist.</exception>
    public int[] Shape(string name) => (int[])Find(name).Shape.Clone();

    /// <summary>The dtype string of tensor <paramref name="name"/> as written in the header, e.g. <c>"F32"</c>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>The dtype.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    public string DataType(string name) => Find(name).DataType;

    /// <summary>The raw little-endian bytes of tensor <paramref name="name"/>, whatever its dtype.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>A read-only view of the tensor's bytes.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    public ReadOnlyMemory<byte> GetRawBytes(string name)
    {
        var entry = Find(name);
        return new ReadOnlyMemory<byte>(_buffer, _dataStart + entry.Begin, entry.End - entry.Begin);
    }

    /// <summary>
    /// The elements of tensor <paramref name="name"/> as floats, in row-major order. <c>F32</c> is returned
    /// bit-exactly (NaN payloads included); <c>F16</c> and <c>BF16</c> are widened exactly; <c>F64</c> is
    /// rounded to the nearest float.
    /// </summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>A new array with the tensor's elements.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidDataException">The tensor's dtype cannot be converted to float.</exception>
    public float[] GetFloats(string name)
    {
        var entry = Find(name);
        var raw = _buffer.AsSpan(_dataStart + entry.Begin, entry.End - entry.Begin);
        switch (entry.DataType)
        {
            case "F32":
            {
                var result = new float[raw.Length / sizeof(float)];
                if (BitConverter.IsLittleEndian)
                {
                    raw.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
                }
                else
                {
                    for (int i = 0; i < result.Length; i++)
                    {
                        result[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * sizeof(float)));
                    }
                }

                return result;
            }

            case "F16":
            {
                var result = new float[raw.Length / 2];
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw.Slice(i * 2));
                }

                return result;
            }

            case "BF16":
            {
                var result = new float[raw.Length / 2];
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw.Slice(i * 2)) << 16);
                }

                return result;
            }

            case "F64":
            {
                var result = new float[raw.Length / sizeof(double)];
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(raw.Slice(i * sizeof(double)));
                }

                return result;
            }

            default:
                throw new InvalidDataException(
                    $"tensor '{name}' has dtype {entry.DataType}; GetFloats supports F32, F16, BF16 and F64");
        }
    }

    /// <summary>Like <see cref="GetFloats(string)"/>, but first checks the tensor's shape.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="expectedShape">The required dimensions, outermost first.</param>
    /// <returns>A new array with the tensor's elements.</returns>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidDataException">The shape differs, or the dtype cannot be converted to float.</exception>
    public float[] GetFloats(string name, params int[] expectedShape)
    {
        ArgumentNullException.ThrowIfNull(expectedShape);
        var shape = Find(name).Shape;
        if (!shape.AsSpan().SequenceEqual(expectedShape))
        {
            throw new InvalidDataException($"tensor '{name}' has shape {FormatShape(shape)}, expected {FormatShape(expectedShape)}");
        }

        return GetFloats(name);
    }

    internal static string FormatShape(int[] shape) =>
        "[" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";

    private Entry Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_entries.TryGetValue(name, out var entry))
        {
            return entry;
        }

        if (_names.Length == 0)
        {
            throw new KeyNotFoundException($"tensor '{name}' not found; the file contains no tensors");
        }

        const int Shown = 8;
        var similar = _names.Where(n => n.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(n, StringComparison.OrdinalIgnoreCase));
        var suggestions = similar.Concat(_names).Distinct().Take(Shown).Select(n => $"'{n}'");
        var more = _names.Length > Shown ? $", ... ({_names.Length} tensors in total)" : string.Empty;
        throw new KeyNotFoundException($"tensor '{name}' not found; available: {string.Join(", ", suggestions)}{more}");
    }

    private static SafeTensorsFile ParseCore(ReadOnlySpan<byte> bytes, byte[]? owner, string source)
    {
        try
        {
            if (bytes.Length < 8)
            {
                throw new InvalidDataException($"{bytes.Length} bytes is shorter than the 8-byte header length prefix");
            }

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            if (headerLength > MaxHeaderLength)
            {
                throw new InvalidDataException($"header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes");
            }

            if (headerLength > (ulong)(bytes.Length - 8))
            {
                throw new InvalidDataException($"header length {headerLength} exceeds the {bytes.Length - 8} bytes that follow the prefix");
            }

            var header = bytes.Slice(8, (int)headerLength);
            if (!Utf8.IsValid(header))
            {
                throw new InvalidDataException("header is not valid UTF-8");
            }

            int dataStart = 8 + header.Length;
            int dataLength = bytes.Length - dataStart;
            var (entries, metadata) = ParseHeader(header.ToArray(), dataLength);
            CheckLayout(entries, dataLength);

            return owner is null
                ? new SafeTensorsFile(entries, metadata, bytes.Slice(dataStart).ToArray(), 0)
                : new SafeTensorsFile(entries, metadata, owner, dataStart);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"invalid {source}: {e.Message}", e);
        }
    }

    private static (Dictionary<string, Entry> Entries, IReadOnlyDictionary<string, string> Metadata) ParseHeader(byte[] header, int dataLength)
    {
        JsonDocument document;
        try
        {
            var options = new JsonDocumentOptions { MaxDepth = MaxJsonDepth, AllowDuplicateProperties = false };
            document = JsonDocument.Parse(header, options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"header must be a JSON object, not {root.ValueKind}");
            }

            var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    ParseMetadata(property.Value, metadata);
                }
                else if (!entries.TryAdd(property.Name, ParseEntry(property.Name, property.Value, dataLength)))
                {
                    throw new InvalidDataException($"duplicate tensor name '{property.Name}'");
                }
            }

            return (entries, new ReadOnlyDictionary<string, string>(metadata));
        }
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{MetadataKey}' must be an object of strings, not {value.ValueKind}");
        }

        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"metadata '{item.Name}' must be a string, not {item.Value.ValueKind}");
            }

            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw new InvalidDataException($"duplicate metadata key '{item.Name}'");
            }
        }
    }

    private static Entry ParseEntry(string name, JsonElement value, int dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"tensor '{name}': entry must be an object, not {value.ValueKind}");
        }

        string? dataType = null;
        int[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype":
                    dataType = field.Value.ValueKind == JsonValueKind.String
                        ? field.Value.GetString()
                        : throw new InvalidDataException($"tensor '{name}': dtype must be a string, not {field.Value.ValueKind}");
                    break;
                case "shape":
                    shape = ReadIntegers(field.Value, name, "shape", int.MaxValue).Select(d => (int)d).ToArray();
                    break;
                case "data_offsets":
                    offsets = ReadIntegers(field.Value, name, "data_offsets", long.MaxValue);
                    break;
                default:
                    break; // Unknown fields are ignored, as the reference implementation does.
            }
        }

        if (dataType is null || shape is null || offsets is null)
        {
            var missing = dataType is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw new InvalidDataException($"tensor '{name}': missing '{missing}'");
        }

        if (offsets.Length != 2 || offsets[0] > offsets[1] || offsets[1] > dataLength)
        {
            throw new InvalidDataException(
                $"tensor '{name}': data_offsets [{string.Join(", ", offsets)}] must be [begin, end] with 0 <= begin <= end <= {dataLength} (the data length)");
        }

        if (ElementSizes.TryGetValue(dataType, out int elementSize))
        {
            long expected = ByteCount(shape, elementSize);
            if (expected != offsets[1] - offsets[0])
            {
                var expectedText = expected < 0 ? "more than 2^63" : expected.ToString(CultureInfo.InvariantCulture);
                throw new InvalidDataException(
                    $"tensor '{name}': {dataType} shape {FormatShape(shape)} needs {expectedText} bytes but data_offsets span {offsets[1] - offsets[0]}");
            }
        }

        return new Entry(dataType, shape, (int)offsets[0], (int)offsets[1]);
    }

    private static long[] ReadIntegers(JsonElement value, string name, string field, long max)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"tensor '{name}': {field} must be an array, not {value.ValueKind}");
        }

        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long number) || number < 0 || number > max)
            {
                throw new InvalidDataException($"tensor '{name}': {field} must hold integers in [0, {max}], found {item.GetRawText()}");
            }

            result[i++] = number;
        }

        return result;
    }

    /// <summary>product(shape) * elementSize, or -1 if that exceeds <see cref="long.MaxValue"/>.</summary>
    private static long ByteCount(int[] shape, int elementSize)
    {
        if (shape.Contains(0))
        {
            return 0;
        }

        long count = elementSize;
        foreach (int dim in shape)
        {
            if (count > long.MaxValue / dim)
            {
                return -1;
            }

            count *= dim;
        }

        return count;
    }

    private static void CheckLayout(Dictionary<string, Entry> entries, int dataLength)
    {
        var ordered = entries.OrderBy(e => e.Value.Begin).ThenBy(e => e.Value.End).ThenBy(e => e.Key, StringComparer.Ordinal);
        int position = 0;
        string? previous = null;
        foreach (var (name, entry) in ordered)
        {
            if (entry.Begin != position)
            {
                throw new InvalidDataException(entry.Begin < position
                    ? $"tensor '{name}' (bytes {entry.Begin}..{entry.End}) overlaps tensor '{previous}' (ending at {position})"
                    : $"gap of {entry.Begin - position} bytes before tensor '{name}' (tensors must cover the data buffer contiguously)");
            }

            position = entry.End;
            previous = name;
        }

        if (position != dataLength)
        {
            throw new InvalidDataException($"{dataLength - position} trailing bytes of the data buffer belong to no tensor");
        }
    }

    private sealed record Entry(string DataType, int[] Shape, int Begin, int End);
}

/// <summary>
/// Builds a safetensors file of <c>F32</c> tensors, writing the header exactly as the Python
/// <c>safetensors</c> library does: compact JSON, <c>"__metadata__"</c> first (only when there is metadata),
/// tensors sorted by name (UTF-8 byte order) and laid out in that order, header padded with spaces to a
/// multiple of 8 bytes.
/// </summary>
public sealed class SafeTensorsWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, (int[] Shape, byte[] Data)> _tensors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);
    private long _dataLength;

    /// <summary>Adds an <c>F32</c> tensor; the data is copied.</summary>
    /// <param name="name">A name not added before; not <c>"__metadata__"</c>.</param>
    /// <param name="data">The elements in row-major order.</param>
    /// <param name="shape">The dimensions, outermost first; their product must equal <c>data.Length</c> (none for a scalar).</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The name is taken or invalid, or the shape does not match the data.</exception>
    public SafeTensorsWriter Add(string name, ReadOnlySpan<float> data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        RequireWellFormed(name, nameof(name));
        if (name == "__metadata__")
        {
            throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor", nameof(name));
        }

        if (_tensors.ContainsKey(name))
        {
            throw new ArgumentException($"a tensor named '{name}' was already added", nameof(name));
        }

        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"tensor '{name}': shape {SafeTensorsFile.FormatShape(shape)} has a negative dimension", nameof(shape));
            }

            count = Math.Min(count * dim, (long)int.MaxValue + 1);
        }

        if (count != data.Length)
        {
            throw new ArgumentException(
                $"tensor '{name}': shape {SafeTensorsFile.FormatShape(shape)} does not match the {data.Length} elements given", nameof(shape));
        }

        if (data.Length > Array.MaxLength / sizeof(float))
        {
            throw new ArgumentException($"tensor '{name}' is too large", nameof(data));
        }

        var bytes = new byte[data.Length * sizeof(float)];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(data).CopyTo(bytes);
        }
        else
        {
            for (int i = 0; i < data.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), data[i]);
            }
        }

        _tensors.Add(name, ((int[])shape.Clone(), bytes));
        _dataLength += bytes.Length;
        return this;
    }

    /// <summary>Adds a <c>"__metadata__"</c> entry.</summary>
    /// <param name="key">A key not added before.</param>
    /// <param name="value">The value.</param>
    /// <returns>This writer.</returns>
    /// <exception cref="ArgumentException">The key was already added, or a string is not well-formed UTF-16.</exception>
    public SafeTensorsWriter AddMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        RequireWellFormed(key, nameof(key));
        RequireWellFormed(value, nameof(value));
        if (!_metadata.TryAdd(key, value))
        {
            throw new ArgumentException($"metadata key '{key}' was already added", nameof(key));
        }

        return this;
    }

    /// <summary>Serializes the file.</summary>
    /// <returns>The complete file contents.</returns>
    /// <exception cref="InvalidOperationException">The file would exceed the largest possible array.</exception>
    public byte[] ToArray()
    {
        var json = new StringBuilder("{");
        if (_metadata.Count > 0)
        {
            json.Append("\"__metadata__\":{");
            var keys = SortedUtf8(_metadata.Keys);
            for (int i = 0; i < keys.Length; i++)
            {
                AppendJsonString(json.Append(i == 0 ? "" : ","), keys[i]).Append(':');
                AppendJsonString(json, _metadata[keys[i]]);
            }

            json.Append('}');
        }

        var names = SortedUtf8(_tensors.Keys);
        long offset = 0;
        foreach (var name in names)
        {
            var (shape, data) = _tensors[name];
            AppendJsonString(json.Append(json.Length > 1 ? "," : ""), name)
                .Append(":{\"dtype\":\"F32\",\"shape\":[")
                .AppendJoin(',', shape.Select(d => d.ToString(CultureInfo.InvariantCulture)))
                .Append("],\"data_offsets\":[")
                .Append(offset.ToString(CultureInfo.InvariantCulture))
                .Append(',')
                .Append((offset + data.Length).ToString(CultureInfo.InvariantCulture))
                .Append("]}");
            offset += data.Length;
        }

        json.Append('}');

        var header = StrictUtf8.GetBytes(json.ToString());
        int paddedLength = (header.Length + 7) & ~7;
        long total = 8L + paddedLength + _dataLength;
        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"the file would be {total} bytes, more than an array can hold");
        }

        var result = new byte[total];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)paddedLength);
        header.CopyTo(result, 8);
        result.AsSpan(8 + header.Length, paddedLength - header.Length).Fill((byte)' ');
        int position = 8 + paddedLength;
        foreach (var name in names)
        {
            var data = _tensors[name].Data;
            data.CopyTo(result, position);
            position += data.Length;
        }

        return result;
    }

    /// <summary>
    /// Writes the file atomically: the bytes go to a temporary file in the target's directory, which is flushed to
    /// disk and then renamed over <paramref name="path"/>. On failure the temporary file is deleted and any existing
    /// file at <paramref name="path"/> is left untouched.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    public void Save(string path) => Save(path, beforeCommit: null);

    /// <summary><see cref="Save(string)"/> with a hook that runs on the flushed temporary file just before the rename (tests use it to inject failures).</summary>
    internal void Save(string path, Action<string>? beforeCommit)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToArray();
        var fullPath = Path.GetFullPath(path);
        var fileName = Path.GetFileName(fullPath);
        var directory = Path.GetDirectoryName(fullPath);
        if (string.IsNullOrEmpty(fileName) || directory is null)
        {
            throw new ArgumentException($"'{path}' does not name a file", nameof(path));
        }

        // Bounded length, so a temporary name never fails where the target name would not.
        var temp = Path.Combine(directory, $".{fileName[..Math.Min(fileName.Length, 64)]}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            beforeCommit?.Invoke(temp);
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original failure is the one worth reporting.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    private static void RequireWellFormed(string text, string parameter)
    {
        try
        {
            StrictUtf8.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"'{text}' is not well-formed UTF-16 (unpaired surrogate)", parameter, e);
        }
    }

    /// <summary>Sorts by UTF-8 bytes, as Rust sorts <c>String</c>s (differs from ordinal UTF-16 order only around surrogates).</summary>
    private static string[] SortedUtf8(IEnumerable<string> keys)
    {
        var strings = keys.ToArray();
        var utf8 = Array.ConvertAll(strings, s => StrictUtf8.GetBytes(s));
        Array.Sort(utf8, strings, Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y)));
        return strings;
    }

    /// <summary>Appends a JSON string literal escaped the way serde_json does: only quote, backslash and control characters.</summary>
    private static StringBuilder AppendJsonString(StringBuilder json, string text)
    {
        json.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < ' ')
                    {
                        json.Append("\\u00").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }

                    break;
            }
        }

        return json.Append('"');
    }
}
