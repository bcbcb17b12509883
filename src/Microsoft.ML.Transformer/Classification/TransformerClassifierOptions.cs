namespace Microsoft.ML.Transformer;

/// <summary>
/// Options of <c>mlContext.BinaryClassification.Trainers.Transformer</c> and
/// <c>mlContext.MulticlassClassification.Trainers.Transformer</c>: an encoder-only Transformer (embedding · √d_model
/// + positions → N encoder layers → pooling → linear head) trained on a token-id column. The model-shape defaults
/// are a small model that trains on a laptop CPU; the paper's base model is d_model 512, 8 heads, 6 layers.
/// Training settings are inherited from <see cref="TransformerTrainingOptions"/>.
/// </summary>
public sealed class TransformerClassifierOptions : TransformerTrainingOptions
{
    /// <summary>The token-id column (from <c>TokenizeForTransformer</c>). Default "Tokens".</summary>
    public string TokensColumnName { get; set; } = "Tokens";

    /// <summary>The label: Boolean (binary) or a key (multiclass, from <c>MapValueToKey</c>). Default "Label".</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>d_model. Default 128.</summary>
    public int ModelDimension { get; set; } = 128;

    /// <summary>h, attention heads (d_model must be divisible by it). Default 4.</summary>
    public int Heads { get; set; } = 4;

    /// <summary>N, encoder layers. Default 2.</summary>
    public int Layers { get; set; } = 2;

    /// <summary>d_ff, the feed-forward inner width. Default null: 4 · d_model.</summary>
    public int? FeedForwardDimension { get; set; }

    internal override (int ModelDimension, int? FeedForwardDimension) LayerShape => (ModelDimension, FeedForwardDimension);

    /// <summary>Feed-forward activation. Default <see cref="FeedForwardActivation.Relu"/> (the paper's).</summary>
    public FeedForwardActivation Activation { get; set; } = FeedForwardActivation.Relu;

    /// <summary>P_drop on sub-layer outputs, embeddings and the pooled vector. Default 0.1.</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Dropout on attention weights. Default 0 (anything else slows CPU attention about 2×).</summary>
    public double AttentionDropout { get; set; }

    /// <summary>max_len, positions covered. Default null: the token column's fixed length, else the MaxLength of the
    /// tokenizer that wrote it (recorded on the column), else 512. A longer row is an error.</summary>
    public int? MaxLength { get; set; }

    /// <summary>Position information. Default <see cref="PositionalEncodingKind.Sinusoidal"/>.</summary>
    public PositionalEncodingKind Positional { get; set; } = PositionalEncodingKind.Sinusoidal;

    /// <summary>Pre-LN (true) instead of the paper's post-LN. Default false.</summary>
    public bool NormFirst { get; set; }

    /// <summary>How token vectors become one vector per row. Default <see cref="ClassifierPooling.Mean"/>;
    /// <see cref="ClassifierPooling.ClassToken"/> needs the tokenizer's AddClassificationToken.</summary>
    public ClassifierPooling Pooling { get; set; } = ClassifierPooling.Mean;

    /// <summary>Token ids the model accepts. Default null: from the token column (key count or tokenizer annotation).</summary>
    public int? VocabularySize { get; set; }

    /// <summary>Start from the embedding and encoder of a trained model of this library (a classifier, or a
    /// sequence-to-sequence model's encoder) instead of random weights. Its shape must match these options.
    /// Default null.</summary>
    public ITransformerEncoderSource? InitialEncoder { get; set; }

    /// <summary>A shallow copy (callbacks, validation set and initial encoder are shared).</summary>
    public TransformerClassifierOptions Copy() => (TransformerClassifierOptions)MemberwiseClone();
}
