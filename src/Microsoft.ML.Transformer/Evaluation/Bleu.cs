using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Corpus BLEU (Papineni et al., 2002) computed exactly as sacreBLEU's <c>corpus_bleu</c> with its default settings
/// (signature <c>case:mixed|eff:no|tok:13a|smooth:exp</c>), so scores can be compared with published ones.
/// <list type="bullet">
/// <item>Text is case-sensitive (or lowercased first, as sacreBLEU's <c>-lc</c>, signature <c>case:lc</c>), stripped of
/// trailing whitespace, and tokenized with <c>13a</c> (mteval-v13a's rules).</item>
/// <item>Modified n-gram precisions for n = 1…4 summed over the corpus: a hypothesis n-gram is credited at most as
/// often as it occurs in the one reference of its row that holds it most often.</item>
/// <item><c>exp</c> smoothing: the k-th order with no match gets precision 1 / (2^k · its n-gram count) instead of
/// 0. No match at all, or an order with no hypothesis n-grams (all hypotheses shorter than n), scores 0.</item>
/// <item>Brevity penalty exp(1 − r / c) when c &lt; r, where c is the hypothesis length and r the effective
/// reference length: per row the reference length closest to the hypothesis's, the shorter on ties.</item>
/// </list>
/// Null references are skipped, so rows may have different numbers of references; every row needs one. An empty
/// reference counts, as a reference of length 0 (as in sacreBLEU since 2.2).
/// Unlike sacreBLEU's reference streams (one list per reference position), references here are grouped per row.
/// </summary>
public static class Bleu
{
    /// <summary>sacreBLEU's default highest n-gram order.</summary>
    public const int DefaultMaxNgramOrder = 4;

    /// <summary>Corpus BLEU against one reference per row.</summary>
    /// <param name="hypotheses">The system outputs (detokenized text), one per row.</param>
    /// <param name="references">The reference translations, parallel to <paramref name="hypotheses"/>.</param>
    /// <param name="maxNgramOrder">The highest n-gram order; 4 is standard BLEU.</param>
    /// <param name="lowercase">Compare case-insensitively (sacreBLEU's <c>-lc</c>): the form of results published on
    /// lowercased data, such as most Multi30k papers'.</param>
    public static BleuScore Compute(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references, int maxNgramOrder = DefaultMaxNgramOrder,
        bool lowercase = false)
        => Compute(hypotheses, EvaluationRows.Single(references), maxNgramOrder, lowercase);

    /// <summary>Corpus BLEU against one or more references per row.</summary>
    /// <param name="hypotheses">The system outputs (detokenized text), one per row.</param>
    /// <param name="references">Each row's reference translations, parallel to <paramref name="hypotheses"/>.</param>
    /// <param name="maxNgramOrder">The highest n-gram order; 4 is standard BLEU.</param>
    /// <param name="lowercase">Compare case-insensitively (sacreBLEU's <c>-lc</c>; invariant-culture lowercasing).</param>
    public static BleuScore Compute(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references, int maxNgramOrder = DefaultMaxNgramOrder,
        bool lowercase = false)
    {
        string[][] usable = EvaluationRows.References(hypotheses, references);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNgramOrder, 1);
        var statistics = new BleuStatistics(maxNgramOrder);
        for (int row = 0; row < usable.Length; row++)
            statistics.Add(Tokens(hypotheses[row], lowercase), Array.ConvertAll(usable[row], reference => Tokens(reference, lowercase)));
        return statistics.ToScore();
    }

    private static string[] Tokens(string text, bool lowercase)
        => Tokenizer13a.Tokenize(WhitespaceTokens.TrimEnd(lowercase ? text.ToLowerInvariant() : text)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
