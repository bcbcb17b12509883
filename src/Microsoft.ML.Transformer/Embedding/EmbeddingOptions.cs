namespace Microsoft.ML.Transformer;

/// <summary>Options of <c>mlContext.Transforms.Text.EmbedAndPositionEncode</c>. Defaults are documented per property.</summary>
public sealed class EmbeddingOptions
{
    /// <summary>d_model, the width of each token vector, for a fresh table. Default 128. Ignored with <see cref="Source"/>.</summary>
    public int ModelDimension { get; set; } = 128;

    /// <summary>Position information added to the token vectors. Default <see cref="PositionalEncodingKind.Sinusoidal"/>
    /// (the paper's). A fresh <see cref="PositionalEncodingKind.Learned"/> table is random until trained elsewhere.
    /// Ignored with <see cref="Source"/>.</summary>
    public PositionalEncodingKind Positional { get; set; } = PositionalEncodingKind.Sinusoidal;

    /// <summary>Rows of a fresh embedding table. Default null: taken from the token column (its key count, or the
    /// vocabulary size the tokenizer annotates it with).</summary>
    public int? VocabularySize { get; set; }

    /// <summary>Positions covered (max_len). Default null: the token column's fixed length, else the MaxLength of the
    /// tokenizer that wrote it (recorded on the column), else 512. A row with more tokens is an error.</summary>
    public int? MaxLength { get; set; }

    /// <summary>Whole sequence or a pooled sentence vector. Default <see cref="EmbeddingPooling.None"/>.</summary>
    public EmbeddingPooling Pooling { get; set; } = EmbeddingPooling.None;

    /// <summary>Scale each output vector (the pooled sentence vector, or each position's vector) to unit L2 length,
    /// as sentence-transformers does for sentence embeddings, so that a dot product is the cosine similarity.
    /// Default false.</summary>
    public bool Normalize { get; set; }

    /// <summary>Seed of a fresh table. Default null: drawn from the <c>MLContext</c> seed.</summary>
    public int? Seed { get; set; }

    /// <summary>A trained model of this library (classifier, sequence-to-sequence, language model), or a
    /// <see cref="PretrainedEncoder"/>, whose trained token embedding and positions to use instead of a fresh table.
    /// Default null.</summary>
    public ITransformerEncoderSource? Source { get; set; }

    /// <summary>With <see cref="Source"/>: also run the source's encoder stack, so each token's vector depends on its
    /// context (contextual encoding) rather than on the token and position alone. Default false.</summary>
    public bool Contextual { get; set; }

    /// <summary>Rows embedded per model call when transforming a data view. Default 64.</summary>
    public int ScoringBlockSize { get; set; } = 64;
}
