namespace Microsoft.ML.Transformer.Training;

/// <summary>Which token column <see cref="TokenBatchReader{TLabel}"/> reads and how it batches it (what else a row holds
/// is the task's <see cref="IBatchLabel{TLabel}"/>).</summary>
internal sealed record TokenBatchOptions
{
    /// <summary>The token column: a vector of Int32 ids or of keys (key k is id k − 1).</summary>
    public required string TokenColumn { get; init; }

    public required int VocabularySize { get; init; }

    /// <summary>max_len: a row with more real tokens is an error, as in scoring.</summary>
    public required int MaxLength { get; init; }

    public int PaddingId { get; init; }

    /// <summary>What the rows are, for errors: "training data" or "ValidationSet".</summary>
    public string DataName { get; init; } = "training data";

    /// <summary>Cut source rows longer than <see cref="MaxLength"/> to it (counted in <see cref="EpochStatistics.RowsTruncated"/>)
    /// instead of failing.</summary>
    public bool TruncateSource { get; init; }

    public int BatchSize { get; init; } = 32;

    /// <summary>Batch by tokens: a batch takes rows of similar length until one more would make its padded positions
    /// (rows × (longest source + longest target)) exceed this; <see cref="BatchSize"/> still caps its rows. Null: every
    /// batch is <see cref="BatchSize"/> rows.</summary>
    public int? BatchTokens { get; init; }

    /// <summary>Rows held at once (the memory bound); null is 64 batches.</summary>
    public int? ShuffleBufferRows { get; init; }

    /// <summary>
    /// Batches per length-sorting window: rows are bucketed by length among this many batches' worth of rows.
    /// 1 turns bucketing off. Capped by the shuffle buffer.
    /// </summary>
    public int BucketFactor { get; init; } = 16;

    public int Seed { get; init; }

    /// <summary>Batch lengths are rounded up to a multiple of this (at most MaxLength), so that few distinct tensor
    /// shapes occur: bf16 kernels are compiled per shape. 1 pads to the longest row only.</summary>
    public int LengthMultiple { get; init; } = 32;
}
