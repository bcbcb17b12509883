using System.Diagnostics;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>
/// Masked-language-model pretraining's part of training: packed sequences masked anew every epoch, cross-entropy on the
/// masked positions only through the tied projection (<see cref="VocabularyLoss"/>, chunked), masked-token accuracy.
/// Validation reports the masked-token loss; its metric, which keep-best and early stopping maximize, is the masked-token
/// accuracy. With a time limit, the epoch under way ends when the limit is reached (counted from the first batch read)
/// and the run with it.
/// </summary>
internal sealed class MaskedLanguageModelTask : ITrainingTask<MaskedBatch>
{
    /// <summary>The epoch whose masks validation uses (no training epoch has it).</summary>
    private const int ValidationEpoch = -1;

    private readonly MaskedLanguageModel _model;
    private readonly PackedSequences _train;
    private readonly PackedSequences? _validation;
    private readonly Device _device;
    private readonly double _labelSmoothing;
    private readonly TimeSpan? _timeLimit;
    private Stopwatch? _clock;
    private EpochStatistics? _lastEpoch;

    public MaskedLanguageModelTask(MaskedLanguageModel model, PackedSequences train, PackedSequences? validation, Device device, double labelSmoothing,
        TimeSpan? timeLimit)
        => (_model, _train, _validation, _device, _labelSmoothing, _timeLimit) = (model, train, validation, device, labelSmoothing, timeLimit);

    public nn.Module Model => _model;

    public int ModelDimension => _model.Encoder.Config.ModelDimension;

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

    public BatchLoss Forward(MaskedBatch batch) => Loss(batch, _labelSmoothing);

    public IEnumerable<MaskedBatch>? ValidationBatches(CancellationToken cancellation) => _validation?.Batches(ValidationEpoch, shuffle: false);

    /// <summary>The masked-token loss without label smoothing.</summary>
    public BatchLoss ValidationLoss(MaskedBatch batch) => Loss(batch, labelSmoothing: 0);

    /// <summary>Masked-token accuracy: the share of hidden tokens the model restores.</summary>
    public double ValidationMetric(double meanLoss, double accuracy) => accuracy;

    /// <summary>Mean cross-entropy over the batch's masked positions and how many of them the model predicts, weighted by
    /// the masked positions.</summary>
    private BatchLoss Loss(MaskedBatch batch, double labelSmoothing)
    {
        var (inputs, labels) = batch.ToTensors(_device);
        var (loss, correct) = VocabularyLoss.Compute(_model.Forward(inputs), labels, _model.Logits, _model.Encoder.Config.SourceVocabularySize, labelSmoothing);
        return new BatchLoss(loss, correct!, batch.Masked, batch.Tokens);
    }
}
