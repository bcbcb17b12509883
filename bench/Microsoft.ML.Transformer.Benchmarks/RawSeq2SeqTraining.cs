using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Seq2Seq;
using Microsoft.ML.Transformer.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// A raw TorchSharp training loop of the sequence-to-sequence estimator's own model (<see cref="EncoderDecoder"/>, same
/// config and seed, so the same initial weights), doing per step what the trainer's loop does with the estimator's
/// defaults, minus ML.NET: teacher forcing ([BOS] y → y [EOS], the batch length rounded up as the training task does),
/// forward (under bf16 <see cref="Autocast"/> when asked), label-smoothed cross-entropy (ε 0.1, padding ignored) by the
/// library's <see cref="FusedVocabularyLoss"/> (chunked, gradients worked out in the forward pass), backward,
/// <c>loss.item()</c>, gradient norm clipped to 1, AdamW (lr 5e-4, β 0.9/0.98, ε 1e-8, weight decay 0.01 on weight
/// matrices only, as the trainer groups them), <c>zero_grad</c>. One dispose scope per step. The trainer also counts
/// correct tokens (an argmax per loss chunk, read back every step); the raw loop does that only when asked
/// (<c>withAccuracy</c>), to show what that costs.
/// </summary>
internal sealed class RawSeq2SeqTraining : IRawTraining
{
    private static readonly int LengthMultiple = Seq2SeqTrainingTask.LengthMultiple(CPU);   // the estimator's reader setting on the CPU, which the training task rounds decoder lengths to
    private readonly EncoderDecoder _model;
    private readonly RawOptimizer _optimizer;
    private readonly ScalarType? _autocast;
    private readonly bool _withAccuracy;
    private readonly double _labelSmoothing;

    /// <param name="options">The estimator's options: the raw loop uses its optimizer (<see cref="RawOptimizer"/>: AdamW with
    /// decay on weight matrices only, clipping), label smoothing and precision, at a constant learning rate.</param>
    public RawSeq2SeqTraining(TransformerConfig config, TransformerTrainingOptions options, int seed, bool withAccuracy = false)
    {
        _withAccuracy = withAccuracy;
        _model = new EncoderDecoder(config, seed);
        _model.train();
        _optimizer = new RawOptimizer(_model, options);
        _labelSmoothing = options.LabelSmoothing;
        _autocast = options.UsesMixedPrecision ? ScalarType.BFloat16 : null;
        manual_seed(TrainerComparison.DropoutSeed(seed));   // the trainer's dropout seed of epoch 0, so that step 1 draws the same masks
    }

    public EncoderDecoder Model => _model;

    public double LastLoss { get; private set; }

    /// <summary>Correct tokens of the last step (only counted when asked).</summary>
    public long LastCorrect { get; private set; }

    /// <summary>One optimizer step on a batch of the trainer's reader; returns the predicted positions (target tokens + [EOS]).</summary>
    public int Step(TokenBatch<int[]> batch)
    {
        using var scope = NewDisposeScope();
        var (input, labels, positions) = TeacherForcing.Tensors(batch.Labels, _model.Config.MaxLength, LengthMultiple, _model.Config.PaddingId, CPU);
        Tensor loss;
        Tensor? correct;
        using (Autocast.Enable(_autocast))
            (loss, correct) = FusedVocabularyLoss.Compute(_model.Forward(batch.IdsTensor(CPU), input), labels, _model.Projection,
                _labelSmoothing, countCorrect: _withAccuracy);
        loss.backward();
        LastLoss = loss.item<float>();
        if (correct is not null) LastCorrect = correct.item<long>();
        _optimizer.Step();
        return positions;
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
    }
}
