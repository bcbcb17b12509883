using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>
/// The sequence-to-sequence part of training, with teacher forcing: the decoder reads the target shifted right
/// ([BOS] y_1 … y_n) and learns to predict y_1 … y_n [EOS] at every position at once, under label-smoothed
/// cross-entropy. Accuracy is token accuracy (share of target positions whose most probable token is right); the
/// validation metric is token accuracy or the negated loss (<see cref="SequenceToSequenceValidationMetric"/>).
/// </summary>
internal sealed class Seq2SeqTrainingTask : ITrainingTask<TokenBatch<int[]>>
{
    private readonly EncoderDecoder _model;
    private readonly TokenBatchReader<int[]> _train;
    private readonly TokenBatchReader<int[]>? _validation;
    private readonly Device _device;
    private readonly double _labelSmoothing;
    private readonly long _rows;
    private readonly int _lengthMultiple;
    private readonly SequenceToSequenceValidationMetric _metric;
    private readonly bool _batchTokens;

    public Seq2SeqTrainingTask(EncoderDecoder model, TokenBatchReader<int[]> train, TokenBatchReader<int[]>? validation, Device device, double labelSmoothing,
        long rows, SequenceToSequenceValidationMetric metric)
    {
        (_model, _train, _validation, _device, _labelSmoothing, _rows, _metric) = (model, train, validation, device, labelSmoothing, rows, metric);
        _lengthMultiple = train.LengthMultiple;
        _batchTokens = train.BatchTokens is not null;
    }

    /// <summary>What batch lengths round up to on <paramref name="device"/>. Pairs are short (words, sentences), so rounding
    /// wastes much: on the CPU, where new shapes cost nothing measurable, batches pad to their longest row only (CMUdict:
    /// a third fewer positions than multiples of 8); GPUs keep multiples of 8 for their tensor cores.</summary>
    public static int LengthMultiple(Device device) => device.type == DeviceType.CPU ? 1 : 8;

    public nn.Module Model => _model;

    public int ModelDimension => _model.Config.ModelDimension;

    public EpochStatistics? LastEpoch => _train.LastEpoch;

    public long CountRows() => _rows;

    /// <summary>Batches cut by tokens are counted by reading the first epoch once; by rows, the loop's default.</summary>
    public long? CountBatches(CancellationToken cancellation) => _batchTokens ? _train.CountBatches(0, cancellation) : null;

    public IEnumerable<TokenBatch<int[]>> ReadEpoch(int epoch, CancellationToken cancellation) => _train.ReadEpoch(epoch, cancellation);

    public BatchLoss Forward(TokenBatch<int[]> batch)
    {
        var (loss, correct, predicted) = LossAndCorrect(batch);
        return new BatchLoss(loss, correct, predicted, batch.Tokens + TeacherForcing.TargetTokens(batch));
    }

    public IEnumerable<TokenBatch<int[]>>? ValidationBatches(CancellationToken cancellation) => _validation?.ReadEpoch(0, cancellation);

    /// <summary>Token accuracy, or the negated loss per predicted position.</summary>
    public double ValidationMetric(double meanLoss, double accuracy) => _metric == SequenceToSequenceValidationMetric.Loss ? -meanLoss : accuracy;

    /// <summary>Mean loss per target position, correct positions, and the number of positions (target tokens + [EOS]).</summary>
    private (Tensor Loss, Tensor Correct, int Positions) LossAndCorrect(TokenBatch<int[]> batch)
    {
        var (decoderInput, labels, positions) = TeacherForcing.Tensors(batch.Labels, _model.Config.MaxLength, _lengthMultiple, _model.Config.PaddingId,
            _device);
        Tensor hidden = _model.Forward(batch.IdsTensor(_device), decoderInput);                         // [B, T, d_model]
        var (loss, correct) = FusedVocabularyLoss.Compute(hidden, labels, _model.Projection, _labelSmoothing);
        return (loss, correct!, positions);
    }
}
