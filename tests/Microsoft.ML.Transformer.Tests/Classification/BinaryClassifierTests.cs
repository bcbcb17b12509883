using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Tests.Classification;

public class BinaryClassifierTests
{
    [Fact]
    public void LearnsWhetherTokenSevenOccurs()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(ClassifierData.TokenSevenOccurs(600, seed: 1));
        IDataView test = ml.Data.LoadFromEnumerable(ClassifierData.TokenSevenOccurs(300, seed: 2));

        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options()).Fit(train);
        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(model.Transform(test));

        Assert.True(metrics.Accuracy > 0.95, $"accuracy {metrics.Accuracy:F3}");
        Assert.True(metrics.AreaUnderRocCurve > 0.98, $"AUC {metrics.AreaUnderRocCurve:F3}");
        Assert.Equal(4, model.TrainingHistory.Count);
        Assert.True(model.TrainingHistory[^1].TrainingLoss < model.TrainingHistory[0].TrainingLoss);
    }
}
