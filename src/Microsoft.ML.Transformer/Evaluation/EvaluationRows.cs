namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>The one input rule of the sequence metrics: one hypothesis per row, each with a set of references of
/// which null ones are skipped (sacreBLEU's way of giving rows different numbers of references; since sacreBLEU 2.2
/// an empty reference is kept, as one of length 0); at least one row, and at least one reference left in every
/// row.</summary>
internal static class EvaluationRows
{
    /// <summary>Each row's usable references, after checking the rule; errors name the argument and the row. Nulls
    /// are tolerated although the public signatures do not admit them.</summary>
    public static string[][] References(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count != references.Count)
            throw new ArgumentException($"There are {hypotheses.Count} hypotheses but {references.Count} reference rows; they must be parallel.", nameof(references));
        if (hypotheses.Count == 0) throw new ArgumentException("There are no rows to evaluate.", nameof(hypotheses));

        var usable = new string[references.Count][];
        for (int row = 0; row < usable.Length; row++)
        {
            if (hypotheses[row] is null) throw new ArgumentException($"Hypothesis {row} is null; use an empty string for an empty output.", nameof(hypotheses));
            usable[row] = references[row]?.Where(r => r is not null).ToArray()!;
            if (usable[row] is not { Length: > 0 })
                throw new ArgumentException($"Row {row} has no reference (null references are skipped).", nameof(references));
        }
        return usable;
    }

    /// <summary>One reference per row as a set of one.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Single(IReadOnlyList<string> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        return references.Select(r => (IReadOnlyList<string>)[r]).ToArray();
    }
}
