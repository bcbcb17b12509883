using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// Attention(Q, K, V) = softmax(QKᵀ / √d_k) · V — the paper's equation (1). Two implementations with the same
/// inputs and outputs: <see cref="Explicit"/> writes the formula out and can return the weights (for inspection);
/// <see cref="Fused"/> calls libtorch's <c>scaled_dot_product_attention</c>, which never materializes the
/// L_q × L_k matrix on the fast path and is the default for training and scoring.
/// </summary>
/// <remarks>Shapes: Q [..., L_q, d_k], K [..., L_k, d_k], V [..., L_k, d_v]; mask: bool, true = attend, broadcastable
/// to [..., L_q, L_k] (see <see cref="AttentionMasks"/>).</remarks>
internal static class ScaledDotProductAttention
{
    public static Tensor Fused(Tensor query, Tensor key, Tensor value, Tensor? mask, bool causal, double dropout)
    {
        var (combined, isCausal) = AttentionMasks.Combine(mask, causal, query.shape[^2], key.shape[^2]);
        try
        {
            return functional.scaled_dot_product_attention(query, key, value, combined, dropout, isCausal);
        }
        finally
        {
            if (!ReferenceEquals(combined, mask)) combined?.Dispose();
        }
    }

    /// <summary>The formula written out. <paramref name="weights"/> receives softmax(QKᵀ/√d_k) after masking
    /// (before dropout), shape [..., L_q, L_k].</summary>
    public static Tensor Explicit(Tensor query, Tensor key, Tensor value, Tensor? mask, bool causal, double dropout, out Tensor weights)
    {
        using var scope = NewDisposeScope();
        double dK = query.shape[^1];
        Tensor scores = query.matmul(key.transpose(-2, -1)).div_(KeptScalars.Of(Math.Sqrt(dK)));   // QKᵀ / √d_k
        if (scores.dtype is ScalarType.BFloat16 or ScalarType.Float16)
            scores = scores.to(ScalarType.Float32);                                     // softmax in float32 under mixed precision
        var (combined, isCausal) = AttentionMasks.Combine(mask, causal, query.shape[^2], key.shape[^2]);
        if (isCausal)                                                                   // what is_causal does in the fused kernel
            combined = AttentionMasks.Causal(query.shape[^2], key.shape[^2], query.device);
        if (combined is not null)
            scores = scores.masked_fill(combined.logical_not(), KeptScalars.NegativeInfinity);  // masked keys: e^-∞ = 0
        Tensor attention = functional.softmax(scores, -1);
        Tensor dropped = CounterDropout.Apply(attention, dropout, training: true);
        Tensor output = dropped.to(value.dtype).matmul(value);                          // · V
        weights = attention.MoveToOuterDisposeScope();
        return output.MoveToOuterDisposeScope();
    }
}
