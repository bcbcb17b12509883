using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>
/// ELECTRA's replaced-token detection's part of training (Clark et al. 2020, section 2). Per batch: the generator
/// predicts the masked tokens (its loss: cross-entropy on the masked positions, chunked as <see cref="MaskedLanguageModelTask"/>'s);
/// a token sampled from each prediction replaces the masked one (drawn with the batch's seed, so a resumed run draws the
/// same); the discriminator's binary cross-entropy over every token says whether it was replaced, a sample equal to the
/// original counting as original (the sequences are packed: every position is a real token). The loss is
/// L_MLM + λ·L_Disc; the training accuracy and the validation metric are the discriminator's accuracy over the tokens, and
/// validation reports <see cref="ReplacedTokenDetectionMetrics"/> besides.
/// </summary>
internal sealed class ReplacedTokenDetectionTask : PretrainingTask
{
    private readonly ReplacedTokenDetection _model;
    private readonly double _labelSmoothing;
    private readonly Scalar _lossWeight;                 // λ, kept alive through the native calls (KeptScalars)
    private readonly Generator _sampler;                 // reseeded per batch
    private readonly List<Tensor> _samples = [];         // the batch's sampled tokens, chunk by chunk
    private ReplacedTokenCounts _counts = new();

    public ReplacedTokenDetectionTask(ReplacedTokenDetection model, PackedSequences train, PackedSequences? validation, Device device,
        double discriminatorLossWeight, double labelSmoothing, TimeSpan? timeLimit) : base(train, validation, device, timeLimit)
    {
        (_model, _labelSmoothing) = (model, labelSmoothing);
        _lossWeight = KeptScalars.Of(discriminatorLossWeight);
        _sampler = new Generator(0, device);
    }

    public override nn.Module Model => _model;

    public override int ModelDimension => _model.Discriminator.Config.ModelDimension;

    public override BatchLoss Forward(MaskedBatch batch) => Loss(batch, _labelSmoothing, counts: null);

    public override IEnumerable<MaskedBatch>? ValidationBatches(CancellationToken cancellation)
    {
        _counts = new ReplacedTokenCounts();   // a pass starts
        return base.ValidationBatches(cancellation);
    }

    /// <summary>The joint loss without label smoothing; counts what <see cref="ValidationDetails"/> reports.</summary>
    public override BatchLoss ValidationLoss(MaskedBatch batch) => Loss(batch, labelSmoothing: 0, _counts);

    /// <summary>The discriminator's accuracy over the tokens.</summary>
    public override double ValidationMetric(double meanLoss, double accuracy) => accuracy;

    public override IReadOnlyDictionary<string, double>? ValidationDetails => _counts.Metrics();

    public override void DisposeObjective()
    {
        _model.DisposeAllButDiscriminator();
        _sampler.Dispose();
    }

    /// <param name="counts">Where a validation pass adds the batch's counts; null in training (the generator's argmax is skipped).</param>
    private BatchLoss Loss(MaskedBatch batch, double labelSmoothing, ReplacedTokenCounts? counts)
    {
        var (inputs, labels) = batch.ToTensors(Device);
        Tensor masked = labels.ne(KeptScalars.Of(VocabularyLoss.Ignored));
        Tensor original = labels.where(masked, inputs);
        _sampler.manual_seed(batch.SamplingSeed);
        _samples.Clear();
        var (generatorLoss, generatorCorrect) = VocabularyLoss.Compute(_model.GeneratorHidden(inputs), labels, _model.GeneratorLogits,
            _model.Discriminator.Config.SourceVocabularySize, labelSmoothing, countCorrect: counts is not null,
            eachChunk: logits => _samples.Add(_model.Sample(logits, _sampler).MoveToOuterDisposeScope()));
        Tensor corrupted = _samples.Count == 0 ? original : original.masked_scatter(masked, _samples.Count == 1 ? _samples[0] : cat(_samples, 0));
        _samples.Clear();

        Tensor replaced = corrupted.ne(original);
        Tensor logits = _model.DiscriminatorLogits(corrupted);
        Tensor discriminatorLoss = nn.functional.binary_cross_entropy_with_logits(logits, replaced.to(ScalarType.Float32));
        Tensor flagged = logits.gt(KeptScalars.Zero);
        Tensor correct = flagged.eq(replaced).sum();
        counts?.Add(batch.Tokens, batch.Masked, replaced.sum().item<long>(), flagged.sum().item<long>(), flagged.logical_and(replaced).sum().item<long>(),
            generatorCorrect!.item<long>(), generatorLoss.item<float>(), discriminatorLoss.item<float>());
        return new BatchLoss(generatorLoss.add(discriminatorLoss, _lossWeight), correct, batch.Tokens, batch.Tokens);
    }
}
