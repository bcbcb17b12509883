namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// Corpus sums behind the error rates. Each row is compared on whitespace tokens with its closest reference: the one
/// at the smallest edit distance, the first listed on ties. Its distance, length and same-position matches are
/// summed; the row is exact when that distance is 0 (the hypothesis equals a reference token for token).
/// </summary>
internal sealed class TokenErrorCounts
{
    public int Rows { get; private set; }

    public int ExactRows { get; private set; }

    public long Edits { get; private set; }

    public long ReferenceTokens { get; private set; }

    public long SamePositionMatches { get; private set; }

    public static TokenErrorCounts Count(IReadOnlyList<string> hypotheses, string[][] references)
    {
        var counts = new TokenErrorCounts();
        for (int row = 0; row < hypotheses.Count; row++) counts.Add(hypotheses[row], references[row]);
        return counts;
    }

    public void Add(string hypothesis, IReadOnlyList<string> references)
    {
        string[] tokens = WhitespaceTokens.Split(hypothesis);
        string[]? closest = null;
        int distance = int.MaxValue;
        foreach (string reference in references)
        {
            string[] candidate = WhitespaceTokens.Split(reference);
            int candidateDistance = EditDistance.Compute<string>(tokens, candidate);
            if (candidateDistance < distance) (closest, distance) = (candidate, candidateDistance);
        }
        if (closest is null) throw new ArgumentException("A row needs at least one reference.", nameof(references));

        Rows++;
        if (distance == 0) ExactRows++;
        Edits += distance;
        ReferenceTokens += closest.Length;
        int shared = Math.Min(tokens.Length, closest.Length);
        for (int i = 0; i < shared; i++)
            if (tokens[i] == closest[i]) SamePositionMatches++;
    }

    /// <summary>Edits per reference token; NaN when the references hold no tokens at all.</summary>
    public double TokenErrorRate => ReferenceTokens == 0 ? double.NaN : (double)Edits / ReferenceTokens;

    /// <summary>Same-position matches per reference token; NaN when the references hold no tokens at all.</summary>
    public double TokenAccuracy => ReferenceTokens == 0 ? double.NaN : (double)SamePositionMatches / ReferenceTokens;

    public double ExactMatch => (double)ExactRows / Rows;

    public double SequenceErrorRate => (double)(Rows - ExactRows) / Rows;
}
