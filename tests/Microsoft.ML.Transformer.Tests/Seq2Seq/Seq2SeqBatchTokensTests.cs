using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Seq2Seq;

/// <summary>Batching by tokens: the token budget and the row cap set the batches, and the schedule is planned on the
/// batches the epoch really has.</summary>
[Collection(SerialTraining.Name)]
public class Seq2SeqBatchTokensTests
{
    /// <summary>Optimizer steps planned and done in one epoch over 256 copy pairs (3–7 letters a side).</summary>
    private static (long Planned, long Done) Steps(int batchTokens, int batchSize)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(256, seed: 3, reverse: false));
        SequenceToSequenceOptions options = Seq2SeqData.Options(epochs: 1);
        (options.BatchTokens, options.BatchSize, options.ProgressInterval) = (batchTokens, batchSize, 1);
        var reports = new List<TrainingProgress>();
        options.OnProgress = reports.Add;
        using SequenceToSequenceTransformer model = Seq2SeqData.Fit(ml, data, options).LastTransformer;
        Assert.All(reports, r => Assert.Equal(reports[0].TotalSteps, r.TotalSteps));
        return (reports[0].TotalSteps, reports[^1].Step);
    }

    [Fact]
    public void TheTokenBudgetSetsTheBatches()
    {
        // Each pair has 6–14 positions (source + target), so a 96-position budget holds 6–16 pairs: 16–43 batches.
        var (planned, done) = Steps(batchTokens: 96, batchSize: 64);
        Assert.Equal(planned, done);
        Assert.InRange(done, 16, 43 + 16);   // + at most one part-filled batch per sorting window
    }

    [Fact]
    public void TheRowCapStillHolds()
    {
        var (planned, done) = Steps(batchTokens: 100_000, batchSize: 8);
        Assert.Equal((32L, 32L), (planned, done));   // 256 / 8: the budget never binds
    }

    [Fact]
    public void ANonPositiveBudgetIsRejected()
    {
        var ml = new MLContext(seed: 1);
        SequenceToSequenceOptions options = Seq2SeqData.Options();
        options.BatchTokens = 0;
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target", options));
        Assert.Contains("BatchTokens", e.Message);
    }
}
