using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>Checkpoint averaging (<see cref="TransformerTrainingOptions.AverageLastEpochs"/>): the fitted weights are the
/// mean of the last epochs' weights, also across a resumed run.</summary>
[Collection(SerialTraining.Name)]
public class WeightAverageTests
{
    [Fact]
    public void MeanAveragesFloatsAndKeepsTheLastIntegers()
    {
        List<TensorData> State(float a, float b, int step) =>
            [TensorData.FromSingle("w", [a, b], 2), TensorData.FromInt32("steps", [step], 1)];

        List<TensorData> mean = WeightAverage.Mean([State(1, -2, 1), State(2, 0, 2), State(6, 5, 3)]);

        Assert.Equal([3f, 1f], mean[0].ToSingleArray());
        Assert.Equal([3], mean[1].ToInt32Array());
        Assert.Equal(["w", "steps"], mean.Select(t => t.Name));
        Assert.Contains("differ at entry 0", Assert.Throws<ArgumentException>(() =>
            WeightAverage.Mean([State(1, 2, 1), [TensorData.FromSingle("v", [1f, 2f], 2), TensorData.FromInt32("steps", [1], 1)]])).Message);
    }

    /// <summary>With a constant learning rate, a run of k epochs ends with the weights the longer run has after its epoch k,
    /// so averaging the last 3 of 3 epochs must give the mean of the 1-, 2- and 3-epoch runs' weights.</summary>
    [Fact]
    public void AveragedRunEqualsTheMeanOfItsEpochsWeights()
    {
        IDataView data = ClassifierData.Binary(new MLContext(seed: 1), 96);
        float[][] epochEnds = [.. new[] { 1, 2, 3 }.Select(epochs => Weights(Fit(data, Options(epochs, average: 1))))];
        float[] expected = [.. Enumerable.Range(0, epochEnds[0].Length).Select(i => (float)((epochEnds[0][i] + (double)epochEnds[1][i] + epochEnds[2][i]) / 3))];

        var log = new List<string>();
        var ml = new MLContext(seed: 1);
        ml.Log += (_, e) => log.Add(e.Message);
        float[] averaged = Weights(Fit(data, Options(3, average: 3), ml));

        Assert.NotEqual(epochEnds[2], averaged);
        Assert.Equal(expected.Length, averaged.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], averaged[i], 1e-6f);
        Assert.Contains(log, m => m.Contains("Averaged the weights of epochs 1–3 (AverageLastEpochs = 3)"));
    }

    [Fact]
    public void InterruptedAveragedRunResumesToTheSameWeights()
    {
        using var temp = new ClassifierData.TempDirectory();
        IDataView data = ClassifierData.Binary(new MLContext(seed: 1), 96);
        float[] uninterrupted = Weights(Fit(data, Options(4, average: 3)));

        var interrupted = new MLContext(seed: 1);
        var options = Options(4, average: 3);
        options.CheckpointDirectory = temp.Path;
        options.OnEpochEnd = s => { if (s.Epoch == 3) interrupted.CancelExecution(); };
        Assert.Throws<OperationCanceledException>(() => interrupted.BinaryClassification.Trainers.Transformer(options).Fit(data));
        Assert.Equal(3, Directory.EnumerateFiles(temp.Path, "average*-epoch3.safetensors").Count());

        options = Options(4, average: 3);
        options.CheckpointDirectory = temp.Path;
        Assert.Equal(uninterrupted, Weights(Fit(data, options)));
    }

    [Fact]
    public void AverageLastEpochsMustBePositive()
    {
        var options = Options(2, average: 0);
        var error = Assert.ThrowsAny<ArgumentException>(() => new MLContext().BinaryClassification.Trainers.Transformer(options));
        Assert.Contains("AverageLastEpochs", error.Message);
        Assert.Contains("must be positive (1: no averaging)", error.Message);
    }

    private static TransformerClassifierOptions Options(int epochs, int average)
    {
        var options = ClassifierData.Options(epochs);
        options.Schedule = LearningRateSchedule.Constant;
        options.WarmupSteps = 0;
        options.Shape.Dropout = 0.1;   // each epoch's dropout masks must not depend on the run's length
        options.AverageLastEpochs = average;
        return options;
    }

    private static TransformerClassifierTransformer Fit(IDataView data, TransformerClassifierOptions options, MLContext? ml = null)
        => (ml ?? new MLContext(seed: 1)).BinaryClassification.Trainers.Transformer(options).Fit(data);

    private static float[] Weights(TransformerClassifierTransformer model)
    {
        using (model)
            return [.. ModuleState.Export(model.Model).Where(t => t.DType == TensorDType.F32).SelectMany(t => t.ToSingleArray())];
    }
}
