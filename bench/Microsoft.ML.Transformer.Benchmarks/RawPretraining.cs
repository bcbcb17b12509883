using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Pretraining;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// A raw TorchSharp training loop of the pretraining estimator's own model (<see cref="MaskedLanguageModel"/> over a
/// <see cref="TransformerEncoderModel"/>, same config and seed, so the same initial weights), doing per step what the
/// trainer's loop does, minus ML.NET: the masked batch as tensors, forward (under bf16 <see cref="Autocast"/> when the
/// options ask for mixed precision), cross-entropy on the masked positions by the library's <see cref="VocabularyLoss"/>
/// (which drops the other positions before the head), backward, <c>loss.item()</c>, then <see cref="RawOptimizer"/>
/// (clipping, AdamW with the trainer's parameter groups, <c>zero_grad</c>) at a constant learning rate. One dispose scope
/// per step. The trainer also counts the correct masked tokens (read back every step); the raw loop does too, as
/// masked-token accuracy is what pretraining reports.
/// </summary>
internal sealed class RawPretraining : IRawTraining
{
    private readonly MaskedLanguageModel _model;
    private readonly RawOptimizer _optimizer;
    private readonly ScalarType? _autocast;
    private readonly int _vocabulary;

    public RawPretraining(TransformerConfig config, EncoderPretrainingOptions options, int seed)
    {
        _model = new MaskedLanguageModel(new TransformerEncoderModel(config, seed), seed);
        _model.train();
        _optimizer = new RawOptimizer(_model, options);
        _autocast = options.UsesMixedPrecision ? ScalarType.BFloat16 : null;
        _vocabulary = config.SourceVocabularySize;
        manual_seed(TrainerComparison.DropoutSeed(seed));   // the trainer's dropout seed of epoch 0, so that step 1 draws the same masks
    }

    public double LastLoss { get; private set; }

    /// <summary>One optimizer step on a masked batch; returns its positions (rows × length).</summary>
    public int Step(MaskedBatch batch)
    {
        using var scope = NewDisposeScope();
        var (inputs, labels) = batch.ToTensors(CPU);
        Tensor loss;
        Tensor? correct;
        using (Autocast.Enable(_autocast))
            (loss, correct) = VocabularyLoss.Compute(_model.Forward(inputs), labels, _model.Logits, _vocabulary, labelSmoothing: 0);
        loss.backward();
        LastLoss = loss.item<float>();
        correct!.item<long>();
        _optimizer.Step();
        return batch.Tokens;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Encoder.Dispose();
        _model.DisposeHead();
    }
}
