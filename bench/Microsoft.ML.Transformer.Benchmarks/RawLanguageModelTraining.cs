using Microsoft.ML.Transformer.LanguageModel;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// A raw TorchSharp training loop of the language-model estimator's own model (<see cref="DecoderOnlyModel"/>, same config
/// and seed, so the same initial weights), doing per step what the trainer's loop does, minus ML.NET: the window batch as
/// inputs w[0..T) and targets w[1..T], forward (under bf16 <see cref="Autocast"/> when the options ask for mixed precision),
/// next-token cross-entropy over every position (the options' label smoothing, 0 by default) by the library's
/// <see cref="FusedVocabularyLoss"/>, backward, <c>loss.item()</c>,
/// then <see cref="RawOptimizer"/> (gradient norm clipped to 1, AdamW lr 1e-3, β 0.9/0.99, weight decay 0.01 on weight
/// matrices only, <c>zero_grad</c>) at a constant learning rate. One dispose scope per step. The trainer also counts correct
/// next tokens (an argmax per loss chunk, read back every step); the raw loop does that only when asked.
/// </summary>
internal sealed class RawLanguageModelTraining : IRawTraining
{
    private readonly DecoderOnlyModel _model;
    private readonly RawOptimizer _optimizer;
    private readonly ScalarType? _autocast;
    private readonly double _labelSmoothing;
    private readonly bool _withAccuracy;

    public RawLanguageModelTraining(TransformerConfig config, LanguageModelOptions options, int seed, bool withAccuracy = false)
    {
        _withAccuracy = withAccuracy;
        _model = new DecoderOnlyModel(config, seed);
        _model.train();
        _optimizer = new RawOptimizer(_model, options);
        _labelSmoothing = options.LabelSmoothing;
        _autocast = options.UsesMixedPrecision ? ScalarType.BFloat16 : null;
        manual_seed(TrainerComparison.DropoutSeed(seed));   // the trainer's dropout seed of epoch 0, so that step 1 draws the same masks
    }

    public double LastLoss { get; private set; }

    /// <summary>Correct next tokens of the last step (only counted when asked).</summary>
    public long LastCorrect { get; private set; }

    /// <summary>One optimizer step on a batch of windows; returns the tokens predicted (rows × context).</summary>
    public int Step(WindowBatch batch)
    {
        using var scope = NewDisposeScope();
        var (inputs, targets) = batch.ToTensors(CPU);
        Tensor loss;
        Tensor? correct;
        using (Autocast.Enable(_autocast))
            (loss, correct) = FusedVocabularyLoss.Compute(_model.Forward(inputs), targets, _model.Projection, _labelSmoothing,
                countCorrect: _withAccuracy);
        loss.backward();
        LastLoss = loss.item<float>();
        if (correct is not null) LastCorrect = correct.item<long>();
        _optimizer.Step();
        return batch.Tokens;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
    }
}
