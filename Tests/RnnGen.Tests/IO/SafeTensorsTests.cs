using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using RnnGen.IO;
using Xunit;

namespace RnnGen.Tests.IO;

public sealed class SafeTensorsTests
{
    private const string Fixture = "torch_rnn_l1_uni_tanh.safetensors";

    // ---------------------------------------------------------------- round trips and format

    [Fact]
    public void RoundTrip_IsBitExact()
    {
        int[] bits =
        {
            0x7FC00000, 0x7FC00001, 0x7FA5A5A5, 0x7F800001, unchecked((int)0xFFFFFFFF), unchecked((int)0xFFC12345), // NaNs
            unchecked((int)0x80000000), 0x00000000, 0x00000001, 0x007FFFFF, unchecked((int)0x80000001), 0x00400000, // ±0, denormals
            0x7F800000, unchecked((int)0xFF800000), 0x7F7FFFFF, 0x00800000, 0x3F800000, unchecked((int)0xBEAAAAAB),
        };
        var values = bits.Select(BitConverter.Int32BitsToSingle).ToArray();
        var bytes = new SafeTensorsWriter()
            .Add("special", values, 3, 6)
            .Add("scalar", new[] { -0.0f })
            .AddMetadata("note", "quote \" backslash \\ newline \n tab \t bell \u0007 unicode é ∑ 🙂")
            .ToArray();

        var file = SafeTensorsFile.Parse(bytes);

        Assert.Equal(new[] { 3, 6 }, file.Shape("special"));
        Assert.Empty(file.Shape("scalar"));
        Assert.Equal("F32", file.DataType("special"));
        Assert.Equal(bits, file.GetFloats("special", 3, 6).Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(unchecked((int)0x80000000), BitConverter.SingleToInt32Bits(file.GetFloats("scalar").Single()));
        Assert.Equal("quote \" backslash \\ newline \n tab \t bell \u0007 unicode é ∑ 🙂", file.Metadata["note"]);
    }

    [Fact]
    public void Writer_LaysOutHeaderLikePython()
    {
        var bytes = new SafeTensorsWriter()
            .Add("w", new float[] { 1, 2 }, 2)
            .Add("b", new float[] { 3 }, 1)
            .AddMetadata("z", "1")
            .AddMetadata("a", "2")
            .ToArray();

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);

        Assert.Equal(0UL, headerLength % 8);
        Assert.Equal(8 + (int)headerLength + 12, bytes.Length);
        Assert.Equal(
            "{\"__metadata__\":{\"a\":\"2\",\"z\":\"1\"},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            header.TrimEnd(' '));
        Assert.Equal(new float[] { 3, 1, 2 }, Enumerable.Range(0, 3).Select(i => BitConverter.ToSingle(bytes, 8 + (int)headerLength + 4 * i)));
    }

    [Fact]
    public void Writer_ReproducesPythonFixturesByteForByte()
    {
        var paths = Directory.GetFiles(FixtureDirectory(), "*.safetensors");
        Assert.Contains(paths, p => Path.GetFileName(p) == Fixture);
        foreach (var path in paths)
        {
            var original = File.ReadAllBytes(path);
            var file = SafeTensorsFile.Read(path);
            if (file.Metadata.Count > 1 || file.Names.Any(n => file.DataType(n) != "F32"))
            {
                continue; // Python writes several metadata keys in hash order, and this writer only writes F32.
            }

            var writer = new SafeTensorsWriter();
            foreach (var (key, value) in file.Metadata)
            {
                writer.AddMetadata(key, value);
            }

            foreach (var name in file.Names)
            {
                writer.Add(name, file.GetFloats(name), file.Shape(name));
            }

            Assert.True(original.AsSpan().SequenceEqual(writer.ToArray()), $"rewriting {Path.GetFileName(path)} changed its bytes");
        }
    }

    [Fact]
    public void Read_TorchFixture()
    {
        var file = SafeTensorsFile.Read(Path.Combine(FixtureDirectory(), Fixture));

        Assert.Equal(new[] { 6, 3, 5 }, file.Shape("x"));
        Assert.True(file.Metadata.ContainsKey("config"));
        Assert.Contains("torch.nn.RNN", file.Metadata["config"], StringComparison.Ordinal);
        Assert.Equal(90, file.GetFloats("x", 6, 3, 5).Length);
        Assert.Equal(new[] { 7, 5 }, file.Shape("weight_ih_l0"));
        Assert.All(file.GetFloats("y"), v => Assert.InRange(v, -1f, 1f)); // tanh outputs
    }

    [Fact]
    public void Names_AreOrdinalAndContainsIsExact()
    {
        var file = SafeTensorsFile.Parse(new SafeTensorsWriter()
            .Add("b", new float[1], 1).Add("B", new float[1], 1).Add("_", new float[1], 1).Add("a.x", new float[1], 1)
            .ToArray());

        Assert.Equal(new[] { "B", "_", "a.x", "b" }, file.Names);
        Assert.True(file.Contains("a.x"));
        Assert.False(file.Contains("A.x"));
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void ScalarsAndEmptyTensors_RoundTrip()
    {
        var file = SafeTensorsFile.Parse(new SafeTensorsWriter()
            .Add("scalar", new[] { 2.5f })
            .Add("empty", ReadOnlySpan<float>.Empty, 0)
            .Add("empty2", ReadOnlySpan<float>.Empty, 2, 0, 3)
            .ToArray());

        Assert.Equal(new[] { 2.5f }, file.GetFloats("scalar"));
        Assert.Empty(file.GetFloats("empty", 0));
        Assert.Equal(new[] { 2, 0, 3 }, file.Shape("empty2"));
        Assert.Empty(file.GetFloats("empty2"));
    }

    [Fact]
    public void Parse_EmptyFile()
    {
        var file = SafeTensorsFile.Parse(new SafeTensorsWriter().ToArray());
        Assert.Empty(file.Names);
        Assert.Contains("no tensors", Assert.Throws<KeyNotFoundException>(() => file.Shape("x")).Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- errors on access

    [Fact]
    public void Shape_MissingTensor_NamesItAndSuggests()
    {
        var writer = new SafeTensorsWriter();
        for (int i = 0; i < 20; i++)
        {
            writer.Add($"layer{i:00}.bias", new float[1], 1);
        }

        var file = SafeTensorsFile.Parse(writer.Add("weight_ih_l0", new float[1], 1).ToArray());

        var message = Assert.Throws<KeyNotFoundException>(() => file.Shape("weight_ih")).Message;
        Assert.Contains("'weight_ih' not found", message, StringComparison.Ordinal);
        Assert.Contains("'weight_ih_l0'", message, StringComparison.Ordinal);
        Assert.Contains("21 tensors", message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => file.GetFloats("nope"));
    }

    [Fact]
    public void GetFloats_WrongShape_SaysWhatWasExpected()
    {
        var file = SafeTensorsFile.Parse(new SafeTensorsWriter().Add("x", new float[6], 2, 3).ToArray());

        var e = Assert.Throws<InvalidDataException>(() => file.GetFloats("x", 3, 2));
        Assert.Equal("tensor 'x' has shape [2, 3], expected [3, 2]", e.Message);
        Assert.Throws<InvalidDataException>(() => file.GetFloats("x", 6));
    }

    [Fact]
    public void GetFloats_ConvertsOtherFloatTypes()
    {
        var data = new List<byte>();
        data.AddRange(BitConverter.GetBytes((Half)1.5f));
        data.AddRange(BitConverter.GetBytes((Half)(-0.25f)));
        data.AddRange(new byte[] { 0x80, 0x3F, 0x40, 0xC0 }); // BF16 1.0, -3.0
        data.AddRange(BitConverter.GetBytes(0.1));
        var file = SafeTensorsFile.Parse(Build(
            "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
            + "\"d\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[8,16]}}",
            data.ToArray()));

        Assert.Equal(new[] { 1.5f, -0.25f }, file.GetFloats("h"));
        Assert.Equal(new[] { 1f, -3f }, file.GetFloats("b", 2));
        Assert.Equal(new[] { 0.1f }, file.GetFloats("d"));
    }

    [Fact]
    public void GetFloats_UnsupportedDtypes_AreListedButNotConverted()
    {
        var file = SafeTensorsFile.Parse(Build(
            "{\"i\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]},\"q\":{\"dtype\":\"Q3_K\",\"shape\":[7],\"data_offsets\":[8,11]}}",
            new byte[11]));

        Assert.Equal(new[] { "i", "q" }, file.Names);
        Assert.Equal(new[] { 7 }, file.Shape("q"));
        Assert.Equal(3, file.GetRawBytes("q").Length);
        Assert.Contains("I32", Assert.Throws<InvalidDataException>(() => file.GetFloats("i")).Message, StringComparison.Ordinal);
        Assert.Contains("Q3_K", Assert.Throws<InvalidDataException>(() => file.GetFloats("q")).Message, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- validation

    [Theory]
    [InlineData("", 0, "not valid JSON")]
    [InlineData("[]", 0, "must be a JSON object")]
    [InlineData("{", 0, "not valid JSON")]
    [InlineData("{} x", 0, "not valid JSON")]
    [InlineData("{}", 4, "trailing bytes")]
    [InlineData("{\"a\":1}", 0, "entry must be an object")]
    [InlineData("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "missing 'dtype'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "missing 'shape'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "missing 'data_offsets'")]
    [InlineData("{\"a\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "dtype must be a string")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4, "shape must hold integers")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", 4, "shape must hold integers")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}", 4, "shape must hold integers")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483648],\"data_offsets\":[0,4]}}", 4, "shape must hold integers")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}", 4, "shape must be an array")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,4]}}", 4, "more than 2^63")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,4]}}", 4, "needs 4611686014132420609 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "needs 8 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 4, "data_offsets")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", 4, "data_offsets")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", 4, "data_offsets must hold integers")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 4, "data length")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[18446744073709551612,18446744073709551616]}}", 4, "data_offsets must hold integers")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "gap of 4 bytes before tensor 'a'")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "overlaps")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "overlaps")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "uplicate")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "uplicate")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", 0, "metadata 'k' must be a string")]
    [InlineData("{\"__metadata__\":[]}", 0, "'__metadata__' must be an object")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]],\"data_offsets\":[0,4]}}", 4, "depth")]
    public void Parse_RejectsMalformedHeaders(string header, int dataLength, string expectedMessagePart)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(Build(header, new byte[dataLength])));
        Assert.Contains(expectedMessagePart, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("invalid safetensors data: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0UL, "not valid JSON")]
    [InlineData(100_000_001UL, "exceeds the limit")]
    [InlineData(ulong.MaxValue, "exceeds the limit")]
    [InlineData(0x8000_0000_0000_0002UL, "exceeds the limit")]
    [InlineData(1000UL, "exceeds the 2 bytes")]
    public void Parse_RejectsBadHeaderLength(ulong headerLength, string expectedMessagePart)
    {
        var bytes = new byte[10];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength);
        "{}"u8.CopyTo(bytes.AsSpan(8));

        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes));
        Assert.Contains(expectedMessagePart, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RejectsShortInputAndInvalidUtf8()
    {
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(ReadOnlySpan<byte>.Empty));
        Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(new byte[7]));
        var bytes = Build("{\"__metadata__\":{\"k\":\"\u00e9\"}}", Array.Empty<byte>());
        bytes[^3] = 0xFF; // break the UTF-8 of 'é'
        Assert.Contains("UTF-8", Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Parse(bytes)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AcceptsLenientButValidHeaders()
    {
        var file = SafeTensorsFile.Parse(Build(
            "  {\"__metadata__\":null,\"a\":{\"data_offsets\":[0,4],\"extra\":{\"x\":[1]},\"shape\":[1],\"dtype\":\"F32\"}}\n\t  ",
            BitConverter.GetBytes(7f)));

        Assert.Equal(new[] { 7f }, file.GetFloats("a", 1));
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.safetensors");
        Assert.Throws<FileNotFoundException>(() => SafeTensorsFile.Read(path));
    }

    [Fact]
    public void Read_InvalidFile_NamesThePath()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "bad.safetensors");
        File.WriteAllBytes(path, new byte[5]);

        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writer_RejectsInvalidInput()
    {
        var writer = new SafeTensorsWriter().Add("a", new float[6], 2, 3).AddMetadata("k", "v");

        Assert.Throws<ArgumentException>(() => writer.Add("a", new float[1], 1));
        Assert.Throws<ArgumentException>(() => writer.Add("b", new float[6], 2, 2));
        Assert.Throws<ArgumentException>(() => writer.Add("b", new float[6], 6, -1));
        Assert.Throws<ArgumentException>(() => writer.Add("b", new float[1], int.MaxValue, int.MaxValue, int.MaxValue));
        Assert.Throws<ArgumentException>(() => writer.Add("b", new float[2]));
        Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", new float[1], 1));
        Assert.Throws<ArgumentException>(() => writer.Add("\ud800", new float[1], 1));
        Assert.Throws<ArgumentException>(() => writer.AddMetadata("k", "w"));
        Assert.Throws<ArgumentException>(() => writer.AddMetadata("j", "\udc00"));
        Assert.Equal(new[] { "a" }, SafeTensorsFile.Parse(writer.ToArray()).Names);
    }

    // ---------------------------------------------------------------- fuzzing

    [Fact]
    public void Fuzz_EveryMutationParsesOrThrowsInvalidData()
    {
        var valid = new SafeTensorsWriter()
            .Add("a", new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3)
            .Add("b", new float[] { float.NaN, -0f }, 2)
            .Add("c", new[] { 9f })
            .AddMetadata("k", "v")
            .ToArray();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var header = Encoding.UTF8.GetString(valid, 8, headerEnd - 8);
        var data = valid.AsSpan(headerEnd).ToArray();
        var random = new Random(20240607);
        var cases = new List<(string Label, byte[] Bytes)> { ("valid", valid) };

        // Truncation at every length.
        for (int length = 0; length < valid.Length; length++)
        {
            cases.Add(($"truncated to {length}", valid[..length]));
        }

        // Random byte flips: mostly in the header, where they matter.
        for (int i = 0; i < 3000; i++)
        {
            var bytes = (byte[])valid.Clone();
            int flips = 1 + random.Next(4);
            int range = i % 4 == 0 ? bytes.Length : headerEnd;
            for (int f = 0; f < flips; f++)
            {
                bytes[random.Next(range)] ^= (byte)(1 + random.Next(255));
            }

            cases.Add(($"flip #{i}", bytes));
        }

        // Header length field.
        var lengths = new List<ulong>
        {
            0, 1, 7, 8, (ulong)headerEnd - 9, (ulong)headerEnd - 7, (ulong)valid.Length - 8, (ulong)valid.Length - 7,
            int.MaxValue, (ulong)int.MaxValue + 1, uint.MaxValue, (1UL << 32) + (ulong)headerEnd - 8,
            100_000_000, 100_000_001, long.MaxValue, 1UL << 63, ulong.MaxValue, ulong.MaxValue - 7,
        };
        for (int i = 0; i < 500; i++)
        {
            lengths.Add((ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63));
        }

        foreach (var length in lengths)
        {
            var bytes = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
            cases.Add(($"header length {length}", bytes));
        }

        // Textual JSON edits of the real header: deletions and insertions of syntax characters.
        const string Syntax = "{}[]\",:-0123456789e.E+ \\nulltruefalse";
        for (int i = 0; i < 1000; i++)
        {
            var text = new StringBuilder(header.TrimEnd());
            for (int edits = 1 + random.Next(3); edits > 0; edits--)
            {
                int at = random.Next(text.Length);
                if (random.Next(2) == 0)
                {
                    text.Remove(at, 1);
                }
                else
                {
                    text.Insert(at, Syntax[random.Next(Syntax.Length)]);
                }
            }

            cases.Add(($"edit #{i}: {text}", Build(text.ToString(), data)));
        }

        // Generated headers with hostile values.
        string[] numbers = { "0", "1", "2", "3", "4", "8", "-1", "-0", "1.5", "1e2", "2147483647", "2147483648", "4294967296",
            "9223372036854775807", "9223372036854775808", "18446744073709551616", "1e400", "\"2\"", "null", "true", "[]", "{}" };
        string[] dtypes = { "\"F32\"", "\"F16\"", "\"BF16\"", "\"F64\"", "\"I32\"", "\"BOOL\"", "\"U8\"", "\"XYZ\"", "\"\"", "5", "null", "[]" };
        for (int i = 0; i < 1200; i++)
        {
            var entries = new List<string>();
            for (int n = random.Next(4); n > 0; n--)
            {
                var fields = new List<string>();
                if (random.Next(10) > 0)
                {
                    fields.Add($"\"dtype\":{dtypes[random.Next(dtypes.Length)]}");
                }

                if (random.Next(10) > 0)
                {
                    fields.Add($"\"shape\":[{string.Join(",", Enumerable.Range(0, random.Next(4)).Select(_ => Pick(numbers, random)))}]");
                }

                if (random.Next(10) > 0)
                {
                    int count = random.Next(10) == 0 ? random.Next(4) : 2;
                    fields.Add($"\"data_offsets\":[{string.Join(",", Enumerable.Range(0, count).Select(_ => Pick(numbers, random)))}]");
                }

                var name = random.Next(8) == 0 ? "__metadata__" : ((char)('a' + random.Next(3))).ToString();
                entries.Add($"\"{name}\":{{{string.Join(",", fields)}}}");
            }

            cases.Add(($"generated #{i}", Build("{" + string.Join(",", entries) + "}", new byte[random.Next(4) * 4])));
        }

        cases.Add(("shape 2^31-1 squared", Build(
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,4]}}", new byte[4])));
        cases.Add(("huge shape, unknown dtype", Build(
            "{\"x\":{\"dtype\":\"F4\",\"shape\":[2147483647,2147483647],\"data_offsets\":[0,4]}}", new byte[4])));

        // Deep nesting, closed and unclosed, in several positions.
        foreach (int depth in new[] { 15, 16, 17, 100, 10_000, 100_000 })
        {
            var open = new string('[', depth);
            var close = new string(']', depth);
            cases.Add(($"nested root {depth}", Build(open + close, data)));
            cases.Add(($"nested shape {depth}", Build($"{{\"x\":{{\"dtype\":\"F32\",\"shape\":{open}1{close},\"data_offsets\":[0,4]}}}}", new byte[4])));
            cases.Add(($"nested metadata {depth}", Build("{\"__metadata__\":" + string.Concat(Enumerable.Repeat("{\"k\":", depth)) + "1" + new string('}', depth + 1), data)));
            cases.Add(($"unclosed {depth}", Build("{\"x\":" + open, data)));
        }

        Assert.True(cases.Count >= 5000, $"only {cases.Count} cases");

        var failures = new List<string>();
        int accepted = 0;
        var clock = Stopwatch.StartNew();
        foreach (var (label, bytes) in cases)
        {
            try
            {
                var file = SafeTensorsFile.Parse(bytes);
                foreach (var name in file.Names)
                {
                    _ = file.Shape(name);
                    _ = file.GetRawBytes(name);
                    try
                    {
                        _ = file.GetFloats(name);
                    }
                    catch (InvalidDataException)
                    {
                        // Unsupported dtype: allowed.
                    }
                }

                accepted++;
            }
            catch (InvalidDataException)
            {
                // Rejected cleanly.
            }
            catch (Exception e)
            {
                failures.Add($"{label}: {e.GetType().Name}: {e.Message}");
            }
        }

        clock.Stop();
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases failed:\n{string.Join("\n", failures.Take(10))}");
        Assert.InRange(accepted, 2, cases.Count - 1000);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{cases.Count} cases took {clock.Elapsed}");
    }

    // ---------------------------------------------------------------- atomic save

    [Fact]
    public void Save_ReplacesExistingFileAndLeavesNoTemporaryFiles()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "model.safetensors");
        new SafeTensorsWriter().Add("old", new[] { 1f }, 1).Save(path);
        var writer = new SafeTensorsWriter().Add("new", new[] { 2f, 3f }, 2).AddMetadata("v", "2");

        writer.Save(path);

        Assert.Equal(writer.ToArray(), File.ReadAllBytes(path));
        var file = SafeTensorsFile.Read(path);
        Assert.Equal(new[] { "new" }, file.Names);
        Assert.Equal(new[] { 2f, 3f }, file.GetFloats("new", 2));
        Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Save_FailingBeforeTheRename_LeavesExistingFileIntact()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "model.safetensors");
        new SafeTensorsWriter().Add("old", new[] { 1f }, 1).Save(path);
        var before = File.ReadAllBytes(path);
        var writer = new SafeTensorsWriter().Add("new", new float[1000], 10, 100);
        string? tempSeen = null;

        var e = Assert.Throws<IOException>(() => writer.Save(path, temp =>
        {
            tempSeen = temp;
            Assert.Equal(dir.Path, Path.GetDirectoryName(temp));
            Assert.Equal(writer.ToArray(), File.ReadAllBytes(temp)); // fully written and flushed
            throw new IOException("simulated crash before commit");
        }));

        Assert.Equal("simulated crash before commit", e.Message);
        Assert.NotNull(tempSeen);
        Assert.False(File.Exists(tempSeen));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Save_OntoADirectory_FailsAndLeavesEverythingAsItWas()
    {
        using var dir = new TempDirectory();
        var target = Path.Combine(dir.Path, "model.safetensors");
        Directory.CreateDirectory(target);
        var inside = Path.Combine(target, "keep.bin");
        File.WriteAllBytes(inside, new byte[] { 1, 2, 3 });

        var e = Record.Exception(() => new SafeTensorsWriter().Add("x", new[] { 1f }, 1).Save(target));

        Assert.True(e is IOException or UnauthorizedAccessException, $"unexpected {e?.GetType().Name ?? "success"}");
        Assert.Equal(new[] { target }, Directory.GetFileSystemEntries(dir.Path));
        Assert.Equal(new[] { inside }, Directory.GetFileSystemEntries(target));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(inside));
    }

    [Fact]
    public void Save_IntoAMissingDirectory_ThrowsAndCreatesNothing()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "missing", "model.safetensors");

        Assert.Throws<DirectoryNotFoundException>(() => new SafeTensorsWriter().Add("x", new[] { 1f }, 1).Save(path));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] Build(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static string Pick(string[] options, Random random) => options[random.Next(options.Length)];

    private static string FixtureDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RnnGen.sln")))
        {
            dir = dir.Parent;
        }

        Assert.True(dir is not null, $"no RnnGen.sln above {AppContext.BaseDirectory}");
        var fixtures = Path.GetFullPath(Path.Combine(dir!.FullName, "..", "shared", "fixtures"));
        Assert.True(Directory.Exists(fixtures), $"fixture directory {fixtures} is missing");
        return fixtures;
    }

    private sealed class TempDirectory : IDisposable
    {
        public TempDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "rnngen-st-" + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
