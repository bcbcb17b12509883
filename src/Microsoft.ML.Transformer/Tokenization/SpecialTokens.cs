namespace Microsoft.ML.Transformer;

/// <summary>
/// Special tokens every tokenizer of this library reserves, with the same ids for every <see cref="TokenizerKind"/>:
/// [PAD]=0 so zero-padding is padding, then [UNK], [BOS], [EOS], [CLS], [SEP], [MASK]. Ordinary tokens start at
/// <see cref="Count"/>.
/// </summary>
public static class SpecialTokens
{
    /// <summary>Padding.</summary>
    public const int Pad = 0;

    /// <summary>Unknown token (word and character kinds).</summary>
    public const int Unknown = 1;

    /// <summary>Beginning of sequence.</summary>
    public const int BeginOfSequence = 2;

    /// <summary>End of sequence.</summary>
    public const int EndOfSequence = 3;

    /// <summary>Classification token, prepended for [CLS] pooling.</summary>
    public const int Classification = 4;

    /// <summary>Separator.</summary>
    public const int Separator = 5;

    /// <summary>Mask (masked language modelling).</summary>
    public const int Mask = 6;

    /// <summary>Number of reserved ids; the first ordinary token id.</summary>
    public const int Count = 7;

    /// <summary>The text of each special token, indexed by id.</summary>
    public static IReadOnlyList<string> Names { get; } = ["[PAD]", "[UNK]", "[BOS]", "[EOS]", "[CLS]", "[SEP]", "[MASK]"];

    /// <summary>True for ids below <see cref="Count"/>.</summary>
    public static bool IsSpecial(int id) => id is >= 0 and < Count;
}
