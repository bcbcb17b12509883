namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// BLEU's sufficient statistics summed over a corpus (sacreBLEU's segment statistics): per n-gram order the clipped
/// matches and the hypothesis n-grams, and the hypothesis and effective reference lengths. Rows arrive tokenized.
/// </summary>
internal sealed class BleuStatistics(int maxNgramOrder)
{
    // sacreBLEU floors log(0) to this instead of −∞, so a zero precision gives a score of exactly 0
    private const double LogOfZero = -9999999999;

    private readonly long[] _matches = new long[maxNgramOrder];
    private readonly long[] _totals = new long[maxNgramOrder];
    private long _systemLength, _referenceLength;

    public void Add(string[] hypothesis, IReadOnlyList<string[]> references)
    {
        Dictionary<string, int>[] hypothesisCounts = CountNgrams(hypothesis);
        Dictionary<string, int>[] referenceCounts = CountNgrams(references[0]);
        for (int r = 1; r < references.Count; r++)
        {
            Dictionary<string, int>[] counts = CountNgrams(references[r]);
            for (int n = 0; n < counts.Length; n++)
                foreach ((string ngram, int count) in counts[n])
                    if (count > referenceCounts[n].GetValueOrDefault(ngram)) referenceCounts[n][ngram] = count;
        }

        for (int n = 0; n < hypothesisCounts.Length; n++)
            foreach ((string ngram, int count) in hypothesisCounts[n])
            {
                _totals[n] += count;
                _matches[n] += Math.Min(count, referenceCounts[n].GetValueOrDefault(ngram));
            }
        _systemLength += hypothesis.Length;
        _referenceLength += ClosestLength(hypothesis.Length, references);
    }

    public BleuScore ToScore() => Score(_matches, _totals, _systemLength, _referenceLength);

    /// <summary>sacreBLEU's <c>compute_bleu</c> with <c>exp</c> smoothing (NIST's, as in mteval-v13a): an order with
    /// matches has precision matches / total; the k-th order without a match gets 1 / (2^k · total) instead of 0. An
    /// order without any hypothesis n-gram, or no match at all, makes the score 0.</summary>
    public static BleuScore Score(long[] matches, long[] totals, long systemLength, long referenceLength)
    {
        double brevityPenalty = systemLength >= referenceLength ? 1.0
            : systemLength > 0 ? Math.Exp(1 - (double)referenceLength / systemLength) : 0.0;
        var precisions = new double[matches.Length];
        double score = 0;
        if (matches.Any(m => m > 0))
        {
            double smoothing = 1;
            for (int n = 0; n < precisions.Length && totals[n] > 0; n++)
            {
                if (matches[n] > 0) precisions[n] = 100.0 * matches[n] / totals[n];
                else precisions[n] = 100.0 / ((smoothing *= 2) * totals[n]);
            }
            double logSum = 0;
            foreach (double precision in precisions) logSum += precision == 0 ? LogOfZero : Math.Log(precision);
            score = brevityPenalty * Math.Exp(logSum / precisions.Length);
        }
        return new BleuScore
        {
            Score = score,
            Precisions = precisions,
            MatchingNgrams = [.. matches],
            TotalNgrams = [.. totals],
            BrevityPenalty = brevityPenalty,
            SystemLength = systemLength,
            ReferenceLength = referenceLength,
        };
    }

    /// <summary>Per order n (index n − 1), the n-grams of <paramref name="tokens"/> joined by spaces (tokens hold
    /// none, so the keys are unambiguous) and how often each occurs.</summary>
    private Dictionary<string, int>[] CountNgrams(string[] tokens)
    {
        var counts = new Dictionary<string, int>[_totals.Length];
        for (int n = 1; n <= counts.Length; n++)
        {
            counts[n - 1] = [];
            for (int start = 0; start + n <= tokens.Length; start++)
            {
                string ngram = string.Join(' ', tokens, start, n);
                counts[n - 1][ngram] = counts[n - 1].GetValueOrDefault(ngram) + 1;
            }
        }
        return counts;
    }

    /// <summary>The reference length closest to the hypothesis length; the shorter of two equally close.</summary>
    private static int ClosestLength(int hypothesisLength, IReadOnlyList<string[]> references)
    {
        int closest = references[0].Length;
        foreach (string[] reference in references)
        {
            int distance = Math.Abs(hypothesisLength - reference.Length);
            int closestDistance = Math.Abs(hypothesisLength - closest);
            if (distance < closestDistance || (distance == closestDistance && reference.Length < closest)) closest = reference.Length;
        }
        return closest;
    }
}
