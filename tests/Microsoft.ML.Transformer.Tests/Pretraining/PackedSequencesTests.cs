using Microsoft.ML.Transformer.Pretraining;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>Packing: full sequences of [CLS] and the stream's next tokens across documents ([SEP] between them), long
/// documents split over several sequences rather than dropped, every epoch cut and masked anew.</summary>
public class PackedSequencesTests
{
    private static readonly TextTokenizer Tokenizer = new MLContext(seed: 1).Transforms.Text
        .TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1 })
        .Fit(new MLContext(seed: 1).Data.LoadFromEnumerable(PretrainingData.Pairs(30))).Tokenizer;

    /// <summary>[SEP] before each document: a short one (3 tokens) and one longer (25) than a sequence.</summary>
    private static readonly int[] Stream = [SpecialTokens.Separator, 10, 11, 12, SpecialTokens.Separator, .. Enumerable.Range(20, 25)];

    private static PackedSequences Packed(int seed = 1) => new(Stream, length: 8, SpecialTokens.Classification, batchSize: 2,
        new DynamicMasking(Tokenizer, 0.15, 0.8, 0.1, seed), seed);

    /// <summary>The original tokens of a batch's rows: labels where masked, inputs elsewhere.</summary>
    private static long[][] Originals(MaskedBatch batch) => [.. Enumerable.Range(0, batch.Rows).Select(r => Enumerable.Range(r * batch.Length, batch.Length)
        .Select(i => batch.Labels[i] == VocabularyLoss.Ignored ? batch.Inputs[i] : batch.Labels[i]).ToArray())];

    [Fact]
    public void SequencesAreFullAndSplitLongDocumentsAcrossSequences()
    {
        long[][] rows = [.. Packed().Batches(0, shuffle: false).SelectMany(Originals)];
        // 30 tokens, 7 after each [CLS]: 4 sequences; the last 2 tokens wait for an epoch with another offset
        Assert.Equal(4, rows.Length);
        Assert.All(rows, row => Assert.Equal(8, row.Length));
        Assert.All(rows, row => Assert.Equal(SpecialTokens.Classification, row[0]));
        Assert.All(rows, row => Assert.DoesNotContain((long)SpecialTokens.Pad, row));
        Assert.Equal(Stream.Take(28).Select(id => (long)id), rows.SelectMany(row => row.Skip(1)));   // in order, nothing dropped between
        Assert.Equal([SpecialTokens.Separator, 10, 11, 12, SpecialTokens.Separator, 20, 21], rows[0][1..]);   // two documents in one sequence
    }

    [Fact]
    public void EpochsShuffleCutAndMaskAnewButTheSameWayForTheSameSeed()
    {
        long[][] Inputs(PackedSequences packed, int epoch) => [.. packed.Batches(epoch).SelectMany(b => b.Inputs.Chunk(b.Length))];
        Assert.Equal(Inputs(Packed(), 1), Inputs(Packed(), 1));
        Assert.NotEqual(Inputs(Packed(), 1), Inputs(Packed(), 2));
        Assert.All(Packed().Batches(1), batch => Assert.True(batch.Masked >= batch.Rows));   // at least one chosen token a sequence
    }
}
