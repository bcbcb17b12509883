using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Transformer;

/// <summary>
/// BERT's WordPiece over a Hugging Face vocabulary, done by Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>.
/// Unlike the other kinds, ids are the vocabulary's own (bert-base-uncased: [PAD]=0, [UNK]=100, [CLS]=101, [SEP]=102,
/// [MASK]=103), so that a pretrained checkpoint's embedding rows line up; [PAD] must be 0, as the library's models pad with 0.
/// </summary>
public sealed class BertWordPieceTokenizer : TextTokenizer
{
    private readonly BertTokenizer _bert;
    private readonly string[] _tokens;
    private readonly HashSet<int> _specialIds;

    /// <param name="tokens">The vocabulary, one token per id (the lines of vocab.txt).</param>
    /// <param name="lowerCase">BERT's do_lower_case (also strips accents, as Hugging Face does when strip_accents is unset).</param>
    /// <param name="stripHtmlTags">Replace HTML tags with a space first.</param>
    /// <param name="source">Names the vocabulary in error messages.</param>
    internal BertWordPieceTokenizer(string[] tokens, bool lowerCase, bool stripHtmlTags, string source) : base(lowerCase, stripHtmlTags)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++) ids.TryAdd(tokens[i], i);
        int Require(string token) => ids.TryGetValue(token, out int id) ? id
            : throw new InvalidDataException($"{source}: the WordPiece vocabulary has no {token} token.");
        PaddingId = Require("[PAD]");
        int unknown = Require("[UNK]");
        ClassificationId = Require("[CLS]");
        SeparatorId = Require("[SEP]");
        MaskId = Require("[MASK]");
        if (PaddingId != SpecialTokens.Pad)
            throw new InvalidDataException($"{source}: [PAD] has id {PaddingId}; this library's models pad with id {SpecialTokens.Pad}.");
        _specialIds = [PaddingId, unknown, ClassificationId, SeparatorId, MaskId];
        _tokens = tokens;
        using var vocabulary = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', tokens) + "\n"));
        _bert = BertTokenizer.Create(vocabulary, new BertOptions { LowerCaseBeforeTokenization = lowerCase, RemoveNonSpacingMarks = lowerCase });
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind => TokenizerKind.WordPiece;

    /// <inheritdoc/>
    public override int VocabularySize => _tokens.Length;

    /// <inheritdoc/>
    public override int PaddingId { get; }

    /// <inheritdoc/>
    public override int ClassificationId { get; }

    /// <inheritdoc/>
    public override int SeparatorId { get; }

    /// <inheritdoc/>
    public override int MaskId { get; }

    /// <summary>The vocabulary, one token per id.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The Microsoft.ML.Tokenizers tokenizer that does the encoding (same ids as ours).</summary>
    public Tokenizer InnerTokenizer => _bert;

    private protected override bool IsSpecial(int id) => _specialIds.Contains(id);

    private protected override string SpecialName(int id) => _tokens[id];

    private protected override string TokenSeparator => " ";

    private protected override void EncodeNormalized(ReadOnlySpan<char> text, List<int> ids)
        => ids.AddRange(_bert.EncodeToIds(text, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true));

    private protected override void AppendDecoded(ReadOnlySpan<int> ids, StringBuilder text) => text.Append(_bert.Decode(ids.ToArray()));

    private protected override string OrdinaryToken(int id) => _tokens[id];
}
