namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>Validation after each epoch: early stopping and keep-best.</summary>
public class ClassifierEarlyStoppingTests
{
    [Fact]
    public void NoImprovementForPatienceEpochsStopsTraining()
    {
        var ml = new MLContext(seed: 1);
        var options = ClassifierData.Options(epochs: 5);
        (options.LearningRate, options.WarmupSteps, options.EarlyStoppingPatience) = (1e-9, 0, 1);
        options.ValidationSet = ClassifierData.Binary(ml, 64, seed: 2);
        var log = new List<string>();
        ml.Log += (_, e) => log.Add(e.Message);

        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 64));

        Assert.Equal(2, model.TrainingHistory.Count);
        Assert.Equal([true, false], model.TrainingHistory.Select(s => s.IsBest));
        Assert.All(model.TrainingHistory, s => Assert.NotNull(s.ValidationMetric));
        Assert.Equal(model.TrainingHistory[0].ValidationMetric, model.TrainingHistory[1].ValidationMetric);
        Assert.Contains(log, m => m.Contains("Early stopping: no better validation metric for 1 epochs."));
    }

    [Fact]
    public void EarlyStoppingWithoutAValidationSetIsAnArgumentError()
    {
        var ml = new MLContext(seed: 1);
        var options = ClassifierData.Options();
        options.EarlyStoppingPatience = 2;
        var error = Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.Transformer(options));
        Assert.Contains("EarlyStoppingPatience", error.Message);
        Assert.Contains("needs a ValidationSet", error.Message);
    }

    /// <summary>Validation labels are the opposite of the training labels, so learning makes the validation metric worse:
    /// the best epoch is an early one, and keep-best must return its weights.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KeepBestModelReturnsTheBestValidationEpoch(bool keepBest)
    {
        var ml = new MLContext(seed: 1);
        IDataView inverted = ml.Data.LoadFromEnumerable(ClassifierData.TokenSevenOccurs(100, seed: 2).Select(r => new ClassifierData.BinaryRow { Tokens = r.Tokens, Label = !r.Label }));
        var options = ClassifierData.Options(epochs: 3);
        (options.ValidationSet, options.KeepBestModel, options.MixedPrecision) = (inverted, keepBest, false);

        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 300));

        IReadOnlyList<EpochSummary> history = model.TrainingHistory;
        Assert.Equal(3, history.Count);
        int best = history.Last(s => s.IsBest).Epoch;
        Assert.True(best < 3, $"precondition: validation got better until the last epoch ({string.Join(", ", history.Select(s => s.ValidationMetric))})");
        Assert.True(history[best - 1].ValidationMetric > history[2].ValidationMetric);
        double accuracy = ml.BinaryClassification.Evaluate(model.Transform(inverted)).Accuracy;
        Assert.Equal(keepBest ? history[best - 1].ValidationMetric!.Value : history[2].ValidationMetric!.Value, accuracy, 1e-9);
    }
}
