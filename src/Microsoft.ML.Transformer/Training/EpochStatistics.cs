namespace Microsoft.ML.Transformer.Training;

/// <summary>Counts of one epoch's reading, for the trainer's log; complete once the epoch has been enumerated.</summary>
internal sealed class EpochStatistics
{
    public long RowsRead { get; internal set; }

    public long RowsUsed { get; internal set; }

    /// <summary>Rows dropped, by the reason their task gave (e.g. "a missing label in 'Label'").</summary>
    public Dictionary<string, long> SkippedByReason { get; } = [];

    /// <summary>Rows dropped for any reason.</summary>
    public long RowsSkipped => SkippedByReason.Values.Sum();

    /// <summary>Rows whose source was cut to max_len.</summary>
    public long RowsTruncated { get; internal set; }

    public long Batches { get; internal set; }

    public long Tokens { get; internal set; }

    public long PaddedPositions { get; internal set; }

    /// <summary>Share of the batches' positions that are padding: what length bucketing keeps low.</summary>
    public double PaddingFraction => Tokens + PaddedPositions == 0 ? 0 : (double)PaddedPositions / (Tokens + PaddedPositions);

    public void Skip(string reason) => SkippedByReason[reason] = SkippedByReason.GetValueOrDefault(reason) + 1;

    public override string ToString()
        => $"{RowsRead} rows read, {RowsUsed} used, {RowsSkipped} skipped, {RowsTruncated} truncated; {Batches} batches, " +
           $"{Tokens} tokens, {PaddingFraction:P1} padding";
}
