using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.IO;
using RnnGen.Tests.Models;
using RnnGen.Tests.Streaming;
using Xunit;

namespace RnnGen.Tests.Checkpoints;

/// <summary>
/// The generated <c>Save</c> and <c>Load</c>: bit-exact round trips, a file laid out by tensor name and shape, strict
/// all-or-nothing loading that names what does not fit, and atomic saving.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "rnngen-checkpoints-" + Guid.NewGuid().ToString("N"));

    public CheckpointTests() => Directory.CreateDirectory(_directory);

    public static IEnumerable<object[]> Models() => SteppedModels.All();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [MemberData(nameof(Models))]
    public void Save_then_Load_into_a_model_with_other_weights_is_bit_exact(string name)
    {
        var saved = SteppedModels.Create(name);
        saved.Initialize(seed: 1);
        var loaded = SteppedModels.Create(name);
        loaded.Initialize(seed: 2);
        Assert.NotEqual(Bits(saved.Parameters), Bits(loaded.Parameters));
        string path = Path.Combine(_directory, name + ".safetensors");

        saved.Save(path);
        loaded.Load(path);

        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
    }

    [Fact]
    public void Save_and_Load_through_streams_are_bit_exact()
    {
        var saved = new StreamingLstm();
        saved.Initialize(seed: 3);
        var loaded = new StreamingLstm();
        loaded.Initialize(seed: 4);
        using var stream = new MemoryStream();

        saved.Save(stream);
        stream.Position = 0;
        loaded.Load(stream);

        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
    }

    [Fact]
    public void The_file_holds_every_parameter_tensor_by_name_and_shape_and_names_the_model()
    {
        var model = new PeepholeLstmRegressor();
        model.Initialize(seed: 5);
        string path = Path.Combine(_directory, "regressor.safetensors");

        model.Save(path);
        var file = SafeTensorsFile.Read(path);

        Assert.Equal(PeepholeLstmRegressor.ParameterTensors.Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal), file.Names);
        foreach (var tensor in PeepholeLstmRegressor.ParameterTensors)
        {
            Assert.Equal("F32", file.DataType(tensor.Name));
            Assert.Equal(tensor.Shape, file.Shape(tensor.Name));
            Assert.Equal(Bits(tensor.Slice(model.Parameters)), Bits(file.GetFloats(tensor.Name)));
        }

        Assert.Equal("1", file.Metadata[Checkpoint.FormatVersionKey]);
        Assert.Equal(typeof(PeepholeLstmRegressor).FullName, file.Metadata[Checkpoint.ModelKey]);
        Assert.Equal(
            "Encoder: LSTM (peephole), [T, B, 4] → [B, 5]; Hidden: Dense 5 → 4, tanh, [B, 5] → [B, 4]; Output: Dense 4 → 2, [B, 4] → [B, 2]",
            file.Metadata[Checkpoint.ArchitectureKey]);
        Assert.Equal(new[] { 3, 5 }, file.Shape("Encoder.peephole"));
    }

    [Fact]
    public void A_loaded_model_computes_what_the_saved_one_did()
    {
        var saved = new WideGruScorer();
        saved.Initialize(seed: 6);
        string path = Path.Combine(_directory, "scorer.safetensors");
        saved.Save(path);
        var loaded = new WideGruScorer();
        loaded.Load(path);
        var input = StepTests.Input(SteppedModels.Create(nameof(WideGruScorer)), 3, seed: 7);
        var expected = new float[WideGruScorer.OutputSize];
        var actual = new float[WideGruScorer.OutputSize];

        saved.Forward(new WideGruScorer.Workspace(1, 3, training: false), input, 1, 3, expected);
        loaded.Forward(new WideGruScorer.Workspace(1, 3, training: false), input, 1, 3, actual);

        Assert.Equal(Bits(expected), Bits(actual));
    }

    [Fact]
    public void Loading_a_file_without_a_tensor_fails_naming_it_and_leaves_the_model_unchanged()
    {
        var model = Initialized(seed: 8);
        string path = WriteFile("missing", ModifiedTensors(seed: 9, remove: "Upper.weight_hh"));

        var failure = Assert.Throws<InvalidDataException>(() => model.Load(path));

        Assert.Contains("tensor 'Upper.weight_hh' is missing (expected [15, 5])", failure.Message, StringComparison.Ordinal);
        Assert.Contains("The model's parameters are unchanged", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Bits(Initialized(seed: 8).Parameters), Bits(model.Parameters));
    }

    [Fact]
    public void Loading_a_file_with_an_extra_tensor_fails_naming_it_and_leaves_the_model_unchanged()
    {
        var model = Initialized(seed: 10);
        var tensors = ModifiedTensors(seed: 11);
        tensors.Add(("Lower.bias_extra", new float[6], new[] { 6 }));
        string path = WriteFile("extra", tensors);

        var failure = Assert.Throws<InvalidDataException>(() => model.Load(path));

        Assert.Contains("unexpected tensor 'Lower.bias_extra' [6]", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Bits(Initialized(seed: 10).Parameters), Bits(model.Parameters));
    }

    [Fact]
    public void Loading_a_tensor_of_another_shape_fails_naming_both_shapes_and_leaves_the_model_unchanged()
    {
        var model = Initialized(seed: 12);
        // Same number of elements, transposed: only the shape can tell.
        var tensors = ModifiedTensors(seed: 13, reshape: ("Classes.weight", new[] { 5, 3 }));
        string path = WriteFile("shape", tensors);

        var failure = Assert.Throws<InvalidDataException>(() => model.Load(path));

        Assert.Contains("tensor 'Classes.weight' has shape [5, 3], expected [3, 5]", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Bits(Initialized(seed: 12).Parameters), Bits(model.Parameters));
    }

    [Fact]
    public void Every_problem_of_a_file_is_named_at_once()
    {
        var model = Initialized(seed: 14);
        var tensors = ModifiedTensors(seed: 15, remove: "Lower.peephole", reshape: ("Upper.bias_ih", new[] { 3, 5 }));
        tensors.Add(("Head.weight", new float[2], new[] { 2 }));
        string path = WriteFile("several", tensors);

        var failure = Assert.Throws<InvalidDataException>(() => model.Load(path));

        Assert.Contains("'Lower.peephole' is missing (expected [3, 6])", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'Upper.bias_ih' has shape [3, 5], expected [15]", failure.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected tensor 'Head.weight' [2]", failure.Message, StringComparison.Ordinal);
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_saved_by_another_model_class_fails_clearly()
    {
        var gru = new TorchGru();
        string path = Path.Combine(_directory, "gru.safetensors");
        gru.Save(path);
        var lstm = new TorchLstm();
        lstm.Initialize(seed: 16);
        var before = Bits(lstm.Parameters);

        var failure = Assert.Throws<InvalidDataException>(() => lstm.Load(path));

        Assert.Contains("(saved by RnnGen.Tests.Models.TorchGru) does not fit RnnGen.Tests.Models.TorchLstm", failure.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected tensor 'Gru.weight_ih' [21, 5]", failure.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'Lstm.weight_ih' is missing (expected [28, 5])", failure.Message, StringComparison.Ordinal);
        Assert.Equal(before, Bits(lstm.Parameters));

        // Same layer names, another cell: a peephole LSTM's file has a tensor a plain LSTM does not.
        var peephole = new PeepholeLstm();
        string peepholePath = Path.Combine(_directory, "peephole.safetensors");
        peephole.Save(peepholePath);
        var plain = Assert.Throws<InvalidDataException>(() => lstm.Load(peepholePath));
        Assert.Contains("unexpected tensor 'Lstm.peephole' [3, 7]", plain.Message, StringComparison.Ordinal);
        Assert.Equal(before, Bits(lstm.Parameters));
    }

    [Fact]
    public void A_file_from_a_newer_format_or_not_safetensors_at_all_is_refused()
    {
        var model = Initialized(seed: 17);
        var writer = new SafeTensorsWriter().AddMetadata(Checkpoint.FormatVersionKey, "2");
        foreach (var tensor in StreamingLstm.ParameterTensors)
        {
            writer.Add(tensor.Name, tensor.Slice(model.Parameters), tensor.Shape);
        }

        string newer = Path.Combine(_directory, "newer.safetensors");
        writer.Save(newer);
        string garbage = Path.Combine(_directory, "garbage.safetensors");
        File.WriteAllBytes(garbage, new byte[] { 1, 2, 3 });

        var version = Assert.Throws<InvalidDataException>(() => model.Load(newer));
        Assert.Contains("format version 2; this RnnGen reads versions up to 1", version.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => model.Load(garbage));
        Assert.Throws<FileNotFoundException>(() => model.Load(Path.Combine(_directory, "absent.safetensors")));
        Assert.Equal(Bits(Initialized(seed: 17).Parameters), Bits(model.Parameters));
    }

    [Fact]
    public void A_file_without_RnnGen_metadata_but_with_the_right_tensors_loads()
    {
        // As written by another tool (a PyTorch state_dict renamed to these names, for one).
        var source = Initialized(seed: 18);
        var model = Initialized(seed: 19);
        var writer = new SafeTensorsWriter();
        foreach (var tensor in StreamingLstm.ParameterTensors)
        {
            writer.Add(tensor.Name, tensor.Slice(source.Parameters), tensor.Shape);
        }

        string path = Path.Combine(_directory, "plain.safetensors");
        writer.Save(path);
        model.Load(path);

        Assert.Equal(Bits(source.Parameters), Bits(model.Parameters));
    }

    [Fact]
    public void A_save_that_fails_before_it_completes_leaves_the_previous_checkpoint_intact()
    {
        var first = Initialized(seed: 20);
        var second = Initialized(seed: 21);
        string path = Path.Combine(_directory, "model.safetensors");
        first.Save(path);
        byte[] before = File.ReadAllBytes(path);

        var failure = Assert.Throws<IOException>(() => Checkpoint.Save(
            path, second.Parameters, StreamingLstm.ParameterTensors, "RnnGen.Tests.Models.StreamingLstm", "interrupted",
            beforeCommit: _ => throw new IOException("disk full")));

        Assert.Equal("disk full", failure.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(new[] { "model.safetensors" }, Directory.GetFiles(_directory).Select(Path.GetFileName));
        var reloaded = Initialized(seed: 22);
        reloaded.Load(path);
        Assert.Equal(Bits(first.Parameters), Bits(reloaded.Parameters));
    }

    [Fact]
    public void Saving_again_replaces_the_file()
    {
        string path = Path.Combine(_directory, "model.safetensors");
        Initialized(seed: 23).Save(path);
        var second = Initialized(seed: 24);
        second.Save(path);
        var loaded = new StreamingLstm();

        loaded.Load(path);

        Assert.Equal(Bits(second.Parameters), Bits(loaded.Parameters));
    }

    private static StreamingLstm Initialized(int seed)
    {
        var model = new StreamingLstm();
        model.Initialize(seed);
        return model;
    }

    private static int[] Bits(ReadOnlySpan<float> values) => values.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Every tensor of a <see cref="StreamingLstm"/> initialised with <paramref name="seed"/>, with one removed or reshaped.</summary>
    private static List<(string Name, float[] Data, int[] Shape)> ModifiedTensors(int seed, string? remove = null, (string Name, int[] Shape)? reshape = null)
    {
        var model = Initialized(seed);
        var tensors = new List<(string, float[], int[])>();
        foreach (var tensor in StreamingLstm.ParameterTensors)
        {
            if (tensor.Name == remove)
            {
                continue;
            }

            var shape = reshape is { } r && r.Name == tensor.Name ? r.Shape : tensor.Shape;
            float[] data = tensor.Slice(model.Parameters).ToArray();
            if (shape.Aggregate(1, (a, b) => a * b) != data.Length)
            {
                data = new float[shape.Aggregate(1, (a, b) => a * b)];
            }

            tensors.Add((tensor.Name, data, shape));
        }

        return tensors;
    }

    private string WriteFile(string name, IEnumerable<(string Name, float[] Data, int[] Shape)> tensors)
    {
        var writer = new SafeTensorsWriter().AddMetadata(Checkpoint.FormatVersionKey, "1");
        foreach (var (tensorName, data, shape) in tensors)
        {
            writer.Add(tensorName, data, shape);
        }

        string path = Path.Combine(_directory, name + ".safetensors");
        writer.Save(path);
        return path;
    }
}
