using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Word-level vocabulary: words (runs of letters, digits and '_') and single punctuation marks. Words not in the
/// vocabulary become [UNK]. Decoding joins tokens with single spaces, so spacing is not preserved.
/// </summary>
public sealed class WordTokenizer : TextTokenizer
{
    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _index;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    internal WordTokenizer(string[] tokens, bool lowerCase, bool stripHtmlTags) : base(lowerCase, stripHtmlTags)
    {
        _tokens = tokens;
        _index = FrequencyVocabulary.Index(tokens);
        _lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind => TokenizerKind.Word;

    /// <inheritdoc/>
    public override int VocabularySize => SpecialTokens.Count + _tokens.Length;

    internal IReadOnlyList<string> Tokens => _tokens;

    private protected override void EncodeNormalized(ReadOnlySpan<char> text, List<int> ids)
    {
        foreach (ValueMatch match in PreTokenizerPatterns.Words().EnumerateMatches(text))
            ids.Add(_lookup.TryGetValue(text.Slice(match.Index, match.Length), out int id) ? id : SpecialTokens.Unknown);
    }

    private protected override string TokenSeparator => " ";

    private protected override void AppendDecoded(ReadOnlySpan<int> ids, StringBuilder text)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if (i > 0) text.Append(TokenSeparator);
            text.Append(OrdinaryToken(ids[i]));
        }
    }

    private protected override string OrdinaryToken(int id) => _tokens[id - SpecialTokens.Count];
}
