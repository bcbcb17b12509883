using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// A raw TorchSharp training loop of the trainer's own model (<see cref="TransformerClassifierModel"/>, mean pooling,
/// one logit), doing per step what the trainer's loop does with its default settings, minus ML.NET: forward (under bf16
/// <see cref="Autocast"/> when asked), sigmoid cross-entropy, backward, <c>loss.item()</c>, gradient norm clipped to 1,
/// AdamW (lr 5e-4, weight decay 0.01), <c>zero_grad</c>. One dispose scope per step.
/// </summary>
internal sealed class RawClassifierTraining : IDisposable
{
    private readonly TransformerClassifierModel _model;
    private readonly AdamW _optimizer;
    private readonly ScalarType? _autocast;
    private readonly bool _explicitAttention;

    /// <param name="explicitAttention">Force the explicit attention path (softmax(QKᵀ/√d)·V written out, the weights
    /// materialized) the way the modules offer it: an <see cref="AttentionRecorder"/> attached over the forward pass.</param>
    public RawClassifierTraining(TransformerConfig config, long seed, bool mixedPrecision, bool explicitAttention = false)
    {
        _model = new TransformerClassifierModel(config, ClassifierPooling.Mean, outputs: 1, seed);
        _model.train();
        _optimizer = optim.AdamW(_model.parameters(), lr: 5e-4, weight_decay: 0.01);
        _autocast = mixedPrecision ? ScalarType.BFloat16 : null;
        _explicitAttention = explicitAttention;
        manual_seed(seed);
    }

    public TransformerClassifierModel Model => _model;

    public double LastLoss { get; private set; }

    /// <summary>One optimizer step on ids [B, L] (int64) and labels [B] (float32 0/1); returns the positions B × L.</summary>
    public long Step(Tensor ids, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using AttentionRecorder? recorder = _explicitAttention ? new AttentionRecorder() : null;
        Tensor logits;
        using (recorder?.Attach(_model))
        using (Autocast.Enable(_autocast)) logits = _model.Forward(ids);
        Tensor loss = nn.functional.binary_cross_entropy_with_logits(logits.squeeze(-1), labels);
        loss.backward();
        LastLoss = loss.item<float>();
        nn.utils.clip_grad_norm_(_model.parameters(), 1.0);
        _optimizer.step();
        _optimizer.zero_grad();
        return ids.numel();
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _model.Dispose();
    }
}
