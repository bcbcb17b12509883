namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>A checkpoint per epoch: an interrupted run resumes where it stopped and ends exactly as an uninterrupted one.</summary>
[Collection(SerialTraining.Name)]
public class ClassifierCheckpointTests
{
    private static TransformerClassifierOptions Options(string directory, Action<EpochSummary>? onEpochEnd = null)
    {
        var options = ClassifierData.Options(epochs: 3);
        options.Shape.Dropout = 0.1;   // the dropout stream must resume too
        options.CheckpointDirectory = directory;
        options.OnEpochEnd = onEpochEnd;
        return options;
    }

    private static float[] FitAndScore(MLContext ml, TransformerClassifierOptions options, IDataView data, out IReadOnlyList<EpochSummary> history)
    {
        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(data);
        history = model.TrainingHistory;
        return ClassifierData.Floats(model.Transform(data));
    }

    [Fact]
    public void InterruptedRunResumesToTheSameModel()
    {
        using var temp = new ClassifierData.TempDirectory();
        IDataView data = ClassifierData.Binary(new MLContext(seed: 1), 128);
        float[] uninterrupted = FitAndScore(new MLContext(seed: 1), Options(temp.Sub("a")), data, out var historyA);

        var interrupted = new MLContext(seed: 1);
        Assert.Throws<OperationCanceledException>(() => interrupted.BinaryClassification.Trainers
            .Transformer(Options(temp.Sub("b"), _ => interrupted.CancelExecution())).Fit(data));
        Assert.True(File.Exists(Path.Combine(temp.Sub("b"), "checkpoint.json")));

        var resumedEpochs = new List<int>();
        var resumed = new MLContext(seed: 1);
        var log = new List<string>();
        resumed.Log += (_, e) => log.Add(e.Message);
        float[] scores = FitAndScore(resumed, Options(temp.Sub("b"), s => resumedEpochs.Add(s.Epoch)), data, out var history);

        Assert.Equal([2, 3], resumedEpochs);   // epoch 1 came from the checkpoint
        Assert.Contains(log, m => m.Contains("Resuming from the checkpoint") && m.Contains("after epoch 1"));
        Assert.Equal(uninterrupted, scores);
        Assert.Equal([1, 2, 3], history.Select(s => s.Epoch));
        Assert.Equal(historyA.Select(s => s.TrainingLoss), history.Select(s => s.TrainingLoss));

        // A finished run's checkpoint gives the finished model without training again.
        resumedEpochs.Clear();
        Assert.Equal(uninterrupted, FitAndScore(new MLContext(seed: 1), Options(temp.Sub("b"), s => resumedEpochs.Add(s.Epoch)), data, out _));
        Assert.Empty(resumedEpochs);
    }

    [Fact]
    public void CheckpointOfAnotherRunIsAClearError()
    {
        using var temp = new ClassifierData.TempDirectory();
        var ml = new MLContext(seed: 1);
        IDataView data = ClassifierData.Binary(ml, 32);
        var options = Options(temp.Path);
        options.Epochs = 1;
        ml.BinaryClassification.Trainers.Transformer(options).Fit(data).Dispose();

        options.Shape.ModelDimension = 16;
        var error = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(data));
        Assert.Contains($"The checkpoint folder '{temp.Path}' holds a different training run", error.Message);
        Assert.Contains("Use another CheckpointDirectory, or delete this one", error.Message);
    }
}
