using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Classification;

/// <summary>The classifier's part of training: batches of token ids and labels, the loss (sigmoid or softmax cross-entropy
/// with optional label smoothing), accuracy, and validation accuracy as the early-stopping metric.</summary>
internal sealed class ClassifierTrainingTask : ITrainingTask<TokenBatch<long>>
{
    private readonly TransformerClassifierModel _model;
    private readonly TokenBatchReader<long> _train;
    private readonly TokenBatchReader<long>? _validation;
    private readonly Device _device;
    private readonly ClassifierKind _kind;
    private readonly double _labelSmoothing;
    private readonly long _rows;

    public ClassifierTrainingTask(TransformerClassifierModel model, TokenBatchReader<long> train, TokenBatchReader<long>? validation, Device device,
        ClassifierKind kind, double labelSmoothing, long rows)
    {
        (_model, _train, _validation, _device, _kind, _labelSmoothing, _rows) = (model, train, validation, device, kind, labelSmoothing, rows);
    }

    public nn.Module Model => _model;

    public int ModelDimension => _model.Config.ModelDimension;

    public EpochStatistics? LastEpoch => _train.LastEpoch;

    public long CountRows() => _rows;

    public IEnumerable<TokenBatch<long>> ReadEpoch(int epoch, CancellationToken cancellation) => _train.ReadEpoch(epoch, cancellation);

    public BatchLoss Forward(TokenBatch<long> batch)
    {
        var (loss, correct) = LossAndCorrect(batch);
        return new BatchLoss(loss, correct, batch.Count, batch.Tokens);
    }

    public IEnumerable<TokenBatch<long>>? ValidationBatches(CancellationToken cancellation) => _validation?.ReadEpoch(0, cancellation);

    /// <summary>Validation accuracy.</summary>
    public double ValidationMetric(double meanLoss, double accuracy) => accuracy;

    private (Tensor Loss, Tensor Correct) LossAndCorrect(TokenBatch<long> batch)
    {
        Tensor ids = batch.IdsTensor(_device);
        Tensor labels = ClassLabel.Tensor(batch, _device);
        Tensor logits = _model.Forward(ids);
        if (_kind == ClassifierKind.Multiclass)
        {
            Tensor loss = nn.functional.cross_entropy(logits, labels, label_smoothing: _labelSmoothing);
            return (loss, logits.argmax(-1).eq(labels).sum());
        }
        Tensor logit = logits.squeeze(-1);
        // Label smoothing for a sigmoid output: targets 1 − ε/2 and ε/2, as softmax smoothing gives with two classes.
        using Scalar kept = 1 - _labelSmoothing, floor = _labelSmoothing / 2;   // alive through the native calls (KeptScalars says why)
        Tensor target = labels.to(ScalarType.Float32).mul(kept).add(floor);
        Tensor binaryLoss = nn.functional.binary_cross_entropy_with_logits(logit, target);
        return (binaryLoss, logit.gt(KeptScalars.Zero).eq(labels.to(ScalarType.Bool)).sum());
    }
}
