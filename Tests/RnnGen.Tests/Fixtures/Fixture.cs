using System;
using System.IO;
using System.Text.Json;
using RnnGen.IO;

namespace RnnGen.Tests.Fixtures;

/// <summary>
/// One golden-numbers file from <c>../shared/fixtures</c> (made by PyTorch and ONNX Runtime). A missing file
/// fails the test that asked for it: fixtures are never optional.
/// </summary>
internal sealed class Fixture
{
    private readonly SafeTensorsFile _file;

    private Fixture(string name, SafeTensorsFile file)
    {
        Name = name;
        _file = file;
        Config = JsonDocument.Parse(file.Metadata.TryGetValue("config", out var config) ? config : "{}").RootElement.Clone();
    }

    /// <summary>The case name, for example <c>torch_rnn_l1_uni_tanh</c>.</summary>
    public string Name { get; }

    /// <summary>The case's <c>__metadata__.config</c> JSON.</summary>
    public JsonElement Config { get; }

    /// <summary>Loads <c>{name}.safetensors</c>; throws <see cref="FileNotFoundException"/> naming the full path if it is missing.</summary>
    public static Fixture Load(string name)
    {
        string path = Path.Combine(RepositoryPaths.Fixtures, name + ".safetensors");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Fixture '{name}' is missing: expected {path}. Fixtures are required; the test cannot run without it.", path);
        }

        return new Fixture(name, SafeTensorsFile.Read(path));
    }

    /// <summary>Integer config value, such as <c>T</c> or <c>hidden</c>.</summary>
    public int Int(string key) => Config.GetProperty(key).GetInt32();

    /// <summary>Whether the file holds tensor <paramref name="name"/>.</summary>
    public bool Has(string name) => _file.Contains(name);

    /// <summary>The tensor's data; throws naming the tensor if it is absent.</summary>
    public float[] this[string name] => _file.GetFloats(name);

    /// <summary>The tensor's data, checking its shape.</summary>
    public float[] Get(string name, params int[] shape) => _file.GetFloats(name, shape);

    /// <summary>The tensor's shape.</summary>
    public int[] Shape(string name) => _file.Shape(name);
}
