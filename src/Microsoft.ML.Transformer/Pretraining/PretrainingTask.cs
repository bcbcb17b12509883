using System.Diagnostics;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>
/// What every pretraining objective's part of training shares: packed sequences masked anew every epoch, validation on
/// the kept-back sequences masked the same way every epoch, and the time limit — the epoch under way ends when it is
/// reached (counted from the first batch read), and the run with it. An objective adds its model and its loss.
/// </summary>
internal abstract class PretrainingTask : ITrainingTask<MaskedBatch>
{
    /// <summary>The epoch whose masks validation uses (no training epoch has it).</summary>
    private const int ValidationEpoch = -1;

    private readonly PackedSequences _train;
    private readonly PackedSequences? _validation;
    private readonly TimeSpan? _timeLimit;
    private Stopwatch? _clock;
    private EpochStatistics? _lastEpoch;

    protected PretrainingTask(PackedSequences train, PackedSequences? validation, Device device, TimeSpan? timeLimit)
        => (_train, _validation, Device, _timeLimit) = (train, validation, device, timeLimit);

    /// <summary>Where the batches' tensors go: the model's device.</summary>
    protected Device Device { get; }

    public abstract nn.Module Model { get; }

    public abstract int ModelDimension { get; }

    public EpochStatistics? LastEpoch => _lastEpoch;

    public bool Finished { get; private set; }

    public long CountRows() => _train.Count();

    public IEnumerable<MaskedBatch> ReadEpoch(int epoch, CancellationToken cancellation)
    {
        var stats = new EpochStatistics();
        _lastEpoch = stats;
        _clock ??= Stopwatch.StartNew();
        foreach (MaskedBatch batch in _train.Batches(epoch))
        {
            cancellation.ThrowIfCancellationRequested();
            if (_clock.Elapsed >= _timeLimit)
            {
                Finished = true;
                yield break;
            }
            stats.RowsRead += batch.Rows;
            stats.RowsUsed += batch.Rows;
            stats.Batches++;
            stats.Tokens += batch.Tokens;
            yield return batch;
        }
    }

    public abstract BatchLoss Forward(MaskedBatch batch);

    public virtual IEnumerable<MaskedBatch>? ValidationBatches(CancellationToken cancellation) => _validation?.Batches(ValidationEpoch, shuffle: false);

    public abstract BatchLoss ValidationLoss(MaskedBatch batch);

    public abstract double ValidationMetric(double meanLoss, double accuracy);

    public virtual IReadOnlyDictionary<string, double>? ValidationDetails => null;

    /// <summary>Frees the objective's own modules (heads, a generator), leaving the encoder — what pretraining returns — alive.</summary>
    public abstract void DisposeObjective();
}
