using System.Text;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// Builds the <see cref="TextTokenizer"/> that <see cref="TokenizerOptions"/> describe from a stream of texts,
/// one at a time (memory grows with distinct pieces, not rows). Pretrained kinds and WordPiece ignore the texts.
/// </summary>
internal sealed class TokenizerTrainer
{
    private readonly TokenizerOptions _options;
    private readonly TextNormalizer _normalizer;
    private readonly PieceCounter? _pieces;
    private readonly Dictionary<int, long>? _codePoints;

    public TokenizerTrainer(TokenizerOptions options)
    {
        options.Validate();
        _options = options;
        _normalizer = new TextNormalizer(options.LowerCase, options.StripHtmlTags);
        if (options.Kind == TokenizerKind.BytePairEncoding) _pieces = new PieceCounter(PreTokenizerPatterns.ByteLevelBpe());
        else if (options.Kind == TokenizerKind.Word) _pieces = new PieceCounter(PreTokenizerPatterns.Words());
        else if (options.Kind == TokenizerKind.Character) _codePoints = [];
    }

    /// <summary>Rows with non-empty text seen so far.</summary>
    public long TextCount { get; private set; }

    public void Add(ReadOnlySpan<char> text)
    {
        if (text.IsWhiteSpace()) return;
        TextCount++;
        if (!_options.IsTrainable) return;
        ReadOnlySpan<char> normalized = _normalizer.IsIdentity ? text : _normalizer.Normalize(text);
        if (_pieces is not null) _pieces.Add(normalized);
        else
            foreach (Rune rune in normalized.EnumerateRunes())
                _codePoints![rune.Value] = _codePoints.GetValueOrDefault(rune.Value) + 1;
    }

    public TextTokenizer Build(Action? checkAlive = null)
    {
        int ordinary = _options.VocabularySize - SpecialTokens.Count;
        bool lower = _options.LowerCase, html = _options.StripHtmlTags;
        return _options.Kind switch
        {
            TokenizerKind.BytePairEncoding => new ByteLevelBpeTokenizer(
                BpeTrainer.LearnMerges(_pieces!.Counts, maxMerges: ordinary - 256, _options.MinimumFrequency, checkAlive), lower, html),
            TokenizerKind.Word => new WordTokenizer(
                FrequencyVocabulary.Select(_pieces!.Counts, w => w, ordinary, _options.MinimumFrequency), lower, html),
            TokenizerKind.Character => new CharacterTokenizer(
                FrequencyVocabulary.Select(_codePoints!, cp => char.ConvertFromUtf32(cp), ordinary, _options.MinimumFrequency), lower, html),
            TokenizerKind.WordPiece => WordPieceVocabulary.Load(_options.VocabularyPath, lower, html),
            _ => new PretrainedTokenizer(_options.Kind, lower, html),
        };
    }
}
