namespace Microsoft.ML.Transformer;

/// <summary>Which attention sub-layer a weight matrix comes from (the paper's figure 1 has three).</summary>
public enum AttentionKind
{
    /// <summary>Encoder self-attention: every source token attends to every source token (padding excluded).</summary>
    EncoderSelf,

    /// <summary>Masked decoder self-attention: each target position attends to itself and the positions before it.</summary>
    DecoderSelf,

    /// <summary>Encoder–decoder ("cross") attention: each target position attends to the source tokens.</summary>
    EncoderDecoder,
}
