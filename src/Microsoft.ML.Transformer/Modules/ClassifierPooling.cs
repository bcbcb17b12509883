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

    /// <summary>BERT's pooler: the [CLS] vector at position 0 through a dense layer and tanh. A classifier fine-tuned from
    /// a checkpoint that has the pooler (<c>pooler.dense</c>) starts from its weights; otherwise the layer starts
    /// random. The tokenizer must add [CLS] (<c>AddClassificationToken</c>; WordPiece always does).</summary>
    Pooler,
}
