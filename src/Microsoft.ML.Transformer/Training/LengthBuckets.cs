namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Cuts a window of rows into batches of similar length: sorting by length before cutting means a batch pads its
/// rows only to the longest of its neighbours, not to the longest of a random draw.
/// </summary>
internal static class LengthBuckets
{
    /// <summary>
    /// Batches of <paramref name="batchSize"/> rows in random order. When the window is not a whole number of batches
    /// (only the epoch's last window), the short batch comes last, cut from a random place in the sorted order.
    /// </summary>
    public static IEnumerable<TokenBatch> Cut(PooledRow[] window, int batchSize, int paddingId, bool labelled, Random random, int lengthMultiple = 1, int maxLength = int.MaxValue)
    {
        // Sequence pairs sort by source then target length, so both sides of a batch pad little.
        int[] lengths = Array.ConvertAll(window, row => row.Target is null ? row.Ids.Length : row.Ids.Length * 65_536 + row.Target.Length);
        Array.Sort(lengths, window);
        int full = window.Length / batchSize, rest = window.Length % batchSize;
        // The short batch starts at a batch boundary picked at random, so it is not always the longest rows.
        int restStart = rest == 0 ? window.Length : random.Next(full + 1) * batchSize;
        int[] starts = new int[full];
        for (int b = 0; b < full; b++) starts[b] = b * batchSize < restStart ? b * batchSize : b * batchSize + rest;
        random.Shuffle(starts);
        foreach (int start in starts) yield return Pack(window.AsSpan(start, batchSize), paddingId, labelled, lengthMultiple, maxLength);
        if (rest > 0) yield return Pack(window.AsSpan(restStart, rest), paddingId, labelled, lengthMultiple, maxLength);
    }

    /// <summary>Packs the rows (and their targets) padded as <see cref="PackRows"/> says.</summary>
    private static TokenBatch Pack(ReadOnlySpan<PooledRow> rows, int paddingId, bool labelled, int lengthMultiple, int maxLength)
    {
        var (ids, lengths, longest) = PackRows(rows, static row => row.Ids, paddingId, lengthMultiple, maxLength);
        long[]? labels = labelled ? new long[rows.Length] : null;
        if (labels is not null) for (int r = 0; r < rows.Length; r++) labels[r] = rows[r].Label;
        TokenRows? targets = null;
        if (rows.Length > 0 && rows[0].Target is not null)
        {
            var (targetIds, targetLengths, targetLongest) = PackRows(rows, static row => row.Target!, paddingId, lengthMultiple, int.MaxValue);
            targets = new TokenRows(targetIds, targetLengths, targetLongest);
        }
        return new TokenBatch(ids, lengths, longest, labels, targets);
    }

    /// <summary>One side of the rows, padded to the longest rounded up to a multiple of <paramref name="lengthMultiple"/>
    /// (at most <paramref name="maxLength"/>): few distinct shapes let oneDNN and cuDNN reuse their compiled kernels.</summary>
    private static (long[] Ids, int[] Lengths, int Longest) PackRows(ReadOnlySpan<PooledRow> rows, Func<PooledRow, int[]> side, int paddingId,
        int lengthMultiple, int maxLength)
    {
        int longest = 1;
        foreach (PooledRow row in rows) longest = Math.Max(longest, side(row).Length);
        longest = Math.Max(longest, Math.Min(maxLength, (longest + lengthMultiple - 1) / lengthMultiple * lengthMultiple));
        var ids = new long[rows.Length * longest];
        Array.Fill(ids, paddingId);
        var lengths = new int[rows.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            int[] rowIds = side(rows[r]);
            for (int i = 0; i < rowIds.Length; i++) ids[r * longest + i] = rowIds[i];
            lengths[r] = rowIds.Length;
        }
        return (ids, lengths, longest);
    }
}
