using Microsoft.ML.Transformer.Tests.LanguageModel;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>Stopping a Fit: the public way, a CancellationToken on the training options (the MLContext stays usable for
/// the next Fit), and ML.NET's internal MLContext.CancelExecution() (which poisons the context), both before the next step.</summary>
public class ClassifierCancellationTests
{
    [Fact]
    public void CancelExecutionFromProgressStopsFitAndANewContextTrains()
    {
        var ml = new MLContext(seed: 1);
        StopsAtTheFirstStepThenTrains(ml, ml.CancelExecution, CancellationToken.None, next: new MLContext(seed: 1));
    }

    [Fact]
    public void TokenStopsFitBeforeTheNextStepAndTheSameContextTrainsAgain()
    {
        var ml = new MLContext(seed: 1);
        using var cancellation = new CancellationTokenSource();
        StopsAtTheFirstStepThenTrains(ml, cancellation.Cancel, cancellation.Token, next: ml);
    }

    /// <summary>Cancels with <paramref name="cancel"/> at the first progress report and checks that no step follows, then
    /// trains one epoch with <paramref name="next"/>.</summary>
    private static void StopsAtTheFirstStepThenTrains(MLContext ml, Action cancel, CancellationToken token, MLContext next)
    {
        IDataView data = ClassifierData.Binary(ml, 128);
        var reports = new List<TrainingProgress>();
        var options = ClassifierData.Options(epochs: 3);
        options.ProgressInterval = 1;
        options.CancellationToken = token;
        options.OnProgress = p =>
        {
            reports.Add(p);
            cancel();
        };

        Assert.ThrowsAny<OperationCanceledException>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(data));
        TrainingProgress report = Assert.Single(reports);   // no step after the cancellation
        Assert.Equal((1, 3, 1L, 24L), (report.Epoch, report.Epochs, report.Step, report.TotalSteps));

        using TransformerClassifierTransformer model = next.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1)).Fit(data);
        Assert.Single(model.TrainingHistory);
        Assert.All(ClassifierData.Floats(model.Transform(data)), s => Assert.True(float.IsFinite(s)));
    }

    [Fact]
    public void TokenCancelledBeforeFitStopsWhileReadingRows()
    {
        var ml = new MLContext(seed: 1);
        var options = ClassifierData.Options(epochs: 1);
        options.CancellationToken = new CancellationToken(canceled: true);
        bool stepped = false;
        options.OnProgress = _ => stepped = true;
        options.ProgressInterval = 1;
        Assert.ThrowsAny<OperationCanceledException>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 64)));
        Assert.False(stepped);
    }

    [Fact]
    public void TokenStopsValidation()
    {
        var ml = new MLContext(seed: 1);
        using var cancellation = new CancellationTokenSource();
        var options = ClassifierData.Options(epochs: 2);
        options.ValidationSet = ClassifierData.Binary(ml, 32, seed: 2);
        options.CancellationToken = cancellation.Token;
        options.ProgressInterval = 1;
        bool epochEnded = false;
        options.OnProgress = p => { if (p.Step == p.TotalSteps / 2) cancellation.Cancel(); };   // the last step of epoch 1
        options.OnEpochEnd = _ => epochEnded = true;
        Assert.ThrowsAny<OperationCanceledException>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 64)));
        Assert.False(epochEnded);   // the validation that follows the last step did not finish
    }

    [Fact]
    public void TokenStopsTokenizerFit()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(LanguageModelData.Rhymes(50, seed: 1));
        var estimator = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1 });
        Assert.ThrowsAny<OperationCanceledException>(() => estimator.Fit(data, new CancellationToken(canceled: true)));
        Assert.NotNull(estimator.Fit(data, CancellationToken.None));
    }
}
