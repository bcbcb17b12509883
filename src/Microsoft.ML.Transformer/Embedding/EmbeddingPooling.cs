namespace Microsoft.ML.Transformer;

/// <summary>What <c>EmbedAndPositionEncode</c> outputs per row.</summary>
public enum EmbeddingPooling
{
    /// <summary>The whole sequence: a <c>max_len × d_model</c> float vector (row-major, one d_model block per
    /// position; padding positions are zero). The default.</summary>
    None,

    /// <summary>One d_model vector per row: the mean over the non-padding positions (a sentence vector, e.g. as
    /// features for an ML.NET trainer).</summary>
    Mean,
}
