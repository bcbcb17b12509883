using System.Text.Json.Serialization;
using Microsoft.ML.Transformer.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Where a training run stands: epochs and steps done, the best validation epoch (and its weights, for
/// keep-best), early stopping, and every epoch's summary. Saved with each checkpoint.</summary>
internal sealed class RunState
{
    [JsonConstructor]
    public RunState(string fingerprint) => Fingerprint = fingerprint;

    public string Fingerprint { get; }

    public int EpochsDone { get; set; }

    /// <summary>Optimizer steps done in the whole run.</summary>
    public long Steps { get; set; }

    public double? BestMetric { get; set; }

    public int BestEpoch { get; set; }

    public int EpochsWithoutImprovement { get; set; }

    /// <summary>Early stopping has ended the run.</summary>
    public bool Stopped { get; set; }

    public List<EpochSummary> History { get; set; } = [];

    /// <summary>A CPU copy of the best epoch's weights (kept only with validation and KeepBestModel).</summary>
    [JsonIgnore]
    public List<TensorData>? Best { get; set; }

    /// <summary>CPU copies of the weights at the ends of the last epochs, oldest first (kept only with
    /// <see cref="TransformerTrainingOptions.AverageLastEpochs"/> above 1; see <see cref="WeightAverage"/>).</summary>
    [JsonIgnore]
    public List<List<TensorData>> AveragingWindow { get; set; } = [];

    /// <summary>Records 0-based <paramref name="epoch"/>: updates the best epoch, keep-best weights and early stopping.</summary>
    public EpochSummary EndEpoch(int epoch, double loss, double accuracy, ValidationResult? validation, EpochStatistics? stats,
        double tokensPerSecond, TimeSpan duration, TransformerTrainingOptions options, nn.Module model)
    {
        EpochsDone = epoch + 1;
        bool isBest = validation is null || BestMetric is not { } best || validation.Metric > best;
        if (isBest)
        {
            BestEpoch = EpochsDone;
            EpochsWithoutImprovement = 0;
            if (validation is not null)
            {
                BestMetric = validation.Metric;
                if (options.KeepBestModel && options.AverageLastEpochs == 1) Best = ModuleState.Export(model);
            }
        }
        else if (++EpochsWithoutImprovement >= (options.EarlyStoppingPatience ?? int.MaxValue))
        {
            Stopped = true;
        }
        if (options.AverageLastEpochs > 1)
        {
            AveragingWindow.Add(ModuleState.Export(model));
            if (AveragingWindow.Count > options.AverageLastEpochs) AveragingWindow.RemoveAt(0);
        }
        var summary = new EpochSummary(EpochsDone, loss, accuracy, validation?.Loss, validation?.Metric, isBest,
            stats?.RowsUsed ?? 0, stats?.RowsSkipped ?? 0, tokensPerSecond, duration)
        {
            SkippedRows = stats?.SkippedByReason ?? [], ValidationDetails = validation?.Details ?? NamedValues<double>.None,
        };
        History.Add(summary);
        return summary;
    }
}
