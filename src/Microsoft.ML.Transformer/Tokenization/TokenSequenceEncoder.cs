namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// Turns text into the sequence a Transformer sees: token ids, then the special tokens the options ask for
/// ([CLS], [BOS] ... [EOS]; WordPiece: [CLS] ... [SEP] with the vocabulary's ids), truncation to <see cref="TokenizerOptions.MaxLength"/> (specials are kept), and optional
/// [PAD] padding. One instance per cursor: it reuses its buffers, so encoding a row allocates nothing of its own.
/// </summary>
internal sealed class TokenSequenceEncoder(TextTokenizer tokenizer, TokenizerOptions options)
{
    private readonly List<int> _content = [];
    private int[] _sequence = [];
    private int _size;

    /// <summary>Number of rows whose content was cut by truncation.</summary>
    public long TruncatedCount { get; private set; }

    /// <summary>Number of rows encoded.</summary>
    public long EncodedCount { get; private set; }

    /// <summary>The last encoded sequence, padding included; valid until the next <see cref="Encode"/>.</summary>
    public ReadOnlySpan<int> Sequence => _sequence.AsSpan(0, _size);

    /// <summary>Encodes <paramref name="text"/> into <see cref="Sequence"/>; returns its length before padding.</summary>
    public int Encode(ReadOnlySpan<char> text)
    {
        _content.Clear();
        tokenizer.Encode(text, _content);

        int budget = options.MaxLength - options.AddedSpecialTokenCount;
        int keep = Math.Min(_content.Count, budget);
        EncodedCount++;
        if (keep < _content.Count) TruncatedCount++;
        // Content kept: [0, head) and [head + skip, head + skip + keep − head).
        int head = options.Truncation switch { TruncationSide.Left => 0, TruncationSide.Middle => keep / 4, _ => keep };
        int skip = _content.Count - keep;

        int length = keep + options.AddedSpecialTokenCount;
        _size = options.PadToMaxLength ? options.MaxLength : length;
        if (_sequence.Length < _size) Array.Resize(ref _sequence, Math.Max(_size, 2 * _sequence.Length));
        Span<int> output = _sequence;
        int at = 0;
        if (options.StartsWithClassificationToken) output[at++] = tokenizer.ClassificationId;
        if (options.AddBeginOfSequence) output[at++] = SpecialTokens.BeginOfSequence;
        for (int i = 0; i < keep; i++) output[at++] = _content[i < head ? i : skip + i];
        if (options.AddEndOfSequence) output[at++] = SpecialTokens.EndOfSequence;
        if (options.Kind == TokenizerKind.WordPiece) output[at++] = tokenizer.SeparatorId;
        output[at.._size].Fill(tokenizer.PaddingId);
        return length;
    }
}
