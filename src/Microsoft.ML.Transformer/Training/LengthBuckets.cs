namespace Microsoft.ML.Transformer.Training;

/// <summary>How a sorted window is cut into batches: at most <paramref name="Rows"/> rows each and, when
/// <paramref name="Tokens"/> is set, at most that many padded positions (source + target); lengths round up to a
/// multiple of <paramref name="LengthMultiple"/>, sources never beyond <paramref name="MaxLength"/>.</summary>
internal readonly record struct BatchCut(int Rows, int? Tokens = null, int LengthMultiple = 1, int MaxLength = int.MaxValue)
{
    /// <summary>The padded length of a batch whose longest row has <paramref name="longest"/> tokens.</summary>
    public int Padded(int longest, int maxLength)
    {
        int atLeastOne = Math.Max(longest, 1);
        return Math.Max(atLeastOne, Math.Min(maxLength, (atLeastOne + LengthMultiple - 1) / LengthMultiple * LengthMultiple));
    }
}

/// <summary>
/// Cuts a window of rows into batches of similar length: sorting by length before cutting means a batch pads its
/// rows only to the longest of its neighbours, not to the longest of a random draw.
/// </summary>
internal static class LengthBuckets
{
    /// <summary>
    /// The window's batches in random order. By rows: batches of <see cref="BatchCut.Rows"/>, and when the window is
    /// not a whole number of them (only the epoch's last window) the short batch comes last, cut from a random place in
    /// the sorted order. By tokens: each batch takes the next rows in length order while they fit the token budget.
    /// </summary>
    public static IEnumerable<TokenBatch<TLabel>> Cut<TLabel>(PooledRow<TLabel>[] window, BatchCut cut, int paddingId, Func<TLabel, int> labelTokens,
        Random random)
    {
        // Sequence pairs sort by source then target length, so both sides of a batch pad little.
        int[] lengths = Array.ConvertAll(window, row => labelTokens(row.Label) is var target and > 0 ? row.Ids.Length * 65_536 + target : row.Ids.Length);
        Array.Sort(lengths, window);
        List<(int Start, int Count)> batches = cut.Tokens is { } budget ? ByTokens(window, cut, budget, labelTokens) : ByRows(window.Length, cut.Rows, random);
        if (cut.Tokens is not null) random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        foreach (var (start, count) in batches) yield return Pack(window.AsSpan(start, count), paddingId, cut);
    }

    /// <summary>Full batches in random order, then the short one (if any) from a random batch boundary, so it is not
    /// always the longest rows.</summary>
    private static List<(int Start, int Count)> ByRows(int rows, int batchSize, Random random)
    {
        int full = rows / batchSize, rest = rows % batchSize;
        int restStart = rest == 0 ? rows : random.Next(full + 1) * batchSize;
        int[] starts = new int[full];
        for (int b = 0; b < full; b++) starts[b] = b * batchSize < restStart ? b * batchSize : b * batchSize + rest;
        random.Shuffle(starts);
        var batches = new List<(int, int)>(full + 1);
        foreach (int start in starts) batches.Add((start, batchSize));
        if (rest > 0) batches.Add((restStart, rest));
        return batches;
    }

    /// <summary>Consecutive runs of the sorted rows, each as long as its padded positions stay within
    /// <paramref name="budget"/> and its rows within <see cref="BatchCut.Rows"/> (a row alone over budget is a batch).</summary>
    private static List<(int Start, int Count)> ByTokens<TLabel>(PooledRow<TLabel>[] sorted, BatchCut cut, int budget, Func<TLabel, int> labelTokens)
    {
        var batches = new List<(int, int)>();
        int start = 0, longestSource = 0, longestTarget = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            int source = Math.Max(longestSource, sorted[i].Ids.Length), target = Math.Max(longestTarget, labelTokens(sorted[i].Label));
            int count = i - start + 1;
            long positions = (long)count * (cut.Padded(source, cut.MaxLength) + (target == 0 ? 0 : cut.Padded(target, int.MaxValue)));
            if (count > 1 && (positions > budget || count > cut.Rows))
            {
                batches.Add((start, i - start));
                start = i;
                (source, target) = (sorted[i].Ids.Length, labelTokens(sorted[i].Label));
            }
            (longestSource, longestTarget) = (source, target);
        }
        if (start < sorted.Length) batches.Add((start, sorted.Length - start));
        return batches;
    }

    /// <summary>Packs the rows' ids padded to the longest rounded up to a multiple of <see cref="BatchCut.LengthMultiple"/>
    /// (at most max_len): few distinct shapes let oneDNN and cuDNN reuse their compiled kernels.</summary>
    private static TokenBatch<TLabel> Pack<TLabel>(ReadOnlySpan<PooledRow<TLabel>> rows, int paddingId, BatchCut cut)
    {
        int longest = 0;
        foreach (PooledRow<TLabel> row in rows) longest = Math.Max(longest, row.Ids.Length);
        longest = cut.Padded(longest, cut.MaxLength);
        var ids = new long[rows.Length * longest];
        Array.Fill(ids, paddingId);
        var lengths = new int[rows.Length];
        var labels = new TLabel[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            int[] rowIds = rows[r].Ids;
            for (int i = 0; i < rowIds.Length; i++) ids[r * longest + i] = rowIds[i];
            lengths[r] = rowIds.Length;
            labels[r] = rows[r].Label;
        }
        return new TokenBatch<TLabel>(ids, lengths, longest, labels);
    }
}
