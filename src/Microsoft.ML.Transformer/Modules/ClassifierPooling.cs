namespace Microsoft.ML.Transformer;

/// <summary>How a Transformer classifier turns the encoder's per-token vectors into one vector per row.</summary>
public enum ClassifierPooling
{
    /// <summary>Mean over the non-padding positions. The default: robust, no special token needed.</summary>
    Mean,

    /// <summary>The vector at position 0 — BERT's [CLS]; the tokenizer must add it (<c>AddClassificationToken</c>).</summary>
    ClassToken,

    /// <summary>Element-wise maximum over the non-padding positions.</summary>
    Max,
}
