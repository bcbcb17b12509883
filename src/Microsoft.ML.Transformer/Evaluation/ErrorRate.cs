using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer;

/// <summary>
/// Corpus error rates of sequence outputs, on whitespace-separated tokens (words for WER, phonemes for PER).
/// <para>
/// <b>Token error rate</b> (WER over words, PER over phonemes), the standard corpus definition: the sum over rows of
/// the Levenshtein distance between hypothesis and reference tokens, divided by the sum of the reference lengths —
/// not the mean of per-row rates. It can exceed 1 when hypotheses are longer than their references.
/// </para>
/// <para>
/// <b>Sequence error rate</b>: the fraction of rows whose hypothesis is not exactly one of its references. This is
/// what grapheme-to-phoneme work (cmusphinx g2p-seq2seq, CMUdict results) calls "WER": the fraction of <i>words</i>
/// whose predicted pronunciation is wrong.
/// </para>
/// <para>
/// Several references per row (CMUdict's alternative pronunciations): a row is exact when it matches any of them, and
/// the token error rate uses the reference at the smallest edit distance (the first listed on ties), counting that
/// reference's length. Null references are skipped; every row needs at least one other. An empty reference has no
/// tokens: only an empty hypothesis matches it.
/// Hypotheses and references are compared token for token, so runs of whitespace do not matter.
/// </para>
/// </summary>
public static class ErrorRate
{
    /// <summary>The corpus token error rate (WER over words, PER over phonemes) against one reference per row:
    /// total edit distance / total reference tokens.</summary>
    /// <param name="hypotheses">The model's outputs, one per row.</param>
    /// <param name="references">The expected outputs, parallel to <paramref name="hypotheses"/>.</param>
    /// <returns>The rate, NaN when the references hold no tokens at all.</returns>
    public static double Tokens(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references)
        => Tokens(hypotheses, EvaluationRows.Single(references));

    /// <summary>The corpus token error rate (WER over words, PER over phonemes) against each row's closest
    /// reference: total edit distance / total length of the references used.</summary>
    /// <param name="hypotheses">The model's outputs, one per row.</param>
    /// <param name="references">Each row's acceptable outputs, parallel to <paramref name="hypotheses"/>.</param>
    /// <returns>The rate, NaN when the references hold no tokens at all.</returns>
    public static double Tokens(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
        => TokenErrorCounts.Count(hypotheses, EvaluationRows.References(hypotheses, references)).TokenErrorRate;

    /// <summary>The fraction of rows whose hypothesis differs from its reference (the G2P "WER").</summary>
    /// <param name="hypotheses">The model's outputs, one per row.</param>
    /// <param name="references">The expected outputs, parallel to <paramref name="hypotheses"/>.</param>
    public static double Sequences(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references)
        => Sequences(hypotheses, EvaluationRows.Single(references));

    /// <summary>The fraction of rows whose hypothesis is none of its references (the G2P "WER" with CMUdict's
    /// alternative pronunciations).</summary>
    /// <param name="hypotheses">The model's outputs, one per row.</param>
    /// <param name="references">Each row's acceptable outputs, parallel to <paramref name="hypotheses"/>.</param>
    public static double Sequences(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
        => TokenErrorCounts.Count(hypotheses, EvaluationRows.References(hypotheses, references)).SequenceErrorRate;
}
