using System;
using System.Collections.Generic;

namespace RnnGen.Tests.Numerics;

/// <summary>A span owned by a generated model or workspace (parameters, gradients, states).</summary>
internal delegate Span<float> SpanSource();

/// <summary><c>model.Forward(workspace, input, batch, steps, output)</c> of one generated model.</summary>
internal delegate void ForwardPass(ReadOnlySpan<float> input, int batch, int steps, Span<float> output);

/// <summary><c>model.Backward(workspace, outputGradient, inputGradient)</c> of one generated model.</summary>
internal delegate void BackwardPass(ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

/// <summary>A recurrent layer's parameter view and the state spans a training workspace holds for it, each <c>[MaxBatch, H]</c>.</summary>
internal sealed record RecurrentState(SimpleRnnLayer Layer, SpanSource Initial, SpanSource Final, SpanSource InitialGradient, SpanSource FinalGradient)
{
    public int Hidden => Layer.HiddenSize;
}

/// <summary>
/// One generated model and one training workspace behind a common shape, so a test can run the same
/// assertions over every test model. Generated models share no interface (their sizes are constants of
/// each class), hence the delegates; <see cref="GeneratedNetworks"/> builds one per model.
/// </summary>
internal sealed class GeneratedNetwork
{
    public required Type ModelType { get; init; }

    public required int InputSize { get; init; }

    public required int OutputSize { get; init; }

    public required bool OutputIsSequence { get; init; }

    public required int ParameterCount { get; init; }

    public required IReadOnlyList<TensorInfo> ParameterTensors { get; init; }

    public required int MaxBatch { get; init; }

    public required int MaxSteps { get; init; }

    public required SpanSource Parameters { get; init; }

    public required SpanSource Gradients { get; init; }

    public required Action ZeroGradients { get; init; }

    public required ForwardPass Forward { get; init; }

    public required BackwardPass Backward { get; init; }

    /// <summary>Recurrent layers in declaration order.</summary>
    public required IReadOnlyList<RecurrentState> States { get; init; }

    public string Name => ModelType.Name;

    /// <summary>Number of output values for a batch: <c>T·B·O</c> for sequence outputs, <c>B·O</c> otherwise.</summary>
    public int OutputLength(int batch, int steps) => (OutputIsSequence ? steps * batch : batch) * OutputSize;

    /// <summary>Runs Forward into a new array.</summary>
    public float[] Run(float[] input, int batch, int steps)
    {
        var output = new float[OutputLength(batch, steps)];
        Forward(input, batch, steps, output);
        return output;
    }

    /// <summary>Writes the first <c>batch·H</c> values of every layer's initial state.</summary>
    public void SetInitialStates(IReadOnlyList<float[]> states)
    {
        for (int l = 0; l < States.Count; l++)
        {
            var span = States[l].Initial();
            span.Clear();
            states[l].CopyTo(span);
        }
    }

    /// <summary>Writes the first <c>batch·H</c> values of every layer's final-state gradient (zero elsewhere).</summary>
    public void SetFinalStateGradients(IReadOnlyList<float[]> gradients)
    {
        for (int l = 0; l < States.Count; l++)
        {
            var span = States[l].FinalGradient();
            span.Clear();
            gradients[l].CopyTo(span);
        }
    }

    /// <summary>The first <c>batch·H</c> values of every layer's span chosen by <paramref name="which"/>.</summary>
    public float[][] ReadStates(int batch, Func<RecurrentState, SpanSource> which)
    {
        var result = new float[States.Count][];
        for (int l = 0; l < States.Count; l++)
        {
            result[l] = which(States[l])().Slice(0, batch * States[l].Hidden).ToArray();
        }

        return result;
    }
}
