using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>
/// Masked-language-model pretraining's part of training: cross-entropy on the masked positions only through the tied
/// projection (<see cref="VocabularyLoss"/>, chunked), masked-token accuracy. Validation reports the masked-token loss;
/// its metric, which keep-best and early stopping maximize, is the masked-token accuracy.
/// </summary>
internal sealed class MaskedLanguageModelTask : PretrainingTask
{
    private readonly MaskedLanguageModel _model;
    private readonly double _labelSmoothing;

    public MaskedLanguageModelTask(MaskedLanguageModel model, PackedSequences train, PackedSequences? validation, Device device, double labelSmoothing,
        TimeSpan? timeLimit) : base(train, validation, device, timeLimit)
        => (_model, _labelSmoothing) = (model, labelSmoothing);

    public override nn.Module Model => _model;

    public override int ModelDimension => _model.Encoder.Config.ModelDimension;

    public override BatchLoss Forward(MaskedBatch batch) => Loss(batch, _labelSmoothing);

    /// <summary>The masked-token loss without label smoothing.</summary>
    public override BatchLoss ValidationLoss(MaskedBatch batch) => Loss(batch, labelSmoothing: 0);

    /// <summary>Masked-token accuracy: the share of hidden tokens the model restores.</summary>
    public override double ValidationMetric(double meanLoss, double accuracy) => accuracy;

    public override void DisposeObjective() => _model.DisposeHead();

    /// <summary>Mean cross-entropy over the batch's masked positions and how many of them the model predicts, weighted by
    /// the masked positions.</summary>
    private BatchLoss Loss(MaskedBatch batch, double labelSmoothing)
    {
        var (inputs, labels) = batch.ToTensors(Device);
        var (loss, correct) = VocabularyLoss.Compute(_model.Forward(inputs), labels, _model.Logits, _model.Encoder.Config.SourceVocabularySize, labelSmoothing,
            constantSizes: true);
        return new BatchLoss(loss, correct!, batch.Masked, batch.Tokens);
    }
}
