namespace Microsoft.ML.Transformer;

/// <summary>How a model trained from random weights draws its token embedding table (the paper does not say; its
/// reference code does). Every other weight matrix is Glorot/Xavier uniform either way; loaded or imported weights are
/// not drawn at all.</summary>
public enum EmbeddingInitialization
{
    /// <summary>Glorot/Xavier uniform, like every other weight matrix (the Annotated Transformer's choice). The default.
    /// The table is wide (vocabulary × d_model), so its entries are small: after the √d_model scale their standard
    /// deviation is about √(2·d_model / (V + d_model)), 0.25 for 8,000 × 256, against the sinusoidal positions' 0.71,
    /// so position outweighs token identity at the first steps.</summary>
    XavierUniform,

    /// <summary>N(0, 1/d_model), as the paper's reference implementation (tensor2tensor) and fairseq draw it: after the
    /// √d_model scale every component has unit variance, whatever the vocabulary size. Meant for models that scale
    /// their embeddings (all trained from scratch here; BERT-style imports do not scale and are loaded, not drawn).</summary>
    Normal,
}
