using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// Counts the pieces a pre-tokenizer regex cuts from a stream of texts. Memory grows with the number of distinct
/// pieces, not with the corpus; counting a piece seen before allocates nothing.
/// </summary>
internal sealed class PieceCounter(Regex pattern)
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public void Add(ReadOnlySpan<char> text)
    {
        var lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (ValueMatch match in pattern.EnumerateMatches(text))
        {
            ReadOnlySpan<char> piece = text.Slice(match.Index, match.Length);
            if (lookup.TryGetValue(piece, out long count)) lookup[piece] = count + 1;
            else _counts.Add(piece.ToString(), 1);
        }
    }
}
