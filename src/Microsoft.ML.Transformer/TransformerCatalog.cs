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
}
