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
}
