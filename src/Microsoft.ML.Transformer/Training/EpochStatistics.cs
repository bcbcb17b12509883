namespace Microsoft.ML.Transformer.Training;

/// <summary>Counts of one epoch's reading, for the trainer's log; complete once the epoch has been enumerated.</summary>
internal sealed class EpochStatistics
{
    public long RowsRead { get; internal set; }

    public long RowsUsed { get; internal set; }

    /// <summary>Rows dropped because their label is missing (key 0).</summary>
    public long RowsSkippedMissingLabel { get; internal set; }

    /// <summary>Rows dropped because their target sequence is empty (sequence-to-sequence).</summary>
    public long RowsSkippedEmptyTarget { get; internal set; }

    /// <summary>Rows whose source was cut to max_len.</summary>
    public long RowsTruncated { get; internal set; }

    public long Batches { get; internal set; }

    public long Tokens { get; internal set; }

    public long PaddedPositions { get; internal set; }

    /// <summary>Share of the batches' positions that are padding: what length bucketing keeps low.</summary>
    public double PaddingFraction => Tokens + PaddedPositions == 0 ? 0 : (double)PaddedPositions / (Tokens + PaddedPositions);

    public override string ToString()
        => $"{RowsRead} rows read, {RowsUsed} used, {RowsSkippedMissingLabel} skipped (missing label), " +
           $"{RowsSkippedEmptyTarget} skipped (empty target), {RowsTruncated} truncated; {Batches} batches, " +
           $"{Tokens} tokens, {PaddingFraction:P1} padding";
}
