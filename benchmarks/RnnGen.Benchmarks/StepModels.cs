using RnnGen;

namespace RnnGen.Benchmarks.Models;

// Streaming models for the single-step latency benchmark: one recurrent layer of the given input → hidden size and a
// one-unit linear output, the shapes of the RTNeural comparison.

/// <summary>Lstm 1 → 8, then Dense 1.</summary>
[RnnModel(InputSize = 1, Streaming = true)]
public partial class StepLstm1x8
{
    [Lstm(hidden: 8)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Lstm 1 → 16, then Dense 1.</summary>
[RnnModel(InputSize = 1, Streaming = true)]
public partial class StepLstm1x16
{
    [Lstm(hidden: 16)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Lstm 1 → 32, then Dense 1.</summary>
[RnnModel(InputSize = 1, Streaming = true)]
public partial class StepLstm1x32
{
    [Lstm(hidden: 32)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Lstm 1 → 64, then Dense 1.</summary>
[RnnModel(InputSize = 1, Streaming = true)]
public partial class StepLstm1x64
{
    [Lstm(hidden: 64)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Lstm 32 → 32, then Dense 1.</summary>
[RnnModel(InputSize = 32, Streaming = true)]
public partial class StepLstm32x32
{
    [Lstm(hidden: 32)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Lstm 64 → 64, then Dense 1.</summary>
[RnnModel(InputSize = 64, Streaming = true)]
public partial class StepLstm64x64
{
    [Lstm(hidden: 64)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Lstm 128 → 128, then Dense 1.</summary>
[RnnModel(InputSize = 128, Streaming = true)]
public partial class StepLstm128x128
{
    [Lstm(hidden: 128)]
    public partial LstmLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Gru 1 → 8, then Dense 1.</summary>
[RnnModel(InputSize = 1, Streaming = true)]
public partial class StepGru1x8
{
    [Gru(hidden: 8)]
    public partial GruLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Gru 1 → 16, then Dense 1.</summary>
[RnnModel(InputSize = 1, Streaming = true)]
public partial class StepGru1x16
{
    [Gru(hidden: 16)]
    public partial GruLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Gru 1 → 32, then Dense 1.</summary>
[RnnModel(InputSize = 1, Streaming = true)]
public partial class StepGru1x32
{
    [Gru(hidden: 32)]
    public partial GruLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Gru 1 → 64, then Dense 1.</summary>
[RnnModel(InputSize = 1, Streaming = true)]
public partial class StepGru1x64
{
    [Gru(hidden: 64)]
    public partial GruLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Gru 32 → 32, then Dense 1.</summary>
[RnnModel(InputSize = 32, Streaming = true)]
public partial class StepGru32x32
{
    [Gru(hidden: 32)]
    public partial GruLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Gru 64 → 64, then Dense 1.</summary>
[RnnModel(InputSize = 64, Streaming = true)]
public partial class StepGru64x64
{
    [Gru(hidden: 64)]
    public partial GruLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}

/// <summary>Gru 128 → 128, then Dense 1.</summary>
[RnnModel(InputSize = 128, Streaming = true)]
public partial class StepGru128x128
{
    [Gru(hidden: 128)]
    public partial GruLayer Recurrent { get; }

    [Dense(1)]
    public partial DenseLayer Output { get; }
}
