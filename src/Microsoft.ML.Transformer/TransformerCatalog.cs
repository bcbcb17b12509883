using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer;

/// <summary>Entry points of the library on ML.NET's catalogs (<c>mlContext.Transforms.Text.…</c>).</summary>
public static class TransformerCatalog
{
    /// <summary>
    /// Tokenizes a text column into token ids for the Transformer components. With no options: byte-level BPE
    /// trained on the fitting data, 16,000 tokens, sequences of at most 512 ids.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">Name of the output column of token ids (int32 vector, or key vector with <see cref="TokenizerOptions.OutputAsKeys"/>).</param>
    /// <param name="inputColumnName">Name of the text column; defaults to <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Tokenizer options; <see langword="null"/> for the defaults.</param>
    public static TokenizeForTransformerEstimator TokenizeForTransformer(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string? inputColumnName = null, TokenizerOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), outputColumnName, inputColumnName ?? outputColumnName, options ?? new TokenizerOptions());

    /// <summary>Tokenizes a text column with the given kind, vocabulary size and maximum length (the simple overload).</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">Name of the output column of token ids.</param>
    /// <param name="inputColumnName">Name of the text column.</param>
    /// <param name="kind">Tokenizer kind.</param>
    /// <param name="vocabularySize">Largest vocabulary, special tokens included (trained kinds).</param>
    /// <param name="maxLength">Longest sequence; longer inputs are truncated at the end.</param>
    public static TokenizeForTransformerEstimator TokenizeForTransformer(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, TokenizerKind kind, int vocabularySize = 16_000, int maxLength = 512)
        => catalog.TokenizeForTransformer(outputColumnName, inputColumnName,
            new TokenizerOptions { Kind = kind, VocabularySize = vocabularySize, MaxLength = maxLength });

    /// <summary>
    /// Embeds a token-id column and adds position encodings — the Transformer's input step — producing a
    /// <c>max_len × d_model</c> float vector per row, or one pooled d_model vector with <see cref="EmbeddingPooling.Mean"/>.
    /// The table is fresh (seeded), or taken from a trained model of this library (<see cref="EmbeddingOptions.Source"/>).
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">Name of the float vector column written.</param>
    /// <param name="inputColumnName">Token-id column (Int32 or key vector, from <c>TokenizeForTransformer</c>); defaults to <paramref name="outputColumnName"/>.</param>
    /// <param name="options">Embedding options; <see langword="null"/> for the defaults (d_model 128, sinusoidal positions, whole sequence).</param>
    public static EmbedAndPositionEncodeEstimator EmbedAndPositionEncode(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string? inputColumnName = null, EmbeddingOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), outputColumnName, inputColumnName ?? outputColumnName, options ?? new EmbeddingOptions());

    /// <summary>Embeds and position-encodes a token-id column with a fresh table of width <paramref name="modelDimension"/> (the simple overload).</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">Name of the float vector column written.</param>
    /// <param name="inputColumnName">Token-id column.</param>
    /// <param name="modelDimension">d_model.</param>
    /// <param name="pooling">Whole sequence, or the mean over tokens.</param>
    public static EmbedAndPositionEncodeEstimator EmbedAndPositionEncode(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string inputColumnName, int modelDimension, EmbeddingPooling pooling = EmbeddingPooling.None)
        => catalog.EmbedAndPositionEncode(outputColumnName, inputColumnName, new EmbeddingOptions { ModelDimension = modelDimension, Pooling = pooling });

    /// <summary>
    /// Trains an encoder–decoder Transformer (the paper's model) that maps a source token column to text: for example
    /// spelling → pronunciation, or English → German. The estimator fits the target tokenizer on
    /// <paramref name="targetTextColumnName"/> itself, so the fitted transformer needs only the source column. It
    /// writes <paramref name="outputColumnName"/> (the decoded text), <c>{outputColumnName}Tokens</c> (the predicted
    /// ids) and <c>Score</c> (the prediction's log-probability).
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The decoded text column written.</param>
    /// <param name="sourceTokensColumnName">Source token ids (from <c>TokenizeForTransformer</c>).</param>
    /// <param name="targetTextColumnName">The target text to learn; read only when fitting.</param>
    /// <param name="options">Target tokenizer, model shape, training and decoding; <see langword="null"/> for the defaults.</param>
    public static SequenceToSequenceEstimator SequenceToSequence(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string sourceTokensColumnName, string targetTextColumnName, SequenceToSequenceOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), outputColumnName, sourceTokensColumnName, targetTextColumnName, options ?? new SequenceToSequenceOptions());

    /// <summary>Trains an encoder–decoder Transformer with the most used settings (the simple overload).</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The decoded text column written.</param>
    /// <param name="sourceTokensColumnName">Source token ids (from <c>TokenizeForTransformer</c>).</param>
    /// <param name="targetTextColumnName">The target text to learn; read only when fitting.</param>
    /// <param name="targetTokenizer">The kind of target tokens (default: words, e.g. phonemes separated by spaces).</param>
    /// <param name="epochs">Passes over the data; null: chosen from the data size (<see cref="TransformerTrainingOptions.Epochs"/>).</param>
    /// <param name="beamSize">Beam width when decoding (1: greedy).</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N".</param>
    public static SequenceToSequenceEstimator SequenceToSequence(this TransformsCatalog.TextTransforms catalog,
        string outputColumnName, string sourceTokensColumnName, string targetTextColumnName, TokenizerKind targetTokenizer,
        int? epochs = null, int beamSize = 1, string device = "cpu")
        => catalog.SequenceToSequence(outputColumnName, sourceTokensColumnName, targetTextColumnName, new SequenceToSequenceOptions
        {
            Target = new SequenceToSequenceOptions().Target with { Kind = targetTokenizer },
            Epochs = epochs,
            Decoding = new DecodingOptions { BeamSize = beamSize },
            Device = device,
        });

    /// <summary>
    /// Fits a tokenizer on a text column and trains a decoder-only Transformer language model on it (the generator of
    /// Bloem's "Transformers from scratch"; nanoGPT's GPT). The fitted transformer generates text (<c>Generate</c>), continues the prompts of the
    /// same column into <see cref="LanguageModelOptions.CompletionColumnName"/> (<c>Transform</c>) and measures nats per
    /// token and bits per character (<c>Evaluate</c>).
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="textColumnName">The training text (each row a document); at scoring, the prompts.</param>
    /// <param name="options">Tokenizer, model shape, training and generation; <see langword="null"/> for the defaults (characters, d_model 256, 4 layers, context 128).</param>
    public static LanguageModelEstimator TrainLanguageModel(this TransformsCatalog.TextTransforms catalog, string textColumnName,
        LanguageModelOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), textColumnName, options ?? new LanguageModelOptions());

    /// <summary>
    /// Pretrains a Transformer encoder on unlabelled text with masked language modelling (BERT's objective, RoBERTa's
    /// packing and dynamic masking), fitting its tokenizer on the text (or taking a fitted one, or an
    /// <see cref="EncoderPretrainingOptions.InitialEncoder"/>'s to continue pretraining it). The fitted
    /// <see cref="PretrainedEncoderTransformer"/> starts a classifier (<see cref="TransformerClassifierOptions.InitialEncoder"/>,
    /// whose <c>TransformerOnText</c> then tokenizes with its tokenizer), lends its encoder to <see cref="EmbeddingOptions.Source"/>,
    /// and, as a transform, writes each text's sentence embedding to <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="outputColumnName">The sentence-embedding column <c>Transform</c> writes (d_model floats).</param>
    /// <param name="inputColumnName">The text (each row a document); null: <paramref name="outputColumnName"/>'s name.</param>
    /// <param name="options">Tokenizer, model shape, masking and training; <see langword="null"/> for the defaults (BPE 16,000,
    /// d_model 256, 4 layers, sequences of 128 tokens, 15 % masked).</param>
    public static EncoderPretrainingEstimator PretrainEncoder(this TransformsCatalog.TextTransforms catalog, string outputColumnName,
        string? inputColumnName = null, EncoderPretrainingOptions? options = null)
        => new(CatalogUtils.GetEnvironment(catalog), outputColumnName, inputColumnName ?? outputColumnName, options ?? new EncoderPretrainingOptions());

    /// <summary>Trains a language model with the most used settings (the simple overload).</summary>
    /// <param name="catalog">The text transforms catalog.</param>
    /// <param name="textColumnName">The training text.</param>
    /// <param name="tokenizer">Characters, words or BPE tokens.</param>
    /// <param name="contextLength">Tokens of context.</param>
    /// <param name="epochs">Passes over the text; null: chosen from the data size (<see cref="TransformerTrainingOptions.Epochs"/>).</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N".</param>
    public static LanguageModelEstimator TrainLanguageModel(this TransformsCatalog.TextTransforms catalog, string textColumnName,
        TokenizerKind tokenizer, int contextLength = 128, int? epochs = null, string device = "cpu")
        => catalog.TrainLanguageModel(textColumnName, new LanguageModelOptions
        {
            Tokenizer = new LanguageModelOptions().Tokenizer with { Kind = tokenizer },
            ContextLength = contextLength,
            Epochs = epochs,
            Device = device,
        });
}
