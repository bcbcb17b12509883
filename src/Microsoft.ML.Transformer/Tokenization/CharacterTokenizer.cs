using System.Text;

namespace Microsoft.ML.Transformer;

/// <summary>Character-level vocabulary over Unicode code points; characters not in it become [UNK].</summary>
public sealed class CharacterTokenizer : TextTokenizer
{
    private readonly string[] _tokens;
    private readonly Dictionary<int, int> _idByCodePoint;

    internal CharacterTokenizer(string[] tokens, bool lowerCase, bool stripHtmlTags) : base(lowerCase, stripHtmlTags)
    {
        _tokens = tokens;
        _idByCodePoint = new Dictionary<int, int>(tokens.Length);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (Rune.DecodeFromUtf16(tokens[i], out Rune rune, out int used) != System.Buffers.OperationStatus.Done || used != tokens[i].Length)
                throw new ModelFormatException($"Character vocabulary entry {i} ('{tokens[i]}') is not a single Unicode character.");
            if (!_idByCodePoint.TryAdd(rune.Value, SpecialTokens.Count + i))
                throw new ModelFormatException($"Character '{tokens[i]}' appears twice in the vocabulary.");
        }
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind => TokenizerKind.Character;

    /// <inheritdoc/>
    public override int VocabularySize => SpecialTokens.Count + _tokens.Length;

    internal IReadOnlyList<string> Tokens => _tokens;

    private protected override void EncodeNormalized(ReadOnlySpan<char> text, List<int> ids)
    {
        foreach (Rune rune in text.EnumerateRunes())
            ids.Add(_idByCodePoint.TryGetValue(rune.Value, out int id) ? id : SpecialTokens.Unknown);
    }

    private protected override void AppendDecoded(ReadOnlySpan<int> ids, StringBuilder text)
    {
        foreach (int id in ids) text.Append(OrdinaryToken(id));
    }

    private protected override string OrdinaryToken(int id) => _tokens[id - SpecialTokens.Count];
}
