using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

public class TrainingLengthTests
{
    [Theory]
    [InlineData(94, 11)]     // 3,000 rows of 32: raised to reach 1,000 steps
    [InlineData(782, 3)]     // 25,000 rows: the 3 epochs of old
    [InlineData(5_000, 3)]
    [InlineData(2, 100)]     // a tiny set: capped
    public void UnsetEpochsReachTheMinimumStepsWithinBounds(long stepsPerEpoch, int epochs)
    {
        TrainingLength length = TrainingLength.Plan(null, stepsPerEpoch);
        Assert.Equal((epochs, true), (length.Epochs, length.Chosen));
    }

    [Fact]
    public void SetEpochsAreKept()
        => Assert.Equal(new TrainingLength(1, 94, Chosen: false, TrainingDefaults.FromScratch), TrainingLength.Plan(1, 94));

    [Fact]
    public void TheDescriptionSaysTheStepsArePerEpochAndGivesTheTotal()
    {
        Assert.Equal("3 epochs × about 84 optimizer steps (252 in all)", TrainingLength.Plan(3, 84).Describe());
        Assert.StartsWith("11 epochs × about 94 optimizer steps (1034 in all; Epochs unset", TrainingLength.Plan(null, 94).Describe());
    }

    [Fact]
    public void OnlyRunsShorterThanTheMinimumWarn()
    {
        Assert.Null(TrainingLength.Plan(null, 94).ShortRunWarning());
        Assert.Null(TrainingLength.Plan(2, 500).ShortRunWarning());
        Assert.Contains("Leave Epochs unset", TrainingLength.Plan(3, 84).ShortRunWarning());
        Assert.Contains("add rows or lower BatchSize", TrainingLength.Plan(null, 2).ShortRunWarning());
    }

    [Theory]
    [InlineData(170, 3)]     // TREC's 5,452 questions at batch 32: BERT's 3 epochs
    [InlineData(10, 20)]     // 300 rows: raised towards 250 steps, capped
    [InlineData(40, 7)]
    public void FineTuningPlansFewerEpochs(long stepsPerEpoch, int epochs)
    {
        TrainingLength length = TrainingLength.Plan(null, stepsPerEpoch, TrainingDefaults.FineTuning);
        Assert.Equal((epochs, true), (length.Epochs, length.Chosen));
        Assert.Contains("fine-tuning a pretrained encoder", length.Describe());
        Assert.Null(TrainingLength.Plan(3, 170, TrainingDefaults.FineTuning).ShortRunWarning());
    }
}
