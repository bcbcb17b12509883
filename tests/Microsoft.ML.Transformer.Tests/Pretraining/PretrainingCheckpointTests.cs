using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>A seed fixes the encoder, and a checkpoint per epoch lets pretraining interrupted after an epoch resume to
/// the same encoder as an uninterrupted run (the masks and ELECTRA's replacements depend on the seed, the epoch and the
/// batch only, the dropout stream is reseeded per epoch), for either objective.</summary>
[Collection(SerialTraining.Name)]
public class PretrainingCheckpointTests
{
    private static EncoderPretrainingOptions Options(PretrainingObjective objective, string? directory = null, Action<EpochSummary>? onEpochEnd = null)
    {
        EncoderPretrainingOptions options = PretrainingData.Options(epochs: 2);
        options.Objective = objective;
        options.Shape.Dropout = 0.1;   // the dropout stream must resume too
        options.CheckpointDirectory = directory;
        options.OnEpochEnd = onEpochEnd;
        return options;
    }

    private static float[][] PretrainAndEncode(MLContext ml, EncoderPretrainingOptions options, IDataView text, out IReadOnlyList<EpochSummary> history)
    {
        using PretrainedEncoderTransformer encoder = ml.Transforms.Text.PretrainEncoder("Features", "Text", options).Fit(text);
        history = encoder.TrainingHistory;
        return ClassifierData.Vectors(encoder.Transform(text), "Features");
    }

    [Theory]
    [InlineData(PretrainingObjective.MaskedLanguageModel)]
    [InlineData(PretrainingObjective.ReplacedTokenDetection)]
    public void InterruptedPretrainingResumesToTheSameEncoder(PretrainingObjective objective)
    {
        using var temp = new ClassifierData.TempDirectory();
        IDataView text = PretrainingData.View(new MLContext(seed: 1), PretrainingData.Topics(60));
        float[][] uninterrupted = PretrainAndEncode(new MLContext(seed: 1), Options(objective, temp.Sub("a")), text, out var historyA);

        var interrupted = new MLContext(seed: 1);
        Assert.Throws<OperationCanceledException>(() => interrupted.Transforms.Text
            .PretrainEncoder("Features", "Text", Options(objective, temp.Sub("b"), _ => interrupted.CancelExecution())).Fit(text));
        Assert.True(File.Exists(Path.Combine(temp.Sub("b"), "checkpoint.json")));

        var resumedEpochs = new List<int>();
        float[][] resumed = PretrainAndEncode(new MLContext(seed: 1), Options(objective, temp.Sub("b"), s => resumedEpochs.Add(s.Epoch)), text, out var history);
        Assert.Equal([2], resumedEpochs);   // epoch 1 came from the checkpoint
        Assert.Equal(uninterrupted, resumed);
        Assert.Equal(historyA.Select(s => (s.TrainingLoss, s.ValidationLoss)), history.Select(s => (s.TrainingLoss, s.ValidationLoss)));
        Assert.Equal(historyA.Select(s => s.ValidationDetails), history.Select(s => s.ValidationDetails));
    }

    [Theory]
    [InlineData(PretrainingObjective.MaskedLanguageModel)]
    [InlineData(PretrainingObjective.ReplacedTokenDetection)]
    public void TheSameSeedGivesTheSameEncoderAndAnotherSeedAnother(PretrainingObjective objective)
    {
        IDataView text = PretrainingData.View(new MLContext(seed: 1), PretrainingData.Pairs(60));
        float[][] first = PretrainAndEncode(new MLContext(seed: 1), Options(objective), text, out var historyFirst);
        float[][] again = PretrainAndEncode(new MLContext(seed: 2), Options(objective), text, out var historyAgain);   // the options' seed decides
        EncoderPretrainingOptions otherSeed = Options(objective);
        otherSeed.Seed = 6;
        float[][] other = PretrainAndEncode(new MLContext(seed: 1), otherSeed, text, out _);
        Assert.Equal(first, again);
        Assert.Equal(historyFirst.Select(s => s.TrainingLoss), historyAgain.Select(s => s.TrainingLoss));
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void TimeLimitEndsTheRunWithTheEncoderSoFar()
    {
        var ml = new MLContext(seed: 1);
        EncoderPretrainingOptions options = PretrainingData.Options(epochs: 100_000);   // far more than a second holds
        options.TimeLimit = TimeSpan.FromSeconds(1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using PretrainedEncoderTransformer encoder = ml.Transforms.Text.PretrainEncoder("Features", "Text", options).Fit(PretrainingData.View(ml, PretrainingData.Topics(60)));
        Assert.InRange(encoder.TrainingHistory.Count, 1, 99_999);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(40), $"{clock.Elapsed}");
    }
}
