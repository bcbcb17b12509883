namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>MLContext.CancelExecution() stops training before the next step.</summary>
public class ClassifierCancellationTests
{
    [Fact]
    public void CancelExecutionFromProgressStopsFitAndANewContextTrains()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ClassifierData.Binary(ml, 128);
        var reports = new List<TrainingProgress>();
        var options = ClassifierData.Options(epochs: 3);
        options.ProgressInterval = 1;
        options.OnProgress = p =>
        {
            reports.Add(p);
            ml.CancelExecution();
        };

        Assert.Throws<OperationCanceledException>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(data));
        TrainingProgress report = Assert.Single(reports);   // no step after the cancellation
        Assert.Equal((1, 3, 1L, 24L), (report.Epoch, report.Epochs, report.Step, report.TotalSteps));

        var fresh = new MLContext(seed: 1);
        using TransformerClassifierTransformer model = fresh.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1)).Fit(data);
        Assert.Single(model.TrainingHistory);
        Assert.All(ClassifierData.Floats(model.Transform(data)), s => Assert.True(float.IsFinite(s)));
    }
}
