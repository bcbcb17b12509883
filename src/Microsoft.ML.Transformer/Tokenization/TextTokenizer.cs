using System.Text;

namespace Microsoft.ML.Transformer;

/// <summary>
/// A fitted tokenizer: text normalization plus a vocabulary. Ids 0..6 are the <see cref="SpecialTokens"/> for every
/// kind but <see cref="TokenizerKind.WordPiece"/>, which keeps its vocabulary's ids; ordinary tokens follow. Thread-safe for encoding and decoding. Obtain one from a fitted
/// <see cref="TokenizerTransformer"/>.
/// </summary>
public abstract class TextTokenizer
{
    private readonly Tokenization.TextNormalizer _normalizer;
    private string? _vocabularyFingerprint;

    private protected TextTokenizer(bool lowerCase, bool stripHtmlTags)
    {
        _normalizer = new Tokenization.TextNormalizer(lowerCase, stripHtmlTags);
        LowerCase = lowerCase;
        StripHtmlTags = stripHtmlTags;
    }

    /// <summary>The kind of tokenizer.</summary>
    public abstract TokenizerKind Kind { get; }

    /// <summary>Number of ids, special tokens included: every id is in [0, VocabularySize).</summary>
    public abstract int VocabularySize { get; }

    /// <summary>Id of [PAD], written after a sequence to pad it: 0 for every kind.</summary>
    public virtual int PaddingId => SpecialTokens.Pad;

    /// <summary>Id of [CLS].</summary>
    public virtual int ClassificationId => SpecialTokens.Classification;

    /// <summary>Id of [SEP].</summary>
    public virtual int SeparatorId => SpecialTokens.Separator;

    /// <summary>Id of [MASK], which masked-language-model pretraining writes over the tokens it hides.</summary>
    public virtual int MaskId => SpecialTokens.Mask;

    /// <summary>Whether <paramref name="id"/> is one of the vocabulary's special tokens (never masked or drawn as a
    /// random replacement in pretraining).</summary>
    internal bool IsSpecialToken(int id) => IsSpecial(id);

    /// <summary>SHA-256 of the tokens in id order (<see cref="Tokenization.VocabularyFingerprint"/>), computed once.</summary>
    internal string VocabularyFingerprint => _vocabularyFingerprint ??= Tokenization.VocabularyFingerprint.Of(this);

    /// <summary>Whether text is lower-cased before tokenizing.</summary>
    public bool LowerCase { get; }

    /// <summary>Whether HTML tags are replaced by a space before tokenizing.</summary>
    public bool StripHtmlTags { get; }

    /// <summary>Token ids of <paramref name="text"/> after normalization, without special tokens or truncation.</summary>
    public int[] Encode(string? text)
    {
        var ids = new List<int>();
        Encode(text.AsSpan(), ids);
        return [.. ids];
    }

    /// <summary>Appends the token ids of <paramref name="text"/> to <paramref name="ids"/> (the allocation-light path).</summary>
    public void Encode(ReadOnlySpan<char> text, List<int> ids)
    {
        if (text.IsEmpty) return;
        if (_normalizer.IsIdentity) EncodeNormalized(text, ids);
        else EncodeNormalized(_normalizer.Normalize(text), ids);
    }

    /// <summary>
    /// Text of <paramref name="ids"/>. Special tokens are dropped, or written as their names ("[EOS]") when
    /// <paramref name="skipSpecialTokens"/> is false. Byte-level BPE and pretrained kinds reproduce the
    /// (normalized) input exactly; word-level output joins tokens with spaces.
    /// </summary>
    public string Decode(ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        var text = new StringBuilder();
        int runStart = 0;
        for (int i = 0; i <= ids.Length; i++)
        {
            bool atEnd = i == ids.Length;
            if (!atEnd && !IsSpecial(ids[i]))
            {
                if (ids[i] < 0 || ids[i] >= VocabularySize)
                    throw new ArgumentOutOfRangeException(nameof(ids), ids[i], $"Token id {ids[i]} is outside the vocabulary [0, {VocabularySize}).");
                continue;
            }
            if (i > runStart) AppendDecoded(ids[runStart..i], AppendSeparator(text));
            if (!atEnd && !skipSpecialTokens) AppendSeparator(text).Append(SpecialName(ids[i]));
            runStart = i + 1;
        }
        return text.ToString();
    }

    /// <inheritdoc cref="Decode(ReadOnlySpan{int}, bool)"/>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true) => Decode(ids.ToArray().AsSpan(), skipSpecialTokens);

    /// <summary>The token string of an id (special tokens by name; byte-level tokens in GPT-2's printable byte alphabet).</summary>
    public string IdToToken(int id)
    {
        if (id < 0 || id >= VocabularySize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary [0, {VocabularySize}).");
        return IsSpecial(id) ? SpecialName(id) : OrdinaryToken(id);
    }

    /// <summary>Whether <paramref name="id"/> is a special token (kept out of decoded text).</summary>
    private protected virtual bool IsSpecial(int id) => SpecialTokens.IsSpecial(id);

    private protected virtual string SpecialName(int id) => SpecialTokens.Names[id];

    /// <summary>Written between decoded pieces: empty for kinds whose tokens carry their own spacing.</summary>
    private protected virtual string TokenSeparator => "";

    private StringBuilder AppendSeparator(StringBuilder text) => text.Length > 0 ? text.Append(TokenSeparator) : text;

    /// <summary>Encodes already-normalized, non-empty text, appending ordinary-token ids.</summary>
    private protected abstract void EncodeNormalized(ReadOnlySpan<char> text, List<int> ids);

    /// <summary>Appends the text of a run of ordinary-token ids.</summary>
    private protected abstract void AppendDecoded(ReadOnlySpan<int> ids, StringBuilder text);

    private protected abstract string OrdinaryToken(int id);
}
