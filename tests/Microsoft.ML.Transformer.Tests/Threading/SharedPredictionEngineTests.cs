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

    /// <summary>A small trained model, an engine over it, rows and their scores predicted one after another.</summary>
    private static (TransformerClassifierTransformer Model, PredictionEngine<ClassifierData.BinaryRow, ScoreRow> Engine,
        ClassifierData.BinaryRow[] Rows, float[] Expected) EngineAndScores(int rows)
    {
        var ml = new MLContext(seed: 1);
        TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1))
            .Fit(ClassifierData.Binary(ml, 64));
        var engine = ml.Model.CreatePredictionEngine<ClassifierData.BinaryRow, ScoreRow>(model);
        ClassifierData.BinaryRow[] input = ClassifierData.TokenSevenOccurs(rows, seed: 5);
        return (model, engine, input, [.. input.Select(r => engine.Predict(r).Score)]);
    }

    [Fact]
    public void EngineSharedByFourThreadsThrowsInsteadOfScoringWrong()
    {
        var (model, engine, rows, expected) = EngineAndScores(200);
        using var _ = model;

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
        var (model, engine, rows, expected) = EngineAndScores(20);
        using var _ = model;
        var gate = new object();
        float[] actual = new float[rows.Length];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            lock (gate) actual[i] = engine.Predict(rows[i]).Score;
        });
        Assert.Equal(expected, actual);
    }
}
