using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Threading;

/// <summary>A PredictionEngine is not thread-safe: shared by several threads it gave wrong scores silently. Our mapper
/// detects concurrent use and throws, and use from one thread at a time (whichever) stays fine.</summary>
public class SharedPredictionEngineTests
{
    public sealed class ScoreRow
    {
        public float Score { get; set; }
    }

    private static (MLContext Ml, TransformerClassifierTransformer Model) Train()
    {
        var ml = new MLContext(seed: 1);
        return (ml, ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1)).Fit(ClassifierData.Binary(ml, 64)));
    }

    [Fact]
    public void EngineSharedByFourThreadsThrowsInsteadOfScoringWrong()
    {
        var (ml, model) = Train();
        using var _ = model;
        var engine = ml.Model.CreatePredictionEngine<ClassifierData.BinaryRow, ScoreRow>(model);
        ClassifierData.BinaryRow[] rows = ClassifierData.TokenSevenOccurs(200, seed: 5);
        float[] expected = [.. rows.Select(r => engine.Predict(r).Score)];

        using var start = new Barrier(4);
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        int wrong = 0;
        Thread[] threads = [.. Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                for (int i = 0; i < rows.Length; i++)
                    if (engine.Predict(rows[i]).Score != expected[i]) Interlocked.Increment(ref wrong);
            }
            catch (Exception e) { errors.Add(e); }
        }))];
        foreach (Thread t in threads) t.Start();
        foreach (Thread t in threads) t.Join();

        Exception? error = errors.Select(ClassifierData.Innermost).OfType<InvalidOperationException>().FirstOrDefault();
        Assert.True(error is not null, $"No InvalidOperationException; {wrong} of {4 * rows.Length} scores were wrong, other errors: " +
            string.Join("; ", errors.Select(e => e.GetType().Name)));
        Assert.Contains("one PredictionEngine per thread", error.Message);
    }

    [Fact]
    public void EngineUsedByOneThreadAtATimeScoresRight()
    {
        var (ml, model) = Train();
        using var _ = model;
        var engine = ml.Model.CreatePredictionEngine<ClassifierData.BinaryRow, ScoreRow>(model);
        ClassifierData.BinaryRow[] rows = ClassifierData.TokenSevenOccurs(20, seed: 5);
        float[] expected = [.. rows.Select(r => engine.Predict(r).Score)];
        var gate = new object();
        float[] actual = new float[rows.Length];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            lock (gate) actual[i] = engine.Predict(rows[i]).Score;
        });
        Assert.Equal(expected, actual);
    }
}
