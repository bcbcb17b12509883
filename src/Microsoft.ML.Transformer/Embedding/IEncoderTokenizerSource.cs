namespace Microsoft.ML.Transformer.Embedding;

/// <summary>
/// An <see cref="ITransformerEncoderSource"/> that knows how text is tokenized for its encoder: <c>TransformerOnText</c>
/// and continued pretraining tokenize with it when they are given no tokenizer. An imported checkpoint brings WordPiece
/// options over its vocab.txt; an encoder pretrained here brings the tokenizer it fitted.
/// </summary>
internal interface IEncoderTokenizerSource
{
    /// <summary>The options to tokenize with: [CLS] first, at most the encoder's positions.</summary>
    TokenizerOptions TokenizerOptions { get; }

    /// <summary>The fitted tokenizer, whose learned vocabulary is the encoder's (BPE, words, characters); null when
    /// <see cref="TokenizerOptions"/> rebuild it without reading rows (WordPiece over a vocab.txt).</summary>
    TextTokenizer? FittedTokenizer { get; }
}
