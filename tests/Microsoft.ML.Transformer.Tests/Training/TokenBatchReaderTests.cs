using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Training;
using static Microsoft.ML.Transformer.Tests.Training.BatchData;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>How the reader batches: coverage, determinism, batch sizes, bucketing and its memory bound.</summary>
public class TokenBatchReaderTests
{
    /// <summary>A streamed view cannot shuffle; a cached one can, and the reader then uses its random order too.</summary>
    private static IDataView Data(MLContext ml, IdRow[] rows, bool cached)
    {
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        return cached ? ml.Data.Cache(data) : data;
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 3)]
    [InlineData(true, 0)]
    [InlineData(true, 3)]
    public void EveryRowAppearsExactlyOncePerEpoch(bool cached, int epoch)
    {
        var ml = new MLContext(seed: 1);
        IdRow[] rows = MixedLengths(203);
        var reader = Reader(ml, Data(ml, rows, cached));

        Assert.Equal(Expected(rows).Order(), Rows(reader.ReadEpoch(epoch, Cancellation)).Order());
        EpochStatistics stats = reader.LastEpoch!;
        Assert.Equal((203, 203, 0), (stats.RowsRead, stats.RowsUsed, stats.RowsSkipped));
        Assert.Equal(rows.Sum(row => row.Tokens.Length), stats.Tokens);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SameSeedAndEpochGiveTheSameBatchesAndOtherEpochsOrSeedsDoNot(bool cached)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Data(ml, MixedLengths(203), cached);
        List<string> Epoch(int seed, int epoch) => Rows(Reader(ml, data, Options() with { Seed = seed }).ReadEpoch(epoch, Cancellation));

        Assert.Equal(Epoch(5, 2), Epoch(5, 2));
        Assert.NotEqual(Epoch(5, 2), Epoch(5, 3));
        Assert.NotEqual(Epoch(5, 2), Epoch(6, 2));
    }

    [Fact]
    public void OnlyTheEpochsLastBatchIsShort()
    {
        var ml = new MLContext(seed: 1);
        var reader = Reader(ml, ml.Data.LoadFromEnumerable(MixedLengths(203)));

        int[] sizes = [.. reader.ReadEpoch(0, Cancellation).Select(batch => batch.Count)];
        Assert.Equal(26, sizes.Length);                        // ⌈203 / 8⌉
        Assert.All(sizes[..^1], size => Assert.Equal(8, size));
        Assert.Equal(203 % 8, sizes[^1]);
    }

    [Theory]
    [InlineData(60, 8)]
    [InlineData(60, 3)]
    [InlineData(1, 8)]      // every row over the budget: one row per batch
    public void BatchesByTokensKeepTheBudgetAndTheRowCapAndEveryRow(int budget, int rowCap)
    {
        var ml = new MLContext(seed: 1);
        IdRow[] rows = MixedLengths(203);
        var reader = Reader(ml, ml.Data.LoadFromEnumerable(rows), Options() with { BatchTokens = budget, BatchSize = rowCap });

        List<TokenBatch<long>> batches = [.. reader.ReadEpoch(1, Cancellation)];
        Assert.All(batches, batch => Assert.True(batch.Count == 1 || batch.Count * batch.Length <= budget,
            $"{batch.Count} rows × {batch.Length} positions > {budget}"));
        Assert.All(batches, batch => Assert.InRange(batch.Count, 1, rowCap));
        Assert.Equal(Expected(rows).Order(), Rows(batches).Order());
        Assert.Equal(batches.Count, reader.CountBatches(1, Cancellation));
        if (budget == 60 && rowCap == 8)   // short rows fill the budget with more rows than long ones, up to the cap
            Assert.True(batches.Count(batch => batch.Count == 8) > 0 && batches.Count(batch => batch.Length > 15 && batch.Count < 4) > 0);
    }

    [Fact]
    public void BatchLengthsAreRoundedUpToTheMultipleButNeverBeyondMaxLength()
    {
        var ml = new MLContext(seed: 1);
        var reader = Reader(ml, ml.Data.LoadFromEnumerable(MixedLengths(203)), Options() with { LengthMultiple = 12 });
        foreach (TokenBatch<long> batch in reader.ReadEpoch(0, Cancellation))
        {
            int longest = Math.Max(batch.Lengths.Max(), 1);
            Assert.Equal(Math.Min((longest + 11) / 12 * 12, MaxLength), batch.Length);   // 25 → 32 (max_len), not 36
        }
    }

    [Fact]
    public void BucketingByLengthCutsPadding()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(MixedLengths(400));
        double Padding(int factor)
        {
            var reader = Reader(ml, data, Options() with { BucketFactor = factor, ShuffleBufferRows = 128 });
            _ = reader.ReadEpoch(0, Cancellation).Count();
            return reader.LastEpoch!.PaddingFraction;
        }

        double random = Padding(1), bucketed = Padding(16);
        Assert.True(bucketed < random / 3, $"padding {bucketed:P1} bucketed vs {random:P1} without");
    }

    [Fact]
    public void HoldsNoMoreRowsThanTheShuffleBufferAndStreams()
    {
        var ml = new MLContext(seed: 1);
        var reader = Reader(ml, ml.Data.LoadFromEnumerable(MixedLengths(2000)), Options() with { ShuffleBufferRows = 40 });

        using (IEnumerator<TokenBatch<long>> batches = reader.ReadEpoch(0, Cancellation).GetEnumerator())
        {
            Assert.True(batches.MoveNext());
            Assert.Equal(40, reader.LastEpoch!.RowsRead);      // the first batch needs one full pool, not the data
            while (batches.MoveNext()) { }
        }
        Assert.Equal(2000, reader.LastEpoch!.RowsUsed);
        Assert.Equal(40, reader.PeakBufferedRows);
    }

    [Fact]
    public void BatchesBecomeInt64TensorsOfIdsAndLabels()
    {
        var ml = new MLContext(seed: 1);
        var reader = Reader(ml, ml.Data.LoadFromEnumerable(MixedLengths(20)));
        TokenBatch<long> batch = reader.ReadEpoch(0, Cancellation).First();

        using var ids = batch.IdsTensor(TorchSharp.torch.CPU);
        using var labels = ClassLabel.Tensor(batch, TorchSharp.torch.CPU);
        Assert.Equal([batch.Count, batch.Length], ids.shape);
        Assert.Equal(batch.Ids, ids.data<long>().ToArray());
        Assert.Equal(batch.Labels, labels.data<long>().ToArray());
    }
}
