using System.Text;
using Microsoft.ML.Tokenizers;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Byte-level BPE trained by this library, encoded by Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>.
/// Ids: 7..262 are the 256 bytes, then one id per merge in the order learned. Every text round-trips exactly.
/// </summary>
public sealed class ByteLevelBpeTokenizer : TextTokenizer
{
    private const int ByteCount = 256;
    private readonly BpeTokenizer _bpe;
    private readonly string[] _tokens; // GPT-2 alphabet form of every ordinary token, indexed by id - SpecialTokens.Count

    internal ByteLevelBpeTokenizer(IReadOnlyList<(int Left, int Right)> merges, bool lowerCase, bool stripHtmlTags)
        : base(lowerCase, stripHtmlTags)
    {
        Merges = merges;
        _tokens = new string[ByteCount + merges.Count];
        for (int b = 0; b < ByteCount; b++) _tokens[b] = ByteLevelAlphabet.Map((byte)b).ToString();
        var mergeLines = new List<string>(merges.Count);
        for (int k = 0; k < merges.Count; k++)
        {
            var (left, right) = merges[k];
            if ((uint)left >= ByteCount + k || (uint)right >= ByteCount + k)
                throw new ModelFormatException($"BPE merge {k} refers to symbol {Math.Max(left, right)}, which does not exist yet.");
            _tokens[ByteCount + k] = _tokens[left] + _tokens[right];
            mergeLines.Add(_tokens[left] + " " + _tokens[right]);
        }

        var vocabulary = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int s = 0; s < _tokens.Length; s++)
            if (!vocabulary.TryAdd(_tokens[s], SpecialTokens.Count + s))
                throw new ModelFormatException($"BPE merge {s - ByteCount} creates token '{_tokens[s]}' a second time.");
        _bpe = BpeTokenizer.Create(new BpeOptions(vocabulary)
        {
            Merges = mergeLines,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(PreTokenizerPatterns.ByteLevelBpe(), specialTokens: null),
        });
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind => TokenizerKind.BytePairEncoding;

    /// <inheritdoc/>
    public override int VocabularySize => SpecialTokens.Count + _tokens.Length;

    /// <summary>The learned merges as pairs of symbols (0..255 = bytes, 256 + k = result of merge k), in order.</summary>
    internal IReadOnlyList<(int Left, int Right)> Merges { get; }

    /// <summary>The Microsoft.ML.Tokenizers tokenizer that does the encoding (e.g. to use it outside ML.NET).</summary>
    public Tokenizer InnerTokenizer => _bpe;

    private protected override void EncodeNormalized(ReadOnlySpan<char> text, List<int> ids)
        => ids.AddRange(_bpe.EncodeToIds(text, considerPreTokenization: true, considerNormalization: false));

    private protected override void AppendDecoded(ReadOnlySpan<int> ids, StringBuilder text)
        => text.Append(_bpe.Decode(ids.ToArray(), considerSpecialTokens: false));

    private protected override string OrdinaryToken(int id) => _tokens[id - SpecialTokens.Count];
}
