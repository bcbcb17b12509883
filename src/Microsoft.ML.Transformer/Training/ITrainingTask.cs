using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// What a model-specific trainer hands to <see cref="TrainingLoop{TBatch}"/>: the model, its batches and its loss. The
/// loop owns everything else (optimizer, schedule, precision, steps, validation, checkpoints, progress).
/// </summary>
internal interface ITrainingTask<TBatch>
{
    /// <summary>The model being trained, already on the training device.</summary>
    nn.Module Model { get; }

    /// <summary>d_model, which scales the inverse-square-root schedule.</summary>
    int ModelDimension { get; }

    /// <summary>Rows per epoch, for the schedule and the ETA (an estimate: rows later skipped still count).</summary>
    long CountRows();

    /// <summary>Batches per epoch, for the schedule and the ETA, when they are not the rows in batches of BatchSize
    /// (tasks that cut batches by tokens count them); null by default.</summary>
    long? CountBatches(CancellationToken cancellation) => null;

    /// <summary>The training batches of 0-based <paramref name="epoch"/>, deterministic in the seed and the epoch.</summary>
    IEnumerable<TBatch> ReadEpoch(int epoch, CancellationToken cancellation);

    /// <summary>True once the task has nothing more to train (its time budget ran out, ending the epoch being read): the
    /// loop validates and checkpoints that epoch, then stops. False by default.</summary>
    bool Finished => false;

    /// <summary>The counts of the epoch last read.</summary>
    EpochStatistics? LastEpoch { get; }

    /// <summary>Forward pass and loss of one batch, in training mode.</summary>
    BatchLoss Forward(TBatch batch);

    /// <summary>The validation batches, the same every epoch, or null without a validation set.</summary>
    IEnumerable<TBatch>? ValidationBatches(CancellationToken cancellation);

    /// <summary>Loss of one validation batch, weighted by its examples; the loop runs it in eval mode without gradients.
    /// The training loss by default.</summary>
    BatchLoss ValidationLoss(TBatch batch) => Forward(batch);

    /// <summary>The metric early stopping maximizes, from the validation's mean loss and accuracy.</summary>
    double ValidationMetric(double meanLoss, double accuracy);

    /// <summary>Further metrics of the validation pass just run, by name (a task that trains two models reports the
    /// second's here), for <see cref="EpochSummary.ValidationDetails"/>; finite values. Null by default.</summary>
    IReadOnlyDictionary<string, double>? ValidationDetails => null;
}

/// <summary>A batch's mean loss (float32 scalar, with a graph), its correct predictions (a scalar tensor) out of
/// <paramref name="Examples"/>, and its real tokens.</summary>
internal readonly record struct BatchLoss(Tensor Loss, Tensor Correct, int Examples, int Tokens);

/// <summary>Mean validation loss, the metric that early stopping maximizes, and the task's further metrics (or null).</summary>
internal sealed record ValidationResult(double Loss, double Metric, IReadOnlyDictionary<string, double>? Details = null);
