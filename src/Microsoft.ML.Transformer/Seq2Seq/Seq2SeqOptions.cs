namespace Microsoft.ML.Transformer;

/// <summary>
/// Options of <c>mlContext.Transforms.Text.SequenceToSequence(...)</c>: the paper's encoder–decoder Transformer
/// (source embedding → N encoder layers; target embedding → N decoder layers with masked self-attention and
/// encoder–decoder attention → linear + softmax over the target vocabulary), trained with teacher forcing and
/// label-smoothed cross-entropy, decoded greedily or with beam search. The shape defaults are a small model that trains
/// on a laptop CPU (the paper's base model is d_model 512, 8 heads, 6 + 6 layers). Training settings come from
/// <see cref="TransformerTrainingOptions"/>; this class changes two defaults: <c>LabelSmoothing</c> 0.1 and
/// <c>AdamBeta2</c> 0.98, the paper's.
/// </summary>
public sealed class Seq2SeqOptions : TransformerTrainingOptions
{
    /// <summary>Sets the sequence-to-sequence defaults of the shared training settings.</summary>
    public Seq2SeqOptions()
    {
        LabelSmoothing = 0.1;
        AdamBeta2 = 0.98;
    }

    /// <summary>How the target text is tokenized; the estimator fits this tokenizer on the target column. Default: a
    /// word tokenizer (whitespace-separated tokens, e.g. phonemes), 128 tokens at most.
    /// Its special-token, padding and key settings are ignored: the decoder adds [BOS] and [EOS] itself.</summary>
    public TokenizerOptions Target { get; set; } = new() { Kind = TokenizerKind.Word, MaxLength = 128, MinimumFrequency = 1 };

    /// <summary>An already fitted tokenizer to use for the target instead of fitting <see cref="Target"/>: for example
    /// the source's own, for one shared vocabulary (needed by <see cref="ShareEmbeddings"/>). Default null.</summary>
    public TokenizerTransformer? TargetTokenizer { get; set; }

    /// <summary>d_model. Default 256.</summary>
    public int ModelDimension { get; set; } = 256;

    /// <summary>h, attention heads (d_model must be divisible by it). Default 4.</summary>
    public int Heads { get; set; } = 4;

    /// <summary>N for the encoder. Default 3.</summary>
    public int EncoderLayers { get; set; } = 3;

    /// <summary>N for the decoder. Default 3.</summary>
    public int DecoderLayers { get; set; } = 3;

    /// <summary>d_ff, the feed-forward inner width. Default null: 4 · d_model.</summary>
    public int? FeedForwardDimension { get; set; }

    internal override (int ModelDimension, int? FeedForwardDimension) LayerShape => (ModelDimension, FeedForwardDimension);

    /// <summary>P_drop on sub-layer outputs and embeddings + positions. Default 0.1.</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Dropout on attention weights. Default 0 (anything else slows CPU attention about 2×).</summary>
    public double AttentionDropout { get; set; }

    /// <summary>Position information. Default <see cref="PositionalEncodingKind.Sinusoidal"/>.</summary>
    public PositionalEncodingKind Positional { get; set; } = PositionalEncodingKind.Sinusoidal;

    /// <summary>Pre-LN (true) instead of the paper's post-LN. Default false.</summary>
    public bool NormFirst { get; set; }

    /// <summary>One embedding table for source and target (section 3.4); needs one shared vocabulary (set
    /// <see cref="TargetTokenizer"/> to the source tokenizer). Default false.</summary>
    public bool ShareEmbeddings { get; set; }

    /// <summary>Use the target embedding matrix as the pre-softmax projection (section 3.4). Default true.</summary>
    public bool TieOutputProjection { get; set; } = true;

    /// <summary>Source token ids the model accepts. Default null: from the source token column.</summary>
    public int? SourceVocabularySize { get; set; }

    /// <summary>Longest source, in tokens. Default null: from the source token column (its tokenizer's MaxLength).
    /// Longer sources are cut to it, and the count is logged.</summary>
    public int? SourceMaxLength { get; set; }

    /// <summary>Batch by tokens: a batch takes pairs of similar length until one more would make its padded source +
    /// target positions exceed this (the paper's batches held about 25,000 of each); <c>BatchSize</c> still caps its rows,
    /// so raise it too. Default null: batches of <c>BatchSize</c> rows.</summary>
    public int? BatchTokens { get; set; }

    /// <summary>What early stopping and keep-best watch on the validation set: teacher-forced token accuracy (the
    /// default) or the validation loss.</summary>
    public Seq2SeqValidationMetric ValidationMetric { get; set; } = Seq2SeqValidationMetric.TokenAccuracy;

    /// <summary>How the trained model decodes. Default: greedy search (see <see cref="DecodingOptions"/>).</summary>
    public DecodingOptions Decoding { get; set; } = new();

    /// <summary>The output column of predicted token ids (an Int32 vector). Default null: the output column name + "Tokens".</summary>
    public string? PredictedTokensColumnName { get; set; }

    /// <summary>The output column of each prediction's log-probability (a Single), or null for none. Default "Score".</summary>
    public string? ScoreColumnName { get; set; } = "Score";

    /// <summary>A shallow copy (callbacks, validation set and target tokenizer are shared).</summary>
    public Seq2SeqOptions Copy() => (Seq2SeqOptions)MemberwiseClone();
}

/// <summary>The validation figure a sequence-to-sequence trainer's early stopping and keep-best maximize.</summary>
public enum Seq2SeqValidationMetric
{
    /// <summary>Share of target positions whose most probable token is right under teacher forcing.</summary>
    TokenAccuracy,

    /// <summary>The validation loss (label-smoothed cross-entropy per target position), minimized.</summary>
    Loss,
}
