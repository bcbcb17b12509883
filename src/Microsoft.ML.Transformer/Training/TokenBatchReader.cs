using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Streams a token column, and what the task reads besides (<see cref="IBatchLabel{TLabel}"/>), into training batches,
/// one cursor per epoch: rows pass through a bounded <see cref="ShufflePool{TRow}"/>, are drawn from it in windows,
/// bucketed by length and cut into batches (<see cref="LengthBuckets"/>). Memory is bounded by the pool, not the data;
/// the same seed and epoch give the same batches, and every usable row appears exactly once per epoch.
/// </summary>
internal sealed class TokenBatchReader<TLabel>
{
    private readonly IExceptionContext _host;
    private readonly IDataView _data;
    private readonly TokenBatchOptions _options;
    private readonly DataViewSchema.Column _tokens;
    private readonly IBatchLabel<TLabel> _label;
    private readonly int _poolRows, _windowRows;

    public TokenBatchReader(IExceptionContext host, IDataView data, TokenBatchOptions options, IBatchLabel<TLabel> label)
    {
        _host = host;
        _data = data;
        _options = options;
        _label = label;
        host.CheckParam(options.BatchSize > 0, nameof(options.BatchSize), "must be positive");
        host.CheckParam(options.BatchTokens is null or > 0, nameof(options.BatchTokens), "must be positive");
        host.CheckParam(options.MaxLength > 0, nameof(options.MaxLength), "must be positive");
        host.CheckParam(options.VocabularySize > 0, nameof(options.VocabularySize), "must be positive");
        host.CheckParam(options.PaddingId >= 0 && options.PaddingId < options.VocabularySize, nameof(options.PaddingId), "must be a vocabulary id");
        host.CheckParam(options.BucketFactor > 0, nameof(options.BucketFactor), "must be positive");
        host.CheckParam(options.LengthMultiple > 0, nameof(options.LengthMultiple), "must be positive");
        _poolRows = options.ShuffleBufferRows ?? 64 * options.BatchSize;
        host.CheckParam(_poolRows >= options.BatchSize, nameof(options.ShuffleBufferRows), "must hold at least one batch");
        // A window is whole batches, so only the epoch's very last batch can be short.
        _windowRows = Math.Min(options.BucketFactor, _poolRows / options.BatchSize) * options.BatchSize;

        _tokens = TokenIdColumn.Find(host, data.Schema, options.TokenColumn);
        TokenIdColumn.CheckVocabulary(host, _tokens, options.VocabularySize);
    }

    /// <summary>The token budget of a batch, or null when batches are cut by rows.</summary>
    public int? BatchTokens => _options.BatchTokens;

    /// <summary>Batch lengths are rounded up to a multiple of this.</summary>
    public int LengthMultiple => _options.LengthMultiple;

    /// <summary>The most rows ever held at once (the memory high-water mark); never above the shuffle buffer.</summary>
    public int PeakBufferedRows { get; private set; }

    /// <summary>The counts of the epoch being, or last, enumerated.</summary>
    public EpochStatistics? LastEpoch { get; private set; }

    /// <summary>Batches in epoch <paramref name="epoch"/>, counted by reading it (without tensors). Needed when batches are
    /// cut by tokens, where the count depends on the lengths.</summary>
    public long CountBatches(int epoch, CancellationToken cancellation = default)
    {
        long count = 0;
        foreach (TokenBatch<TLabel> _ in ReadEpoch(epoch, cancellation)) count++;
        return count;
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>. Throws, once the cursor is exhausted, when no row was usable.
    /// </summary>
    public IEnumerable<TokenBatch<TLabel>> ReadEpoch(int epoch, CancellationToken cancellation = default)
    {
        var stats = new EpochStatistics();
        LastEpoch = stats;
        // A source that can shuffle (a cache, a binary file) gives a full random order for free; the pool adds to it.
        Random? sourceRandom = _data.CanShuffle ? new Random(EpochSeed(epoch, 0)) : null;
        var random = new Random(EpochSeed(epoch, 1));
        var pool = new ShufflePool<PooledRow<TLabel>>(_poolRows);
        using (var source = new RowSource(this, sourceRandom))
        {
            while (Next(source, stats, cancellation) is { } row)
            {
                pool.Add(row);
                PeakBufferedRows = Math.Max(PeakBufferedRows, pool.Count);
                if (!pool.IsFull) continue;
                foreach (TokenBatch<TLabel> batch in Emit(pool.Take(_windowRows, random), random, stats)) yield return batch;
            }
        }
        while (pool.Count > 0)
            foreach (TokenBatch<TLabel> batch in Emit(pool.Take(Math.Min(_windowRows, pool.Count), random), random, stats)) yield return batch;

        if (stats.RowsUsed == 0)
            throw _host.Except($"No usable rows in column '{_tokens.Name}' of the {_options.DataName}: {stats.RowsRead} rows read" +
                string.Concat(_label.SkipReasons.Select(reason => $", {stats.SkippedByReason.GetValueOrDefault(reason)} skipped for {reason}")) + ".");
    }

    private IEnumerable<TokenBatch<TLabel>> Emit(PooledRow<TLabel>[] window, Random random, EpochStatistics stats)
    {
        var cut = new BatchCut(_options.BatchSize, _options.BatchTokens, _options.LengthMultiple, _options.MaxLength);
        foreach (TokenBatch<TLabel> batch in LengthBuckets.Cut(window, cut, _options.PaddingId, _label.Tokens, random))
        {
            stats.Batches++;
            stats.Tokens += batch.Tokens;
            stats.PaddedPositions += batch.PaddedPositions;
            yield return batch;
        }
    }

    private PooledRow<TLabel>? Next(RowSource source, EpochStatistics stats, CancellationToken cancellation)
    {
        try
        {
            return source.Next(stats, cancellation);
        }
        catch (InvalidOperationException) when (source.Shuffled)
        {
            // A shuffled cursor's Position is not the row number. Read again in data order, where the same row fails
            // with its number in the message; rethrow as is if it does not.
            using var ordered = new RowSource(this, null);
            while (ordered.Next(new EpochStatistics(), cancellation) is not null) { }
            throw;
        }
    }

    /// <summary>Seeds of an epoch's random streams: a fixed mix of (seed, epoch, stream), same in every process.</summary>
    private int EpochSeed(int epoch, int stream)
    {
        ulong z = unchecked((ulong)(uint)_options.Seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)epoch * 0xBF58476D1CE4E5B9UL + (ulong)stream + 1);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }

    /// <summary>One cursor over the token and label columns, read row by row into <see cref="PooledRow{TLabel}"/>s.</summary>
    private sealed class RowSource : IDisposable
    {
        private readonly DataViewRowCursor _cursor;
        private readonly TokenIdReader _tokens;
        private readonly RowLabel<TLabel> _label;
        private readonly long[] _scratch;

        public RowSource(TokenBatchReader<TLabel> reader, Random? random)
        {
            _cursor = reader._data.GetRowCursor([reader._tokens, .. reader._label.Columns], random);
            TokenBatchOptions options = reader._options;
            _tokens = new TokenIdReader(reader._host, _cursor, reader._tokens, options.VocabularySize, options.MaxLength, options.PaddingId,
                options.TruncateSource);
            _label = reader._label.Open(_cursor);
            _scratch = new long[options.MaxLength];
            Shuffled = random is not null;
        }

        public bool Shuffled { get; }

        /// <summary>The next usable row, or null at the end. Rows the label skips are counted by reason and their tokens
        /// not read.</summary>
        public PooledRow<TLabel>? Next(EpochStatistics stats, CancellationToken cancellation)
        {
            while (_cursor.MoveNext())
            {
                cancellation.ThrowIfCancellationRequested();
                stats.RowsRead++;
                if (_label(out TLabel label) is { } skipped)
                {
                    stats.Skip(skipped);
                    continue;
                }
                // Rows without tokens are kept: the model sees an all-padding row, as in scoring.
                int[] ids = _tokens.ReadArray(_scratch);
                if (_tokens.Truncated) stats.RowsTruncated++;
                stats.RowsUsed++;
                return new PooledRow<TLabel>(ids, label);
            }
            return null;
        }

        public void Dispose() => _cursor.Dispose();
    }
}
