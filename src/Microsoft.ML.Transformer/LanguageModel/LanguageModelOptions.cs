namespace Microsoft.ML.Transformer;

/// <summary>
/// Options of <c>mlContext.Transforms.Text.TrainLanguageModel(...)</c>: a decoder-only Transformer (token embedding ·
/// √d_model + positions → N decoder layers with causal self-attention → linear + softmax over the vocabulary) trained to
/// predict the next token of a text column, over character, word or BPE tokens. The shape defaults are a small model
/// for a laptop CPU. Training settings come from <see cref="TransformerTrainingOptions"/>; this class changes
/// <c>LearningRate</c> to 1e-3, <c>AdamBeta2</c> to 0.99 and <c>BatchSize</c> to 32 (nanoGPT's character-level settings).
/// </summary>
public sealed class LanguageModelOptions : TransformerTrainingOptions
{
    /// <summary>Sets the language-model defaults of the shared training settings.</summary>
    public LanguageModelOptions()
    {
        LearningRate = 1e-3;
        AdamBeta2 = 0.99;
        BatchSize = 32;
    }

    /// <summary>How the text is tokenized; fitted on the training column. Default: characters. Its special-token, length
    /// and padding settings are ignored: the text is one stream of tokens, documents (rows) separated by [EOS].</summary>
    public TokenizerOptions Tokenizer { get; set; } = new() { Kind = TokenizerKind.Character, MinimumFrequency = 1 };

    /// <summary>Tokens of context the model sees (the block size); training windows are this long. Default 128.</summary>
    public int ContextLength { get; set; } = 128;

    /// <summary>d_model. Default 256.</summary>
    public int ModelDimension { get; set; } = 256;

    /// <summary>h, attention heads. Default 4.</summary>
    public int Heads { get; set; } = 4;

    /// <summary>N, decoder layers. Default 4.</summary>
    public int Layers { get; set; } = 4;

    /// <summary>d_ff, the feed-forward inner width. Default null: 4 · d_model.</summary>
    public int? FeedForwardDimension { get; set; }

    internal override (int ModelDimension, int? FeedForwardDimension) LayerShape => (ModelDimension, FeedForwardDimension);

    /// <summary>P_drop. Default 0.1.</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Dropout on attention weights. Default 0 (anything else slows CPU attention about 2×).</summary>
    public double AttentionDropout { get; set; }

    /// <summary>Position information. Default <see cref="PositionalEncodingKind.Learned"/> (seed 004, GPT).</summary>
    public PositionalEncodingKind Positional { get; set; } = PositionalEncodingKind.Learned;

    /// <summary>Pre-LN (GPT-2's) instead of the paper's post-LN. Default true.</summary>
    public bool NormFirst { get; set; } = true;

    /// <summary>Use the token embedding matrix as the output projection. Default true.</summary>
    public bool TieOutputProjection { get; set; } = true;

    /// <summary>How <c>Transform</c> and <c>Generate</c> continue prompts by default.</summary>
    public GenerationOptions Generation { get; set; } = new();

    /// <summary>The column <c>Transform</c> writes the continuation of each prompt to. Default "Completion".</summary>
    public string CompletionColumnName { get; set; } = "Completion";

    /// <summary>A shallow copy.</summary>
    public LanguageModelOptions Copy() => (LanguageModelOptions)MemberwiseClone();
}
