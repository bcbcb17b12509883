using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Threading;

/// <summary>Dropout masks come from libtorch's process-wide generator: two Fits at once must still give the models they
/// give one after the other (the library runs them one at a time).</summary>
[Collection(SerialTraining.Name)]
public class ConcurrentFitTests
{
    private static float[] FitAndScore(MLContext ml, int seed, Barrier? start = null)
    {
        IDataView data = ClassifierData.Binary(ml, 96);
        var options = ClassifierData.Options(epochs: 2);
        options.Shape.Dropout = 0.3;
        options.Seed = seed;
        start?.SignalAndWait();
        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(data);
        return ClassifierData.Floats(model.Transform(data));
    }

    [Fact]
    public async Task TwoFitsAtOnceGiveTheModelsOfTwoFitsInTurn()
    {
        float[] a = FitAndScore(new MLContext(seed: 1), 21), b = FitAndScore(new MLContext(seed: 1), 22);
        using var start = new Barrier(2);
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        MLContext WithLog()
        {
            var ml = new MLContext(seed: 1);
            ml.Log += (_, e) => logs.Enqueue(e.Message);
            return ml;
        }
        MLContext mlA = WithLog(), mlB = WithLog();
        Task<float[]> concurrentA = Task.Factory.StartNew(() => FitAndScore(mlA, 21, start), TaskCreationOptions.LongRunning);
        Task<float[]> concurrentB = Task.Factory.StartNew(() => FitAndScore(mlB, 22, start), TaskCreationOptions.LongRunning);
        Assert.Equal(a, await concurrentA);
        Assert.Equal(b, await concurrentB);
        Assert.Contains(logs, m => m.Contains("waits for another Fit"));
    }
}
