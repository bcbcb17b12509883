namespace Microsoft.ML.Transformer;

/// <summary>
/// Options of <c>mlContext.Transforms.Text.TrainLanguageModel(...)</c>: a decoder-only Transformer (token embedding ·
/// √d_model + positions → N decoder layers with causal self-attention → linear + softmax over the vocabulary) trained to
/// predict the next token of a text column, over character, word or BPE tokens. The shape defaults
/// (<see cref="TransformerShape"/>: d_model 256, 4 heads, 4 layers, learned positions and pre-LN as in GPT-2) are a small
/// model for a laptop CPU. Training settings come from <see cref="TransformerTrainingOptions"/>; this class changes
/// <c>LearningRate</c> to 1e-3, <c>AdamBeta2</c> to 0.99 and <c>BatchSize</c> to 32 (nanoGPT's character-level settings),
/// and <c>ScoringBlockSize</c> to 64 (prompts continued per block).
/// </summary>
public sealed class LanguageModelOptions : TransformerTrainingOptions
{
    /// <summary>Sets the language-model defaults of the shared training settings.</summary>
    public LanguageModelOptions()
    {
        Shape = new TransformerShape { ModelDimension = 256, Heads = 4, Layers = 4, Positional = PositionalEncodingKind.Learned, NormFirst = true };
        LearningRate = 1e-3;
        AdamBeta2 = 0.99;
        BatchSize = 32;
        ScoringBlockSize = 64;
    }

    /// <summary>How the text is tokenized; fitted on the training column. Default: characters. Its special-token, length
    /// and padding settings are ignored: the text is one stream of tokens, documents (rows) separated by [EOS].</summary>
    public TokenizerOptions Tokenizer { get; set; } = new() { Kind = TokenizerKind.Character, MinimumFrequency = 1 };

    /// <summary>Tokens of context the model sees (the block size); training windows are this long. Default 128.</summary>
    public int ContextLength { get; set; } = 128;

    /// <summary>Use the token embedding matrix as the output projection. Default true.</summary>
    public bool TieOutputProjection { get; set; } = true;

    /// <summary>How <c>Transform</c> and <c>Generate</c> continue prompts by default.</summary>
    public GenerationOptions Generation { get; set; } = new();

    /// <summary>The column <c>Transform</c> writes the continuation of each prompt to. Default "Completion".</summary>
    public string CompletionColumnName { get; set; } = "Completion";

    /// <summary>A copy with its own <see cref="TransformerTrainingOptions.Shape"/>.</summary>
    public LanguageModelOptions Copy() => CopyOf<LanguageModelOptions>();
}
