using System.Globalization;

namespace Microsoft.ML.Transformer;

/// <summary>
/// A corpus BLEU score and its sufficient statistics, as sacreBLEU reports them (see <see cref="Bleu"/>).
/// The lists hold one entry per n-gram order, unigrams first. Equality compares the lists by reference.
/// </summary>
public sealed record BleuScore
{
    /// <summary>BLEU, 0–100: <see cref="BrevityPenalty"/> × the geometric mean of <see cref="Precisions"/>.</summary>
    public required double Score { get; init; }

    /// <summary>The modified n-gram precisions, in percent: clipped matches / hypothesis n-grams, with sacreBLEU's
    /// <c>exp</c> smoothing of orders without a match. All 0 when nothing matches at all.</summary>
    public required IReadOnlyList<double> Precisions { get; init; }

    /// <summary>Hypothesis n-grams found in the references, each counted at most as often as it occurs in the
    /// reference that holds it most often (sacreBLEU's <c>counts</c>).</summary>
    public required IReadOnlyList<long> MatchingNgrams { get; init; }

    /// <summary>Hypothesis n-grams in all (sacreBLEU's <c>totals</c>).</summary>
    public required IReadOnlyList<long> TotalNgrams { get; init; }

    /// <summary>exp(1 − <see cref="ReferenceLength"/> / <see cref="SystemLength"/>) when the hypotheses are shorter
    /// than the references, else 1; 0 when the hypotheses are empty.</summary>
    public required double BrevityPenalty { get; init; }

    /// <summary>Tokens in all hypotheses (sacreBLEU's <c>hyp_len</c>).</summary>
    public required long SystemLength { get; init; }

    /// <summary>The effective reference length (sacreBLEU's <c>ref_len</c>): for each row the length of the
    /// reference closest to the hypothesis length, the shorter on ties.</summary>
    public required long ReferenceLength { get; init; }

    /// <summary><see cref="SystemLength"/> / <see cref="ReferenceLength"/>; 0 when the references are empty.</summary>
    public double LengthRatio => ReferenceLength == 0 ? 0 : (double)SystemLength / ReferenceLength;

    /// <summary>sacreBLEU's line, e.g. <c>BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17
    /// ref_len = 18)</c>.</summary>
    public override string ToString()
    {
        // .NET rounds exact halves to even when formatting, as Python does, so the digits match sacreBLEU's
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string precisions = string.Join('/', Precisions.Select(p => p.ToString("F1", invariant)));
        return string.Create(invariant,
            $"BLEU = {Score:F2} {precisions} (BP = {BrevityPenalty:F3} ratio = {LengthRatio:F3} hyp_len = {SystemLength} ref_len = {ReferenceLength})");
    }
}
