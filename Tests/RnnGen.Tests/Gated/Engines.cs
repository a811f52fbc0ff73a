using System;
using System.Collections.Generic;
using RnnGen.Tests.Models;

namespace RnnGen.Tests.Gated;

/// <summary>The gated test models, by name, bound for the shared tests.</summary>
internal static class GatedModelCatalog
{
    /// <summary>Models with heads, covering every cell variant; used for generated-versus-reference and finite differences.</summary>
    public static readonly string[] Networks =
    {
        nameof(LstmTagger), nameof(PeepholeLstmRegressor), nameof(CoupledLstmClassifier), nameof(GatedStack),
        nameof(GruTagger), nameof(ChoGruRegressor), nameof(TorchLstm), nameof(PeepholeLstm), nameof(CoupledLstm),
        nameof(PeepholeCoupledLstm), nameof(TorchGru), nameof(ChoGru),
    };

    public static IGeneratedModel Create(string name) => name switch
    {
        nameof(TorchLstm) => new GeneratedModel<TorchLstm, TorchLstm.Workspace>(),
        nameof(PeepholeLstm) => new GeneratedModel<PeepholeLstm, PeepholeLstm.Workspace>(),
        nameof(CoupledLstm) => new GeneratedModel<CoupledLstm, CoupledLstm.Workspace>(),
        nameof(PeepholeCoupledLstm) => new GeneratedModel<PeepholeCoupledLstm, PeepholeCoupledLstm.Workspace>(),
        nameof(TorchGru) => new GeneratedModel<TorchGru, TorchGru.Workspace>(),
        nameof(ChoGru) => new GeneratedModel<ChoGru, ChoGru.Workspace>(),
        nameof(LstmTagger) => new GeneratedModel<LstmTagger, LstmTagger.Workspace>(),
        nameof(PeepholeLstmRegressor) => new GeneratedModel<PeepholeLstmRegressor, PeepholeLstmRegressor.Workspace>(),
        nameof(CoupledLstmClassifier) => new GeneratedModel<CoupledLstmClassifier, CoupledLstmClassifier.Workspace>(),
        nameof(GatedStack) => new GeneratedModel<GatedStack, GatedStack.Workspace>(),
        nameof(GruTagger) => new GeneratedModel<GruTagger, GruTagger.Workspace>(),
        nameof(ChoGruRegressor) => new GeneratedModel<ChoGruRegressor, ChoGruRegressor.Workspace>(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown test model."),
    };
}

/// <summary>Runs a model's forward and backward pass: the generated code, or the reference implementations.</summary>
internal static class Engines
{
    public const string Generated = "generated";
    public const string Reference = "reference";

    /// <summary>
    /// Forward on <paramref name="input"/>, then backward of <c>L = Σ output ⊙ outputGradient + Σ_states final ⊙ given gradient</c>.
    /// <paramref name="given"/> returns the initial states and final-state gradients by workspace member name; a
    /// name it does not know reads as zeros.
    /// </summary>
    /// <param name="lengths">Sequence lengths <c>[B]</c> for the variable-length overloads, or null for the full-length ones.</param>
    public static NetworkRun Run(string engine, IGeneratedModel model, float[] input, int batch, int steps, IReadOnlyDictionary<string, float[]> given, float[] outputGradient, int[]? lengths = null)
    {
        var states = StateNames(model);
        float[] Given(string name) => given.TryGetValue(name, out var v) ? v : new float[StateLength(model, name, batch)];
        if (engine == Reference)
        {
            return ReferenceNetwork.Run(model, model.Parameters.ToArray(), input, batch, steps, Given, outputGradient, lengths);
        }

        model.CreateWorkspace(batch, steps);
        foreach (var name in states.Given)
        {
            Given(name).CopyTo(model.WorkspaceSpan(name));
        }

        var output = new float[(model.OutputIsSequence ? steps * batch : batch) * model.OutputSize];
        if (lengths is null)
        {
            model.Forward(input, batch, steps, output);
        }
        else
        {
            model.Forward(input, lengths, batch, steps, output);
        }

        var dx = new float[input.Length];
        model.ZeroGradients();
        model.Backward(outputGradient, dx);
        var results = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var name in states.Results)
        {
            results[name] = model.WorkspaceSpan(name).Slice(0, StateLength(model, name, batch)).ToArray();
        }

        return new NetworkRun(output, model.Gradients.ToArray(), dx, results);
    }

    /// <summary>Workspace state members: those a caller gives (initial states, final-state gradients) and those a pass produces.</summary>
    public static (List<string> Given, List<string> Results) StateNames(IGeneratedModel model)
    {
        var given = new List<string>();
        var results = new List<string>();
        foreach (var layer in model.Layers)
        {
            foreach (var state in new[] { "State", "CellState" })
            {
                if (model.HasWorkspaceSpan(layer.Name + "Initial" + state))
                {
                    given.Add(layer.Name + "Initial" + state);
                    given.Add(layer.Name + "Final" + state + "Gradient");
                    results.Add(layer.Name + "Final" + state);
                    results.Add(layer.Name + "Initial" + state + "Gradient");
                }
            }
        }

        return (given, results);
    }

    /// <summary><c>D · batch · H</c> of the layer that owns the state member (a workspace made for <paramref name="batch"/> sequences).</summary>
    public static int StateLength(IGeneratedModel model, string member, int batch)
    {
        foreach (var layer in model.Layers)
        {
            if ((member.StartsWith(layer.Name + "Initial", StringComparison.Ordinal) || member.StartsWith(layer.Name + "Final", StringComparison.Ordinal)) && layer.Declaration is not DenseAttribute)
            {
                return layer.Directions * batch * ReferenceNetwork.HiddenSizeOf(layer);
            }
        }

        throw new ArgumentException($"No layer owns '{member}'.", nameof(member));
    }
}
