using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using RnnGen.Interop;
using RnnGen.IO;
using RnnGen.Training;

namespace RnnGen.Tests.Gated;

/// <summary>One declared layer of a generated model: its view, its layer attribute, whether it is the softmax output and whether it is bidirectional.</summary>
internal sealed record LayerInfo(string Name, Layer View, Attribute Declaration, bool Softmax, bool Bidirectional = false)
{
    /// <summary>1, or 2 for a bidirectional layer.</summary>
    public int Directions => Bidirectional ? 2 : 1;
}

/// <summary>
/// A generated model seen through one interface, so the same tests run over every model class. Every generated
/// class has the same members (Forward, Backward, Workspace, Trainer, ...) but no common base type; this binds
/// them once by reflection to typed delegates, so calls made in tests allocate nothing and cost nothing extra.
/// </summary>
internal interface IGeneratedModel
{
    string Name { get; }

    int InputSize { get; }

    int OutputSize { get; }

    bool OutputIsSequence { get; }

    /// <summary>Whether the trainer takes class indices (softmax output) rather than float targets.</summary>
    bool ClassifiesOutput { get; }

    IReadOnlyList<TensorInfo> ParameterTensors { get; }

    /// <summary>Layers in model order.</summary>
    IReadOnlyList<LayerInfo> Layers { get; }

    Span<float> Parameters { get; }

    void Initialize(int seed);

    void CreateWorkspace(int maxBatch, int maxSteps, bool training = true);

    /// <summary>A public span of the workspace by member name, for example <c>EncoderInitialCellState</c>.</summary>
    Span<float> WorkspaceSpan(string member);

    bool HasWorkspaceSpan(string member);

    Span<float> Gradients { get; }

    void ZeroGradients();

    void ResetState();

    void CarryState();

    void Forward(ReadOnlySpan<float> input, int batch, int steps, Span<float> output);

    void Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> lengths, int batch, int steps, Span<float> output);

    void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    void CreateTrainer(Optimizer optimizer, int maxBatch, int maxSteps);

    float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, int batch, int steps);

    float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int batch, int steps);

    float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, ReadOnlySpan<int> lengths, int batch, int steps);

    float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths, int batch, int steps);

    void LoadPyTorch(SafeTensorsFile file, PyTorchNames? names = null, bool strict = true);
}

/// <summary>Binds a generated model class <typeparamref name="TModel"/> with its nested <typeparamref name="TWorkspace"/>.</summary>
internal sealed class GeneratedModel<TModel, TWorkspace> : IGeneratedModel
    where TModel : class, new()
    where TWorkspace : class
{
    private readonly TModel _model = new();
    private readonly ForwardFunction _forward;
    private readonly LengthsForwardFunction _lengthsForward;
    private readonly Action<SafeTensorsFile, PyTorchNames?, bool> _loadPyTorch;
    private readonly BackwardFunction _backward;
    private readonly ParametersFunction _parameters;
    private readonly Action<TWorkspace> _resetState;
    private readonly Action<TWorkspace> _carryState;
    private readonly Dictionary<string, SpanGetter> _spans = new(StringComparer.Ordinal);
    private TWorkspace? _workspace;
    private ClassStep? _classStep;
    private RegressionStep? _regressionStep;
    private LengthsClassStep? _lengthsClassStep;
    private LengthsRegressionStep? _lengthsRegressionStep;

    public GeneratedModel()
    {
        var type = typeof(TModel);
        _forward = Overload(type, "Forward", 5).CreateDelegate<ForwardFunction>(_model);
        _lengthsForward = Overload(type, "Forward", 6).CreateDelegate<LengthsForwardFunction>(_model);
        _loadPyTorch = type.GetMethod("LoadPyTorch")!.CreateDelegate<Action<SafeTensorsFile, PyTorchNames?, bool>>(_model);
        _backward = type.GetMethod("Backward")!.CreateDelegate<BackwardFunction>(_model);
        _parameters = type.GetProperty("Parameters")!.GetMethod!.CreateDelegate<ParametersFunction>(_model);
        _resetState = typeof(TWorkspace).GetMethod("ResetState")!.CreateDelegate<Action<TWorkspace>>();
        _carryState = typeof(TWorkspace).GetMethod("CarryState")!.CreateDelegate<Action<TWorkspace>>();
        foreach (var property in typeof(TWorkspace).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.PropertyType == typeof(Span<float>))
            {
                _spans[property.Name] = property.GetMethod!.CreateDelegate<SpanGetter>();
            }
        }

        Layers = type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(p => typeof(Layer).IsAssignableFrom(p.PropertyType))
            .Select(p => new LayerInfo(
                p.Name,
                (Layer)p.GetValue(_model)!,
                p.GetCustomAttributes().Single(a => a is LstmAttribute or GruAttribute or SimpleRnnAttribute or DenseAttribute),
                p.GetCustomAttribute<SoftmaxAttribute>() is not null,
                p.GetCustomAttribute<BidirectionalAttribute>() is not null))
            .OrderBy(l => l.View.Offset)
            .ToArray();
    }

    private delegate void ForwardFunction(TWorkspace workspace, ReadOnlySpan<float> input, int batch, int steps, Span<float> output);

    private delegate void LengthsForwardFunction(TWorkspace workspace, ReadOnlySpan<float> input, ReadOnlySpan<int> lengths, int batch, int steps, Span<float> output);

    private delegate void BackwardFunction(TWorkspace workspace, ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    private delegate Span<float> ParametersFunction();

    private delegate Span<float> SpanGetter(TWorkspace workspace);

    private delegate float ClassStep(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int batch, int steps);

    private delegate float RegressionStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, int batch, int steps);

    private delegate float LengthsClassStep(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths, int batch, int steps);

    private delegate float LengthsRegressionStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, ReadOnlySpan<int> lengths, int batch, int steps);

    public string Name => typeof(TModel).Name;

    public int InputSize => Constant<int>("InputSize");

    public int OutputSize => Constant<int>("OutputSize");

    public bool OutputIsSequence => Constant<bool>("OutputIsSequence");

    public bool ClassifiesOutput => Layers[^1].Softmax;

    public IReadOnlyList<TensorInfo> ParameterTensors => (IReadOnlyList<TensorInfo>)typeof(TModel).GetProperty("ParameterTensors")!.GetValue(null)!;

    public IReadOnlyList<LayerInfo> Layers { get; }

    public Span<float> Parameters => _parameters();

    public Span<float> Gradients => WorkspaceSpan("Gradients");

    private TWorkspace Workspace => _workspace ?? throw new InvalidOperationException("Call CreateWorkspace first.");

    public void Initialize(int seed) => typeof(TModel).GetMethod("Initialize")!.Invoke(_model, new object[] { seed });

    public void CreateWorkspace(int maxBatch, int maxSteps, bool training = true) =>
        _workspace = (TWorkspace)Activator.CreateInstance(typeof(TWorkspace), maxBatch, maxSteps, training)!;

    public Span<float> WorkspaceSpan(string member) =>
        _spans.TryGetValue(member, out var getter) ? getter(Workspace) : throw new ArgumentException($"{Name}.Workspace has no span '{member}'.", nameof(member));

    public bool HasWorkspaceSpan(string member) => _spans.ContainsKey(member);

    public void ZeroGradients() => Gradients.Clear();

    public void ResetState() => _resetState(Workspace);

    public void CarryState() => _carryState(Workspace);

    public void Forward(ReadOnlySpan<float> input, int batch, int steps, Span<float> output) => _forward(Workspace, input, batch, steps, output);

    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<int> lengths, int batch, int steps, Span<float> output) => _lengthsForward(Workspace, input, lengths, batch, steps, output);

    public void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient) => _backward(Workspace, outputGradient, inputGradient);

    public void LoadPyTorch(SafeTensorsFile file, PyTorchNames? names = null, bool strict = true) => _loadPyTorch(file, names, strict);

    public void CreateTrainer(Optimizer optimizer, int maxBatch, int maxSteps)
    {
        var trainerType = typeof(TModel).GetNestedType("Trainer")!;
        var trainer = Activator.CreateInstance(trainerType, _model, optimizer, maxBatch, maxSteps)!;
        var step = Overload(trainerType, "Step", 4);
        var lengthsStep = Overload(trainerType, "Step", 5);
        if (step.GetParameters()[1].ParameterType == typeof(ReadOnlySpan<int>))
        {
            _classStep = step.CreateDelegate<ClassStep>(trainer);
            _lengthsClassStep = lengthsStep.CreateDelegate<LengthsClassStep>(trainer);
        }
        else
        {
            _regressionStep = step.CreateDelegate<RegressionStep>(trainer);
            _lengthsRegressionStep = lengthsStep.CreateDelegate<LengthsRegressionStep>(trainer);
        }
    }

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, int batch, int steps) =>
        (_regressionStep ?? throw new InvalidOperationException($"{Name} has no regression trainer."))(input, targets, batch, steps);

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, int batch, int steps) =>
        (_classStep ?? throw new InvalidOperationException($"{Name} has no classification trainer."))(input, targets, batch, steps);

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, ReadOnlySpan<int> lengths, int batch, int steps) =>
        (_lengthsRegressionStep ?? throw new InvalidOperationException($"{Name} has no regression trainer."))(input, targets, lengths, batch, steps);

    public float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths, int batch, int steps) =>
        (_lengthsClassStep ?? throw new InvalidOperationException($"{Name} has no classification trainer."))(input, targets, lengths, batch, steps);

    public override string ToString() => Name;

    /// <summary>The public overload of <paramref name="name"/> with <paramref name="parameters"/> parameters (the lengths overloads have one more).</summary>
    private static MethodInfo Overload(Type type, string name, int parameters) =>
        type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Single(m => m.Name == name && m.GetParameters().Length == parameters);

    private static T Constant<T>(string name) => (T)typeof(TModel).GetField(name)!.GetRawConstantValue()!;
}
