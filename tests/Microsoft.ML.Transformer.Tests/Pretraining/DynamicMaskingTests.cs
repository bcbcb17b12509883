using Microsoft.ML.Transformer.Pretraining;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>BERT's masking: 15 % of the ordinary tokens chosen, of them 80 % [MASK], 10 % random, 10 % kept; special
/// tokens never; the same draws for the same seed, epoch and batch, others for another epoch.</summary>
public class DynamicMaskingTests
{
    private static TextTokenizer Words(int count)
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { new PretrainingData.Document { Text = string.Join(' ', Enumerable.Range(0, count).Select(i => $"w{i}")) } };
        return ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1 })
            .Fit(ml.Data.LoadFromEnumerable(rows)).Tokenizer;
    }

    /// <summary>[CLS], then ordinary tokens with a [SEP] every 10.</summary>
    private static long[] Sequence(TextTokenizer tokenizer, int length)
        => [.. Enumerable.Range(0, length).Select(i => i == 0 ? SpecialTokens.Classification : i % 10 == 0 ? SpecialTokens.Separator
            : SpecialTokens.Count + (long)(i * 7 % (tokenizer.VocabularySize - SpecialTokens.Count)))];

    private static (long[] Inputs, long[] Labels, int Chosen) Mask(DynamicMasking masking, long[] sequence, int epoch, int batch)
    {
        var (inputs, labels) = (new long[sequence.Length], new long[sequence.Length]);
        int chosen = masking.Apply(sequence, inputs, labels, masking.RandomFor(epoch, batch));
        return (inputs, labels, chosen);
    }

    [Fact]
    public void ChoosesFifteenPercentAndReplacesEightyTenTen()
    {
        TextTokenizer tokenizer = Words(200);
        var masking = new DynamicMasking(tokenizer, 0.15, 0.8, 0.1, seed: 3);
        long[] sequence = Sequence(tokenizer, 100_000);
        var (inputs, labels, chosen) = Mask(masking, sequence, epoch: 0, batch: 0);

        int ordinary = sequence.Count(id => !SpecialTokens.IsSpecial((int)id));
        int[] positions = [.. Enumerable.Range(0, sequence.Length).Where(i => labels[i] != VocabularyLoss.Ignored)];
        Assert.Equal(chosen, positions.Length);
        Assert.InRange(chosen / (double)ordinary, 0.145, 0.155);
        Assert.All(positions, i => Assert.Equal(sequence[i], labels[i]));
        Assert.All(positions, i => Assert.False(SpecialTokens.IsSpecial((int)sequence[i])));        // [CLS] and [SEP] never chosen
        double masked = positions.Count(i => inputs[i] == SpecialTokens.Mask) / (double)chosen;
        double kept = positions.Count(i => inputs[i] == sequence[i]) / (double)chosen;
        double replaced = positions.Count(i => inputs[i] != sequence[i] && inputs[i] != SpecialTokens.Mask) / (double)chosen;
        Assert.InRange(masked, 0.78, 0.82);
        Assert.InRange(kept, 0.085, 0.115);           // 10 %, plus the rare random draw of the same token
        Assert.InRange(replaced, 0.085, 0.115);
        Assert.All(positions.Where(i => inputs[i] != sequence[i] && inputs[i] != SpecialTokens.Mask),
            i => Assert.False(SpecialTokens.IsSpecial((int)inputs[i])));                         // random tokens are ordinary
        Assert.All(Enumerable.Range(0, sequence.Length).Where(i => labels[i] == VocabularyLoss.Ignored), i => Assert.Equal(sequence[i], inputs[i]));
    }

    [Fact]
    public void SameSeedEpochAndBatchGiveTheSameMasksAndAnotherEpochOthers()
    {
        TextTokenizer tokenizer = Words(50);
        long[] sequence = Sequence(tokenizer, 500);
        var first = Mask(new DynamicMasking(tokenizer, 0.15, 0.8, 0.1, seed: 3), sequence, epoch: 2, batch: 5);
        var again = Mask(new DynamicMasking(tokenizer, 0.15, 0.8, 0.1, seed: 3), sequence, epoch: 2, batch: 5);
        var nextEpoch = Mask(new DynamicMasking(tokenizer, 0.15, 0.8, 0.1, seed: 3), sequence, epoch: 3, batch: 5);
        var otherSeed = Mask(new DynamicMasking(tokenizer, 0.15, 0.8, 0.1, seed: 4), sequence, epoch: 2, batch: 5);
        Assert.Equal(first.Inputs, again.Inputs);
        Assert.Equal(first.Labels, again.Labels);
        Assert.NotEqual(first.Labels, nextEpoch.Labels);
        Assert.NotEqual(first.Labels, otherSeed.Labels);
    }

    [Fact]
    public void ASequenceWithoutAChosenTokenGetsOne()
    {
        TextTokenizer tokenizer = Words(20);
        var masking = new DynamicMasking(tokenizer, 0.15, 0.8, 0.1, seed: 3);
        long[] sequence = [SpecialTokens.Classification, SpecialTokens.Count + 2, SpecialTokens.Separator];
        for (int batch = 0; batch < 50; batch++)
        {
            var (_, labels, chosen) = Mask(masking, sequence, epoch: 0, batch);
            Assert.Equal(1, chosen);
            Assert.Equal([VocabularyLoss.Ignored, SpecialTokens.Count + 2, VocabularyLoss.Ignored], labels);
        }
    }
}
