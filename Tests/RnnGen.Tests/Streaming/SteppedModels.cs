using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using RnnGen.Tests.Models;

namespace RnnGen.Tests.Streaming;

/// <summary>One stream of a generated model: its <c>State</c> and the model's <c>Step</c> bound together.</summary>
internal interface IModelStream
{
    void Step(ReadOnlySpan<float> input, Span<float> output);

    void Reset();

    /// <summary>A public span of the state by member name, for example <c>EncoderHidden</c> or <c>EncoderCell</c>.</summary>
    Span<float> Member(string name);
}

/// <summary>What <see cref="ISteppedModel.Forward"/> returns: the output and every recurrent layer's final state, by state member name.</summary>
internal sealed record ForwardRun(float[] Output, IReadOnlyDictionary<string, float[]> FinalStates);

/// <summary>
/// A generated model seen through its streaming and checkpoint members, so one test runs over every model class.
/// Generated classes share member names but no base type; this binds them once by reflection to typed delegates.
/// </summary>
internal interface ISteppedModel
{
    string Name { get; }

    int InputSize { get; }

    int OutputSize { get; }

    bool OutputIsSequence { get; }

    IReadOnlyList<TensorInfo> ParameterTensors { get; }

    Span<float> Parameters { get; }

    /// <summary>The public spans of the model's <c>State</c>: <c>{Layer}Hidden</c>, and <c>{Layer}Cell</c> for LSTM layers.</summary>
    IReadOnlyList<string> StateMembers { get; }

    void Initialize(int seed);

    IModelStream NewStream();

    /// <summary>Forward on one sequence of <paramref name="steps"/> steps (batch 1), from the given initial states (zero where not given).</summary>
    ForwardRun Forward(ReadOnlySpan<float> input, int steps, IReadOnlyDictionary<string, float[]>? initialStates = null);

    void Save(string path);

    void Load(string path);

    void Save(Stream stream);

    void Load(Stream stream);
}

/// <summary>Binds a generated model class with its nested <c>Workspace</c> and <c>State</c>.</summary>
internal sealed class SteppedModel<TModel, TWorkspace, TState> : ISteppedModel
    where TModel : class, new()
    where TWorkspace : class
    where TState : class, new()
{
    private readonly TModel _model = new();
    private readonly ForwardFunction _forward;
    private readonly StepFunction _step;
    private readonly Action<TState> _reset;
    private readonly Func<Span<float>> _parameters;
    private readonly Dictionary<string, SpanGetter<TState>> _stateSpans;
    private readonly Dictionary<string, SpanGetter<TWorkspace>> _workspaceSpans;

    public SteppedModel()
    {
        var type = typeof(TModel);
        _forward = type.GetMethod("Forward", new[] { typeof(TWorkspace), typeof(ReadOnlySpan<float>), typeof(int), typeof(int), typeof(Span<float>) })!.CreateDelegate<ForwardFunction>(_model);
        _step = type.GetMethod("Step")!.CreateDelegate<StepFunction>(_model);
        _reset = typeof(TState).GetMethod("Reset")!.CreateDelegate<Action<TState>>();
        _parameters = type.GetProperty("Parameters")!.GetMethod!.CreateDelegate<Func<Span<float>>>(_model);
        _stateSpans = SpanGetters<TState>();
        _workspaceSpans = SpanGetters<TWorkspace>();
        StateMembers = _stateSpans.Keys.ToArray();
    }

    private delegate void ForwardFunction(TWorkspace workspace, ReadOnlySpan<float> input, int batch, int steps, Span<float> output);

    private delegate void StepFunction(TState state, ReadOnlySpan<float> input, Span<float> output);

    private delegate Span<float> SpanGetter<T>(T owner);

    public string Name => typeof(TModel).Name;

    public int InputSize => Constant<int>("InputSize");

    public int OutputSize => Constant<int>("OutputSize");

    public bool OutputIsSequence => Constant<bool>("OutputIsSequence");

    public IReadOnlyList<TensorInfo> ParameterTensors => (IReadOnlyList<TensorInfo>)typeof(TModel).GetProperty("ParameterTensors")!.GetValue(null)!;

    public Span<float> Parameters => _parameters();

    public IReadOnlyList<string> StateMembers { get; }

    public void Initialize(int seed) => typeof(TModel).GetMethod("Initialize")!.Invoke(_model, new object[] { seed });

    public IModelStream NewStream() => new ModelStream(this, new TState());

    public ForwardRun Forward(ReadOnlySpan<float> input, int steps, IReadOnlyDictionary<string, float[]>? initialStates = null)
    {
        var workspace = (TWorkspace)Activator.CreateInstance(typeof(TWorkspace), 1, steps, false)!;
        foreach (var member in StateMembers)
        {
            if (initialStates is not null && initialStates.TryGetValue(member, out var initial))
            {
                initial.CopyTo(_workspaceSpans[WorkspaceMember(member, "Initial")](workspace));
            }
        }

        var output = new float[(OutputIsSequence ? steps : 1) * OutputSize];
        _forward(workspace, input, 1, steps, output);
        var final = StateMembers.ToDictionary(m => m, m => _workspaceSpans[WorkspaceMember(m, "Final")](workspace).ToArray(), StringComparer.Ordinal);
        return new ForwardRun(output, final);
    }

    public void Save(string path) => Invoke("Save", typeof(string), path);

    public void Load(string path) => Invoke("Load", typeof(string), path);

    public void Save(Stream stream) => Invoke("Save", typeof(Stream), stream);

    public void Load(Stream stream) => Invoke("Load", typeof(Stream), stream);

    public override string ToString() => Name;

    /// <summary>The workspace member holding the same state: <c>EncoderHidden</c> → <c>EncoderInitialState</c>, <c>EncoderCell</c> → <c>EncoderFinalCellState</c>.</summary>
    private static string WorkspaceMember(string stateMember, string when) => stateMember.EndsWith("Hidden", StringComparison.Ordinal)
        ? stateMember[..^"Hidden".Length] + when + "State"
        : stateMember[..^"Cell".Length] + when + "CellState";

    private static Dictionary<string, SpanGetter<T>> SpanGetters<T>() =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(Span<float>))
            .ToDictionary(p => p.Name, p => p.GetMethod!.CreateDelegate<SpanGetter<T>>(), StringComparer.Ordinal);

    private static T Constant<T>(string name) => (T)typeof(TModel).GetField(name)!.GetRawConstantValue()!;

    private void Invoke(string method, Type parameter, object argument)
    {
        try
        {
            typeof(TModel).GetMethod(method, new[] { parameter })!.Invoke(_model, new[] { argument });
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private sealed class ModelStream : IModelStream
    {
        private readonly SteppedModel<TModel, TWorkspace, TState> _owner;
        private readonly TState _state;

        public ModelStream(SteppedModel<TModel, TWorkspace, TState> owner, TState state)
        {
            _owner = owner;
            _state = state;
        }

        public void Step(ReadOnlySpan<float> input, Span<float> output) => _owner._step(_state, input, output);

        public void Reset() => _owner._reset(_state);

        public Span<float> Member(string name) => _owner._stateSpans[name](_state);
    }
}

/// <summary>Every test model, by name, bound for the streaming and checkpoint tests.</summary>
internal static class SteppedModels
{
    public static readonly string[] Names =
    {
        nameof(TorchRnnTanh), nameof(TorchRnnRelu), nameof(TinyTagger), nameof(TorchRnnStacked), nameof(ManyToOneRegressor),
        nameof(TanhHeadTagger), nameof(ReluHeadTagger), nameof(SigmoidHeadClassifier), nameof(SequenceClassifier),
        nameof(DeepTagger), nameof(DenseFirstTagger),
        nameof(TorchLstm), nameof(PeepholeLstm), nameof(CoupledLstm), nameof(PeepholeCoupledLstm), nameof(TorchGru), nameof(ChoGru),
        nameof(LstmTagger), nameof(PeepholeLstmRegressor), nameof(CoupledLstmClassifier), nameof(GatedStack), nameof(GruTagger),
        nameof(ChoGruRegressor), nameof(StreamingLstm), nameof(WideGruScorer),
    };

    public static IEnumerable<object[]> All() => Names.Select(n => new object[] { n });

    public static ISteppedModel Create(string name) => name switch
    {
        nameof(TorchRnnTanh) => new SteppedModel<TorchRnnTanh, TorchRnnTanh.Workspace, TorchRnnTanh.State>(),
        nameof(TorchRnnRelu) => new SteppedModel<TorchRnnRelu, TorchRnnRelu.Workspace, TorchRnnRelu.State>(),
        nameof(TinyTagger) => new SteppedModel<TinyTagger, TinyTagger.Workspace, TinyTagger.State>(),
        nameof(TorchRnnStacked) => new SteppedModel<TorchRnnStacked, TorchRnnStacked.Workspace, TorchRnnStacked.State>(),
        nameof(ManyToOneRegressor) => new SteppedModel<ManyToOneRegressor, ManyToOneRegressor.Workspace, ManyToOneRegressor.State>(),
        nameof(TanhHeadTagger) => new SteppedModel<TanhHeadTagger, TanhHeadTagger.Workspace, TanhHeadTagger.State>(),
        nameof(ReluHeadTagger) => new SteppedModel<ReluHeadTagger, ReluHeadTagger.Workspace, ReluHeadTagger.State>(),
        nameof(SigmoidHeadClassifier) => new SteppedModel<SigmoidHeadClassifier, SigmoidHeadClassifier.Workspace, SigmoidHeadClassifier.State>(),
        nameof(SequenceClassifier) => new SteppedModel<SequenceClassifier, SequenceClassifier.Workspace, SequenceClassifier.State>(),
        nameof(DeepTagger) => new SteppedModel<DeepTagger, DeepTagger.Workspace, DeepTagger.State>(),
        nameof(DenseFirstTagger) => new SteppedModel<DenseFirstTagger, DenseFirstTagger.Workspace, DenseFirstTagger.State>(),
        nameof(TorchLstm) => new SteppedModel<TorchLstm, TorchLstm.Workspace, TorchLstm.State>(),
        nameof(PeepholeLstm) => new SteppedModel<PeepholeLstm, PeepholeLstm.Workspace, PeepholeLstm.State>(),
        nameof(CoupledLstm) => new SteppedModel<CoupledLstm, CoupledLstm.Workspace, CoupledLstm.State>(),
        nameof(PeepholeCoupledLstm) => new SteppedModel<PeepholeCoupledLstm, PeepholeCoupledLstm.Workspace, PeepholeCoupledLstm.State>(),
        nameof(TorchGru) => new SteppedModel<TorchGru, TorchGru.Workspace, TorchGru.State>(),
        nameof(ChoGru) => new SteppedModel<ChoGru, ChoGru.Workspace, ChoGru.State>(),
        nameof(LstmTagger) => new SteppedModel<LstmTagger, LstmTagger.Workspace, LstmTagger.State>(),
        nameof(PeepholeLstmRegressor) => new SteppedModel<PeepholeLstmRegressor, PeepholeLstmRegressor.Workspace, PeepholeLstmRegressor.State>(),
        nameof(CoupledLstmClassifier) => new SteppedModel<CoupledLstmClassifier, CoupledLstmClassifier.Workspace, CoupledLstmClassifier.State>(),
        nameof(GatedStack) => new SteppedModel<GatedStack, GatedStack.Workspace, GatedStack.State>(),
        nameof(GruTagger) => new SteppedModel<GruTagger, GruTagger.Workspace, GruTagger.State>(),
        nameof(ChoGruRegressor) => new SteppedModel<ChoGruRegressor, ChoGruRegressor.Workspace, ChoGruRegressor.State>(),
        nameof(StreamingLstm) => new SteppedModel<StreamingLstm, StreamingLstm.Workspace, StreamingLstm.State>(),
        nameof(WideGruScorer) => new SteppedModel<WideGruScorer, WideGruScorer.Workspace, WideGruScorer.State>(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown test model."),
    };
}
