using System.Text;
using Microsoft.ML.Tokenizers;

namespace Microsoft.ML.Transformer;

/// <summary>
/// OpenAI's pretrained tiktoken encodings, loaded offline from the Microsoft.ML.Tokenizers.Data packages.
/// Our id = tiktoken id + 7, so the <see cref="SpecialTokens"/> keep ids 0..6 as for every other kind.
/// </summary>
public sealed class PretrainedTokenizer : TextTokenizer
{
    private readonly TiktokenTokenizer _tiktoken;
    private readonly int _tiktokenVocabularySize;

    internal PretrainedTokenizer(TokenizerKind kind, bool lowerCase, bool stripHtmlTags) : base(lowerCase, stripHtmlTags)
    {
        Kind = kind;
        _tiktoken = kind switch
        {
            TokenizerKind.Gpt2 => TiktokenTokenizer.CreateForModel("gpt2"),
            TokenizerKind.Cl100kBase => TiktokenTokenizer.CreateForEncoding("cl100k_base"),
            TokenizerKind.O200kBase => TiktokenTokenizer.CreateForEncoding("o200k_base"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a pretrained tokenizer kind."),
        };
        // The encodings' own special tokens (e.g. <|endoftext|>) have the highest ids.
        _tiktokenVocabularySize = _tiktoken.SpecialTokens!.Values.Max() + 1;
    }

    /// <inheritdoc/>
    public override TokenizerKind Kind { get; }

    /// <inheritdoc/>
    public override int VocabularySize => SpecialTokens.Count + _tiktokenVocabularySize;

    /// <summary>The Microsoft.ML.Tokenizers tokenizer that does the encoding (its ids are ours minus 7).</summary>
    public Tokenizer InnerTokenizer => _tiktoken;

    private protected override void EncodeNormalized(ReadOnlySpan<char> text, List<int> ids)
    {
        foreach (int id in _tiktoken.EncodeToIds(text, considerPreTokenization: true, considerNormalization: false))
            ids.Add(id + SpecialTokens.Count);
    }

    private protected override void AppendDecoded(ReadOnlySpan<int> ids, StringBuilder text)
    {
        var shifted = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++) shifted[i] = ids[i] - SpecialTokens.Count;
        text.Append(_tiktoken.Decode(shifted));
    }

    private protected override string OrdinaryToken(int id) => _tiktoken.Decode([id - SpecialTokens.Count]) ?? "";
}
