using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer;

/// <summary>A progress report during training (every <see cref="TransformerTrainingOptions.ProgressInterval"/> steps).</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs planned.</param>
/// <param name="Step">Optimizer steps done in the whole run.</param>
/// <param name="TotalSteps">Optimizer steps planned for the whole run (from the row count, or the batches of the first epoch when batches are cut by tokens).</param>
/// <param name="Loss">Mean training loss since the previous report.</param>
/// <param name="Accuracy">Training accuracy since the previous report (share of correct predictions or tokens).</param>
/// <param name="LearningRate">The learning rate of the last step.</param>
/// <param name="TokensPerSecond">Real (non-padding) tokens trained on per second since the previous report.</param>
/// <param name="Elapsed">Time spent training in this run.</param>
/// <param name="Remaining">Estimated time to the end of the last epoch.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, long Step, long TotalSteps, double Loss, double Accuracy,
    double LearningRate, double TokensPerSecond, TimeSpan Elapsed, TimeSpan Remaining);

/// <summary>What one epoch achieved.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="TrainingLoss">Mean training loss over the epoch.</param>
/// <param name="TrainingAccuracy">Training accuracy over the epoch.</param>
/// <param name="ValidationLoss">Mean loss on the validation set, or null without one.</param>
/// <param name="ValidationMetric">The validation metric early stopping watches (accuracy for classifiers), or null.</param>
/// <param name="IsBest">Whether this epoch has the best validation metric so far (always true without validation).</param>
/// <param name="Rows">Training rows used this epoch.</param>
/// <param name="RowsSkipped">Rows skipped, for any reason (<see cref="SkippedRows"/> says which).</param>
/// <param name="TokensPerSecond">Real tokens trained on per second over the epoch.</param>
/// <param name="Duration">Wall time of the epoch, validation included.</param>
public sealed record EpochSummary(int Epoch, double TrainingLoss, double TrainingAccuracy, double? ValidationLoss,
    double? ValidationMetric, bool IsBest, long Rows, long RowsSkipped, double TokensPerSecond, TimeSpan Duration)
{
    private readonly NamedValues<long> _skippedRows = NamedValues<long>.None;
    private readonly NamedValues<double> _validationDetails = NamedValues<double>.None;

    /// <summary>Rows skipped, by reason (e.g. "a missing label in 'Label'", "an empty target in '…'"); empty in summaries
    /// saved before reasons were recorded.</summary>
    public IReadOnlyDictionary<string, long> SkippedRows
    {
        get => _skippedRows;
        init => _skippedRows = new NamedValues<long>(value);
    }

    /// <summary>Further validation metrics by name, where the trainer has some besides <see cref="ValidationLoss"/> and
    /// <see cref="ValidationMetric"/> (replaced-token detection: <see cref="ReplacedTokenDetectionMetrics"/>); empty otherwise.</summary>
    public IReadOnlyDictionary<string, double> ValidationDetails
    {
        get => _validationDetails;
        init => _validationDetails = new NamedValues<double>(value);
    }
}
