using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.LanguageModel;

/// <summary>
/// The language model's part of training: windows of the token stream, next-token cross-entropy at every position
/// (the causal mask lets one pass train all of them), next-token accuracy. Validation reports the loss in nats per
/// token; its metric, which early stopping maximizes, is the negated loss.
/// </summary>
internal sealed class LanguageModelTrainingTask : ITrainingTask<WindowBatch>
{
    private readonly DecoderOnlyModel _model;
    private readonly TokenWindows _train;
    private readonly TokenWindows? _validation;
    private readonly Device _device;
    private readonly double _labelSmoothing;
    private EpochStatistics? _lastEpoch;

    public LanguageModelTrainingTask(DecoderOnlyModel model, TokenWindows train, TokenWindows? validation, Device device, double labelSmoothing)
        => (_model, _train, _validation, _device, _labelSmoothing) = (model, train, validation, device, labelSmoothing);

    public nn.Module Model => _model;

    public int ModelDimension => _model.Config.ModelDimension;

    public EpochStatistics? LastEpoch => _lastEpoch;

    public long CountRows() => _train.Count();

    public IEnumerable<WindowBatch> ReadEpoch(int epoch, CancellationToken cancellation)
    {
        var stats = new EpochStatistics();
        _lastEpoch = stats;
        foreach (WindowBatch batch in _train.Batches(epoch))
        {
            cancellation.ThrowIfCancellationRequested();
            stats.RowsRead += batch.Rows;
            stats.RowsUsed += batch.Rows;
            stats.Batches++;
            stats.Tokens += batch.Tokens;
            yield return batch;
        }
    }

    public BatchLoss Forward(WindowBatch batch)
    {
        var (loss, correct) = Loss(_model, batch, _device, _labelSmoothing);
        return new BatchLoss(loss, correct, batch.Tokens, batch.Tokens);
    }

    public IEnumerable<WindowBatch>? ValidationBatches(CancellationToken cancellation) => _validation?.Batches(0, shuffle: false);

    /// <summary>Nats per token without label smoothing, as evaluation reports them (<see cref="MeanLoss"/>).</summary>
    public BatchLoss ValidationLoss(WindowBatch batch) => Unsmoothed(_model, batch, _device);

    /// <summary>The negated loss: lower nats per token is better.</summary>
    public double ValidationMetric(double meanLoss, double accuracy) => -meanLoss;

    /// <summary>Mean next-token cross-entropy (nats) and correct predictions of one batch.</summary>
    public static (Tensor Loss, Tensor Correct) Loss(DecoderOnlyModel model, WindowBatch batch, Device device, double labelSmoothing = 0)
    {
        var (inputs, targets) = batch.ToTensors(device);
        var (loss, correct) = FusedVocabularyLoss.Compute(model.Forward(inputs), targets, model.Projection, labelSmoothing);
        return (loss, correct!);
    }

    /// <summary>The model's loss over every window of <paramref name="windows"/> (offset 0, in order), in eval mode
    /// without gradients: nats per token, total nats and tokens predicted.</summary>
    public static (double NatsPerToken, double TotalNats, long Tokens) MeanLoss(DecoderOnlyModel model, TokenWindows windows, Device device,
        CancellationToken cancellation)
    {
        ValidationTotals totals = ValidationPass.Run(model, windows.Batches(0, shuffle: false), batch => Unsmoothed(model, batch, device), cancellation);
        return (totals.MeanLoss, totals.LossSum, totals.Examples);
    }

    /// <summary>One batch's loss without label smoothing, weighted by its predicted tokens.</summary>
    private static BatchLoss Unsmoothed(DecoderOnlyModel model, WindowBatch batch, Device device)
    {
        var (loss, correct) = Loss(model, batch, device);
        return new BatchLoss(loss, correct, batch.Tokens, batch.Tokens);
    }
}
