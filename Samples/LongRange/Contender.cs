using System;
using RnnGen.Training;

namespace RnnGen.Samples.LongRange;

/// <summary>Trains on one batch, inputs <c>[T, B, I]</c> and targets <c>[B, 1]</c>; returns the loss before the update.</summary>
internal delegate float TrainStep(ReadOnlySpan<float> input, ReadOnlySpan<float> targets, int batch, int steps);

/// <summary>Writes the recalled values <c>[B, 1]</c> for inputs <c>[T, B, I]</c>.</summary>
internal delegate void Predict(ReadOnlySpan<float> input, int batch, int steps, Span<float> output);

/// <summary>A freshly initialised network of one kind, with its trainer and an inference workspace.</summary>
internal sealed record Run(TrainStep Train, Predict Predict);

/// <summary>
/// One of the compared networks. The generated classes share no interface (each is specialised to its own
/// layers), so each contender wraps its class's <c>Trainer.Step</c> and <c>Forward</c> in delegates.
/// </summary>
/// <param name="Name">Short name, as in the results table.</param>
/// <param name="ParameterCount">Trainable parameters of the network.</param>
/// <param name="Start">Creates the network from a seed, with an optimizer and the largest batch and steps.</param>
internal sealed record Contender(string Name, int ParameterCount, Func<int, Optimizer, int, int, Run> Start)
{
    /// <summary>Every network compared, the plain RNN first.</summary>
    public static Contender[] All { get; } =
    [
        new("Elman", ElmanRecall.ParameterCount, (seed, optimizer, maxBatch, maxSteps) =>
        {
            var model = new ElmanRecall();
            model.Initialize(seed);
            var trainer = new ElmanRecall.Trainer(model, optimizer, maxBatch, maxSteps);
            var workspace = new ElmanRecall.Workspace(maxBatch, maxSteps, training: false);
            return new Run(trainer.Step, (x, batch, steps, y) => model.Forward(workspace, x, batch, steps, y));
        }),
        new("LSTM", LstmRecall.ParameterCount, (seed, optimizer, maxBatch, maxSteps) =>
        {
            var model = new LstmRecall();
            model.Initialize(seed);
            var trainer = new LstmRecall.Trainer(model, optimizer, maxBatch, maxSteps);
            var workspace = new LstmRecall.Workspace(maxBatch, maxSteps, training: false);
            return new Run(trainer.Step, (x, batch, steps, y) => model.Forward(workspace, x, batch, steps, y));
        }),
        new("LSTM peephole", PeepholeLstmRecall.ParameterCount, (seed, optimizer, maxBatch, maxSteps) =>
        {
            var model = new PeepholeLstmRecall();
            model.Initialize(seed);
            var trainer = new PeepholeLstmRecall.Trainer(model, optimizer, maxBatch, maxSteps);
            var workspace = new PeepholeLstmRecall.Workspace(maxBatch, maxSteps, training: false);
            return new Run(trainer.Step, (x, batch, steps, y) => model.Forward(workspace, x, batch, steps, y));
        }),
        new("LSTM coupled", CoupledLstmRecall.ParameterCount, (seed, optimizer, maxBatch, maxSteps) =>
        {
            var model = new CoupledLstmRecall();
            model.Initialize(seed);
            var trainer = new CoupledLstmRecall.Trainer(model, optimizer, maxBatch, maxSteps);
            var workspace = new CoupledLstmRecall.Workspace(maxBatch, maxSteps, training: false);
            return new Run(trainer.Step, (x, batch, steps, y) => model.Forward(workspace, x, batch, steps, y));
        }),
        new("GRU reset after", GruRecall.ParameterCount, (seed, optimizer, maxBatch, maxSteps) =>
        {
            var model = new GruRecall();
            model.Initialize(seed);
            var trainer = new GruRecall.Trainer(model, optimizer, maxBatch, maxSteps);
            var workspace = new GruRecall.Workspace(maxBatch, maxSteps, training: false);
            return new Run(trainer.Step, (x, batch, steps, y) => model.Forward(workspace, x, batch, steps, y));
        }),
        new("GRU reset before", ChoGruRecall.ParameterCount, (seed, optimizer, maxBatch, maxSteps) =>
        {
            var model = new ChoGruRecall();
            model.Initialize(seed);
            var trainer = new ChoGruRecall.Trainer(model, optimizer, maxBatch, maxSteps);
            var workspace = new ChoGruRecall.Workspace(maxBatch, maxSteps, training: false);
            return new Run(trainer.Step, (x, batch, steps, y) => model.Forward(workspace, x, batch, steps, y));
        }),
    ];
}
