namespace Microsoft.ML.Transformer;

/// <summary>
/// Quality of a sequence-to-sequence model's outputs against references (see <see cref="SequenceEvaluator"/>).
/// Token metrics compare whitespace-separated tokens (words, or the phonemes of a pronunciation) with each row's
/// closest reference: the one at the smallest edit distance, the first listed on ties.
/// </summary>
public sealed record SequenceMetrics
{
    /// <summary>Rows evaluated.</summary>
    public required int Count { get; init; }

    /// <summary>The fraction of rows whose hypothesis equals one of its references, token for token.</summary>
    public required double ExactMatch { get; init; }

    /// <summary>1 − <see cref="ExactMatch"/>: the fraction of rows with any error. Grapheme-to-phoneme work reports
    /// this as "WER" (the fraction of words whose pronunciation is wrong).</summary>
    public required double SequenceErrorRate { get; init; }

    /// <summary><see cref="TokenEdits"/> / <see cref="ReferenceTokens"/>: the corpus WER over words, the PER over
    /// phonemes. May exceed 1; NaN when the references hold no tokens.</summary>
    public required double TokenErrorRate { get; init; }

    /// <summary>The fraction of reference tokens that the hypothesis has at the same position (token i of both).
    /// Stricter than 1 − <see cref="TokenErrorRate"/>: one early insertion or deletion shifts every later token.
    /// NaN when the references hold no tokens.</summary>
    public required double TokenAccuracy { get; init; }

    /// <summary>The summed Levenshtein distances between hypotheses and their closest references, in tokens.</summary>
    public required long TokenEdits { get; init; }

    /// <summary>The summed lengths of the closest references, in tokens.</summary>
    public required long ReferenceTokens { get; init; }

    /// <summary>Corpus BLEU over all references, as sacreBLEU computes it (13a tokenization, exp smoothing).</summary>
    public required BleuScore Bleu { get; init; }
}
