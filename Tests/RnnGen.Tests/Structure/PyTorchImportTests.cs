using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Parsing;
using RnnGen.Generator.Planning;
using RnnGen.Interop;
using RnnGen.IO;
using RnnGen.Tests.Generator;
using RnnGen.Tests.Models;
using RnnGen.Training;
using Xunit;

namespace RnnGen.Tests.Structure;

/// <summary>
/// <c>LoadPyTorch</c>: the default names (bare for a model that is one PyTorch module, <c>module.</c> prefixes otherwise,
/// dense layers as <c>nn.Linear</c>), overrides, and strictness: a missing, unexpected or misshapen tensor is an error that
/// names the tensor and both shapes, and leaves the model exactly as it was.
/// </summary>
public sealed class PyTorchImportTests
{
    [Fact]
    public void A_model_of_modules_reads_prefixed_names_by_default()
    {
        // state_dict of: self.lstm = nn.LSTM(5, 7, num_layers=2); self.decoder = nn.Linear(7, 3)
        var (values, shapes) = StateDictOf(LstmDecoder.ParameterTensors);
        Assert.Contains("lstm.weight_hh_l1", values.Keys);
        Assert.Contains("decoder.weight", values.Keys);
        var model = new LstmDecoder();
        model.LoadPyTorch(Write(values, shapes));

        foreach (var tensor in LstmDecoder.ParameterTensors)
        {
            Assert.Equal(values[DefaultName(tensor.Name)], tensor.Slice(model.Parameters).ToArray());
        }
    }

    [Fact]
    public void Names_can_be_changed_per_layer_and_prefixed()
    {
        var torchNames = new Dictionary<string, string>
        {
            ["Lstm.weight_ih"] = "module.rnn.weight_ih_l0", ["Lstm.weight_hh"] = "module.rnn.weight_hh_l0",
            ["Lstm.bias_ih"] = "module.rnn.bias_ih_l0", ["Lstm.bias_hh"] = "module.rnn.bias_hh_l0",
            ["LstmUpper.weight_ih"] = "module.rnn.weight_ih_l1", ["LstmUpper.weight_hh"] = "module.rnn.weight_hh_l1",
            ["LstmUpper.bias_ih"] = "module.rnn.bias_ih_l1", ["LstmUpper.bias_hh"] = "module.rnn.bias_hh_l1",
            ["Decoder.weight"] = "module.out.weight", ["Decoder.bias"] = "module.out.bias",
        };
        var random = new SeededRandom(3);
        var values = LstmDecoder.ParameterTensors.ToDictionary(t => torchNames[t.Name], t => Random(t.Length, ref random));
        var model = new LstmDecoder();

        model.LoadPyTorch(
            Write(values, LstmDecoder.ParameterTensors.ToDictionary(t => torchNames[t.Name], t => t.Shape)),
            new PyTorchNames { Prefix = "module." }.Recurrent("Lstm", "rnn", index: 0).Recurrent("LstmUpper", "rnn", index: 1).Linear("Decoder", "out"));

        foreach (var tensor in LstmDecoder.ParameterTensors)
        {
            Assert.Equal(values[torchNames[tensor.Name]], tensor.Slice(model.Parameters).ToArray());
        }
    }

    [Fact]
    public void A_missing_tensor_is_an_error_naming_it_and_its_shape_and_nothing_changes()
    {
        var (model, before, file) = ModelAndFile(remove: "weight_hh_l1");

        var error = Assert.Throws<InvalidDataException>(() => model.LoadPyTorch(file));

        Assert.Contains("missing tensor 'weight_hh_l1' (for Upper.weight_hh), expected shape [28, 7]", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void An_unexpected_tensor_is_an_error_naming_it_and_its_shape_and_nothing_changes()
    {
        var (model, before, file) = ModelAndFile(add: ("weight_hr_l0", new[] { 28, 3 }));

        var error = Assert.Throws<InvalidDataException>(() => model.LoadPyTorch(file));

        Assert.Contains("unexpected tensor 'weight_hr_l0', shape [28, 3]", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_is_an_error_naming_both_shapes_and_nothing_changes()
    {
        // Upper's input is [h→; h←], 14 wide: a unidirectional layer's weight_ih_l1 [28, 7] does not fit it.
        var (model, before, file) = ModelAndFile(reshape: ("weight_ih_l1", new[] { 28, 7 }));

        var error = Assert.Throws<InvalidDataException>(() => model.LoadPyTorch(file));

        Assert.Contains("tensor 'weight_ih_l1' (for Upper.weight_ih) has shape [28, 7], expected [28, 14]", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
        Assert.Throws<InvalidDataException>(() => model.LoadPyTorch(file, strict: false));
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var (model, before, file) = ModelAndFile(remove: "bias_hh_l0_reverse", add: ("extra", new[] { 2 }), reshape: ("bias_ih_l1", new[] { 27 }));

        var error = Assert.Throws<InvalidDataException>(() => model.LoadPyTorch(file));

        Assert.Contains("3 problems", error.Message, StringComparison.Ordinal);
        Assert.Contains("'bias_hh_l0_reverse'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'extra'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'bias_ih_l1' (for Upper.bias_ih) has shape [27], expected [28]", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Lenient_loading_skips_missing_and_unexpected_tensors()
    {
        var (model, before, file) = ModelAndFile(remove: "weight_hh_l1", add: ("extra", new[] { 2 }));

        model.LoadPyTorch(file, strict: false);

        var upperHh = TorchLstmL2Bi.ParameterTensors.Single(t => t.Name == "Upper.weight_hh");
        Assert.Equal(upperHh.Slice(before).ToArray(), upperHh.Slice(model.Parameters).ToArray());
        var lowerIh = TorchLstmL2Bi.ParameterTensors.Single(t => t.Name == "Lower.weight_ih");
        Assert.Equal(file.GetFloats("weight_ih_l0"), lowerIh.Slice(model.Parameters).ToArray());
    }

    [Theory]
    [InlineData(nameof(PeepholeLstm), "peephole weights (Lstm.peephole)")]
    [InlineData(nameof(CoupledLstm), "input gate is coupled to the forget gate")]
    [InlineData(nameof(PeepholeCoupledLstm), "peephole weights (Lstm.peephole)")]
    [InlineData(nameof(ChoGru), "ResetAfter = false")]
    [InlineData(nameof(DeepBiStack), "peephole weights (First.peephole)")]
    public void Layers_without_a_pytorch_counterpart_cannot_be_loaded(string name, string reason)
    {
        var model = StructureModelCatalog.Create(name);
        var before = model.Parameters.ToArray();

        var error = Assert.Throws<NotSupportedException>(() => model.LoadPyTorch(SafeTensorsFile.Parse(new SafeTensorsWriter().ToArray())));

        Assert.Contains("has no PyTorch counterpart", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, model.Parameters.ToArray());
    }

    [Fact]
    public void Names_that_do_not_fit_the_model_are_rejected()
    {
        var model = new LstmDecoder();
        var file = SafeTensorsFile.Parse(new SafeTensorsWriter().ToArray());

        var unknown = Assert.Throws<ArgumentException>(() => model.LoadPyTorch(file, new PyTorchNames().Linear("Head", "head")));
        Assert.Contains("'Head', which LstmDecoder does not have; its layers are Lstm, LstmUpper, Decoder", unknown.Message, StringComparison.Ordinal);

        var kind = Assert.Throws<ArgumentException>(() => model.LoadPyTorch(file, new PyTorchNames().Linear("Lstm", "lstm")));
        Assert.Contains("it is a recurrent layer; use Recurrent", kind.Message, StringComparison.Ordinal);

        var clash = Assert.Throws<ArgumentException>(() => model.LoadPyTorch(file, new PyTorchNames().Recurrent("LstmUpper", "lstm", index: 0)));
        Assert.Contains("would both load 'lstm.weight_ih_l0'", clash.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => new PyTorchNames().Recurrent("Lstm", "lstm", index: -1));
    }

    [Fact]
    public void Default_names_group_stacks_as_pytorch_modules()
    {
        var plan = Plan("""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [Lstm(8), Bidirectional]
                public partial LstmLayer WordEncoder { get; }

                [Lstm(8), Bidirectional]
                public partial LstmLayer Second { get; }

                [Lstm(6)]
                public partial LstmLayer Narrower { get; }

                [Gru(6, ReturnSequences = false)]
                public partial GruLayer SentenceGRU { get; }

                [Dense(4)]
                public partial DenseLayer OutputProjection { get; }
            }
            """);

        var defaults = PyTorchNaming.Defaults(plan);

        Assert.Equal(
            new[]
            {
                new PyTorchDefault("WordEncoder", true, "word_encoder", 0, null),
                new PyTorchDefault("Second", true, "word_encoder", 1, null),
                new PyTorchDefault("Narrower", true, "narrower", 0, null),
                new PyTorchDefault("SentenceGRU", true, "sentence_gru", 0, null),
                new PyTorchDefault("OutputProjection", false, "output_projection", 0, null),
            },
            defaults);
    }

    [Fact]
    public void A_model_that_is_one_recurrent_module_reads_bare_names()
    {
        var plan = Plan("""
            [RnnModel(InputSize = 3)]
            public partial class M
            {
                [SimpleRnn(8, Activation = RnnActivation.Relu)]
                public partial SimpleRnnLayer Lower { get; }

                [SimpleRnn(8, Activation = RnnActivation.Relu, ReturnSequences = false)]
                public partial SimpleRnnLayer Upper { get; }
            }
            """);

        var defaults = PyTorchNaming.Defaults(plan);

        Assert.Equal(new[] { ("", 0), ("", 1) }, defaults.Select(d => (d.Module, d.Index)));
    }

    [Theory]
    [InlineData("Decoder", "decoder")]
    [InlineData("OutputProjection", "output_projection")]
    [InlineData("HTTPHead", "http_head")]
    [InlineData("Lstm2", "lstm2")]
    [InlineData("lstm", "lstm")]
    public void Property_names_become_snake_case_module_names(string property, string module) =>
        Assert.Equal(module, PyTorchNaming.SnakeCase(property));

    /// <summary>A <see cref="TorchLstmL2Bi"/> with seeded weights and a state_dict of other values, edited as asked.</summary>
    private static (TorchLstmL2Bi Model, float[] Before, SafeTensorsFile File) ModelAndFile(
        string? remove = null, (string Name, int[] Shape)? add = null, (string Name, int[] Shape)? reshape = null)
    {
        var model = new TorchLstmL2Bi();
        model.Initialize(seed: 5);
        var (values, shapes) = StateDictOf(TorchLstmL2Bi.ParameterTensors);
        if (remove is not null)
        {
            Assert.True(values.Remove(remove));
        }

        var random = new SeededRandom(9);
        foreach (var (name, shape) in new[] { add, reshape }.OfType<(string, int[])>())
        {
            values[name] = Random(shape.Aggregate(1, (a, b) => a * b), ref random);
            shapes[name] = shape;
        }

        return (model, model.Parameters.ToArray(), Write(values, shapes));
    }

    /// <summary>Random values and the shapes of every tensor, keyed by its default PyTorch name.</summary>
    private static (Dictionary<string, float[]> Values, Dictionary<string, int[]> Shapes) StateDictOf(IReadOnlyList<TensorInfo> tensors)
    {
        var random = new SeededRandom(7);
        return (tensors.ToDictionary(t => DefaultName(t.Name), t => Random(t.Length, ref random)), tensors.ToDictionary(t => DefaultName(t.Name), t => t.Shape));
    }

    /// <summary>
    /// The default names of the test models, written out: LstmDecoder's layers are <c>lstm.*_l0</c>, <c>lstm.*_l1</c> and
    /// <c>decoder.*</c>; TorchLstmL2Bi's (one module) are bare, <c>*_l0[_reverse]</c> and <c>*_l1[_reverse]</c>.
    /// </summary>
    private static string DefaultName(string tensor) => tensor switch
    {
        _ when tensor.StartsWith("Lower.", StringComparison.Ordinal) => Recurrent(tensor["Lower.".Length..], string.Empty, 0),
        _ when tensor.StartsWith("Upper.", StringComparison.Ordinal) => Recurrent(tensor["Upper.".Length..], string.Empty, 1),
        _ when tensor.StartsWith("Lstm.", StringComparison.Ordinal) => Recurrent(tensor["Lstm.".Length..], "lstm.", 0),
        _ when tensor.StartsWith("LstmUpper.", StringComparison.Ordinal) => Recurrent(tensor["LstmUpper.".Length..], "lstm.", 1),
        _ when tensor.StartsWith("Decoder.", StringComparison.Ordinal) => "decoder." + tensor["Decoder.".Length..],
        _ => throw new ArgumentOutOfRangeException(nameof(tensor), tensor, "Not a tensor of the test models."),
    };

    private static string Recurrent(string local, string prefix, int index) => local.EndsWith("_reverse", StringComparison.Ordinal)
        ? $"{prefix}{local[..^"_reverse".Length]}_l{index}_reverse"
        : $"{prefix}{local}_l{index}";

    private static SafeTensorsFile Write(Dictionary<string, float[]> values, Dictionary<string, int[]> shapes)
    {
        var writer = new SafeTensorsWriter();
        foreach (var (name, data) in values)
        {
            writer.Add(name, data, shapes[name]);
        }

        return SafeTensorsFile.Parse(writer.ToArray());
    }

    private static float[] Random(int length, ref SeededRandom random)
    {
        var values = new float[length];
        random.FillUniform(values, 1f);
        return values;
    }

    private static NetworkPlan Plan(string body)
    {
        var compilation = GeneratorHarness.Compile("using RnnGen;\n" + body);
        Assert.All(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error), d => Assert.Equal("CS9248", d.Id));
        var type = compilation.GetTypeByMetadataName("M") ?? throw new InvalidOperationException("No class M.");
        return NetworkPlanner.Plan(ModelParser.Parse(type, CancellationToken.None));
    }
}
