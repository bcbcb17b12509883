using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// Boolean attention masks, <c>true = may attend</c> (the convention of libtorch's fused attention), shaped to
/// broadcast against the scores [batch, h, L_q, L_k].
/// </summary>
internal static class AttentionMasks
{
    /// <summary>Key-padding mask [batch, 1, 1, L] from token ids: padding keys get no attention.
    /// A row with no tokens at all keeps its first key so that softmax stays finite (its output is meaningless but
    /// not NaN, and it cannot leak into other rows).</summary>
    public static Tensor KeyPadding(Tensor tokenIds, long paddingId)
    {
        using var scope = NewDisposeScope();
        Tensor attend = tokenIds.ne(KeptScalars.Of(paddingId));
        Tensor empty = attend.any(1).logical_not();
        attend[TensorIndex.Colon, 0].logical_or_(empty);
        return attend.unsqueeze(1).unsqueeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Causal ("subsequent") mask [L_q, L_k]: query i attends to keys 0 … i + (L_k − L_q), i.e. aligned to
    /// the end when the keys include cached earlier positions.</summary>
    public static Tensor Causal(long queryLength, long keyLength, Device device)
        => ones(queryLength, keyLength, ScalarType.Bool, device).tril(keyLength - queryLength);

    /// <summary>
    /// Folds the causal flag into the mask where libtorch cannot take both (an explicit mask and <c>is_causal</c>) or
    /// where queries are not aligned with keys (incremental decoding). Returns the mask to pass and whether to set
    /// <c>is_causal</c>. A single query at the end of the sequence needs no causal mask at all.
    /// </summary>
    public static (Tensor? Mask, bool IsCausal) Combine(Tensor? mask, bool causal, long queryLength, long keyLength)
    {
        if (!causal || queryLength == 1) return (mask, false);
        if (mask is null && queryLength == keyLength) return (null, true);
        Tensor subsequent = Causal(queryLength, keyLength, mask?.device ?? CPU);
        return (mask is null ? subsequent : mask.logical_and(subsequent), false);
    }
}
