namespace Microsoft.ML.Transformer;

/// <summary>Options of <see cref="TransformerCatalog.TokenizeForTransformer(TransformsCatalog.TextTransforms, string, string?, TokenizerOptions?)"/>. Defaults suit an English classifier.</summary>
public sealed record TokenizerOptions
{
    /// <summary>Tokenizer kind. Default: <see cref="TokenizerKind.BytePairEncoding"/>.</summary>
    public TokenizerKind Kind { get; init; } = TokenizerKind.BytePairEncoding;

    /// <summary>
    /// Largest vocabulary, including the 7 special tokens (and, for BPE, the 256 byte tokens). Default: 16000.
    /// Ignored by the pretrained kinds, whose vocabulary is fixed.
    /// </summary>
    public int VocabularySize { get; init; } = 16_000;

    /// <summary>Least number of occurrences for a word, character or BPE merge to enter the vocabulary. Default: 2.</summary>
    public int MinimumFrequency { get; init; } = 2;

    /// <summary>
    /// For <see cref="TokenizerKind.WordPiece"/>: the checkpoint's <c>vocab.txt</c>, or the folder holding it. Its
    /// <c>tokenizer_config.json</c> beside it, when present, sets <see cref="LowerCase"/> (<c>do_lower_case</c>). Read at
    /// Fit; the vocabulary is saved inside the model, this path is not. Ignored by the other kinds.
    /// </summary>
    public string? VocabularyPath { get; init; }

    /// <summary>Lower-case text (invariant culture) before tokenizing. Default: false. For
    /// <see cref="TokenizerKind.WordPiece"/>, <c>do_lower_case</c> in <c>tokenizer_config.json</c> wins when present.</summary>
    public bool LowerCase { get; init; }

    /// <summary>Replace HTML tags such as IMDb's <c>&lt;br /&gt;</c> with a space before tokenizing. Default: false.</summary>
    public bool StripHtmlTags { get; init; }

    /// <summary>Prepend [BOS]. Default: false. Not available to <see cref="TokenizerKind.WordPiece"/>.</summary>
    public bool AddBeginOfSequence { get; init; }

    /// <summary>Append [EOS]. Default: false. Not available to <see cref="TokenizerKind.WordPiece"/>.</summary>
    public bool AddEndOfSequence { get; init; }

    /// <summary>Prepend [CLS] (before [BOS] if both), for [CLS]-token pooling in classifiers. Default: false.
    /// <see cref="TokenizerKind.WordPiece"/> always writes <c>[CLS] … [SEP]</c>, as BERT was trained.</summary>
    public bool AddClassificationToken { get; init; }

    /// <summary>Longest output sequence, special tokens included; longer inputs are truncated. Default: 512.</summary>
    public int MaxLength { get; init; } = 512;

    /// <summary>Which end truncation removes. Default: <see cref="TruncationSide.Right"/>.</summary>
    public TruncationSide Truncation { get; init; } = TruncationSide.Right;

    /// <summary>Pad every sequence with [PAD] (id 0) to <see cref="MaxLength"/>, giving a fixed-size vector column. Default: false (variable length).</summary>
    public bool PadToMaxLength { get; init; }

    /// <summary>
    /// Output a key-typed vector (values are token id + 1, ML.NET's convention that key 0 is missing) instead of
    /// <see cref="int"/> token ids. Default: false.
    /// </summary>
    public bool OutputAsKeys { get; init; }

    /// <summary>Also output the number of tokens before padding in this <see cref="int"/> column. Default: none.</summary>
    public string? LengthColumnName { get; init; }

    /// <summary>Fit on at most this many rows (the first ones), for huge corpora. Default: all rows.</summary>
    public long? MaxRowsForFitting { get; init; }

    /// <summary>Number of special tokens added to every sequence by these options.</summary>
    internal int AddedSpecialTokenCount => IsWordPiece ? 2 : (AddBeginOfSequence ? 1 : 0) + (AddEndOfSequence ? 1 : 0) + (AddClassificationToken ? 1 : 0);

    /// <summary>Whether every sequence starts with [CLS]: asked for, or implied by WordPiece's <c>[CLS] … [SEP]</c>.</summary>
    internal bool StartsWithClassificationToken => AddClassificationToken || IsWordPiece;

    private bool IsWordPiece => Kind == TokenizerKind.WordPiece;

    /// <summary>True for kinds that learn a vocabulary from the fitting data.</summary>
    internal bool IsTrainable => Kind is TokenizerKind.BytePairEncoding or TokenizerKind.Word or TokenizerKind.Character;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid option.</summary>
    internal void Validate()
    {
        if (!Enum.IsDefined(Kind))
            throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown tokenizer kind.");
        int minimumVocabulary = SpecialTokens.Count + (Kind == TokenizerKind.BytePairEncoding ? 256 : 1);
        if (IsTrainable && VocabularySize < minimumVocabulary)
            throw new ArgumentOutOfRangeException(nameof(VocabularySize), VocabularySize,
                $"VocabularySize must be at least {minimumVocabulary} for {Kind}: {SpecialTokens.Count} special tokens" +
                (Kind == TokenizerKind.BytePairEncoding ? " + 256 byte tokens." : " + one ordinary token."));
        if (IsWordPiece && (AddBeginOfSequence || AddEndOfSequence))
            throw new ArgumentOutOfRangeException(AddBeginOfSequence ? nameof(AddBeginOfSequence) : nameof(AddEndOfSequence), true,
                "WordPiece writes BERT's [CLS] … [SEP]; its vocabulary has no [BOS] or [EOS].");
        if (MinimumFrequency < 1)
            throw new ArgumentOutOfRangeException(nameof(MinimumFrequency), MinimumFrequency, "MinimumFrequency must be at least 1.");
        if (MaxLength <= AddedSpecialTokenCount)
            throw new ArgumentOutOfRangeException(nameof(MaxLength), MaxLength,
                $"MaxLength must be greater than the {AddedSpecialTokenCount} special token(s) added to each sequence.");
        if (!Enum.IsDefined(Truncation))
            throw new ArgumentOutOfRangeException(nameof(Truncation), Truncation, "Unknown truncation side.");
        if (MaxRowsForFitting is <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxRowsForFitting), MaxRowsForFitting, "MaxRowsForFitting must be positive.");
        if (LengthColumnName is { Length: 0 })
            throw new ArgumentOutOfRangeException(nameof(LengthColumnName), LengthColumnName, "LengthColumnName must be null or a column name.");
    }
}
