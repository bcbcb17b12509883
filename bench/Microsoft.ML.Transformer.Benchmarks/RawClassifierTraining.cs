using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// A raw TorchSharp training loop of the trainer's own model (<see cref="TransformerClassifierModel"/>, mean pooling,
/// one logit), doing per step what the trainer's loop does with its default settings, minus ML.NET: forward (under bf16
/// <see cref="Autocast"/> when asked), sigmoid cross-entropy, backward, <c>loss.item()</c>, gradient norm clipped to 1,
/// AdamW (lr 5e-4, weight decay 0.01), <c>zero_grad</c>. One dispose scope per step. On a CUDA device the batch is
/// copied there inside the step, as the trainer copies it, and TF32 matrix products are set as asked before each step
/// (a process-wide switch that the trainer sets at each Fit, so interleaved paths each set their own).
/// </summary>
internal sealed class RawClassifierTraining : IDisposable
{
    private readonly TransformerClassifierModel _model;
    private readonly AdamW _optimizer;
    private readonly ScalarType? _autocast;
    private readonly bool _explicitAttention;
    private readonly Device _device;
    private readonly bool _allowTF32;

    /// <param name="explicitAttention">Force the explicit attention path (softmax(QKᵀ/√d)·V written out, the weights
    /// materialized) the way the modules offer it: an <see cref="AttentionRecorder"/> attached over the forward pass.</param>
    /// <param name="device">Where the model trains (default the CPU); its weights are made on the CPU from
    /// <paramref name="seed"/> first, so every device starts from the same ones.</param>
    /// <param name="allowTF32">On CUDA: TF32 tensor cores for float32 matrix products (the trainer's default).</param>
    public RawClassifierTraining(TransformerConfig config, long seed, bool mixedPrecision, bool explicitAttention = false, Device? device = null,
        bool allowTF32 = true)
    {
        _model = new TransformerClassifierModel(config, ClassifierPooling.Mean, outputs: 1, seed);
        _device = device ?? CPU;
        _allowTF32 = allowTF32;
        _model.to(_device);
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
        if (_device.type == DeviceType.CUDA) backends.cuda.matmul.allow_tf32 = _allowTF32;
        (ids, labels) = (ids.to(_device), labels.to(_device));
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
