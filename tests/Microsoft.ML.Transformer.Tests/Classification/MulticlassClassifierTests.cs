namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>Multiclass training on a key label: learning, class names on Score, and mapping PredictedLabel back.</summary>
public class MulticlassClassifierTests
{
    public sealed class Mapped
    {
        public string Class { get; set; } = "";

        public string PredictedClass { get; set; } = "";

        public float[] Score { get; set; } = [];
    }

    [Fact]
    public void LearnsWhichMarkerAndMapsPredictionsBackToTheClassNames()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(ClassifierData.WhichMarker(600, seed: 1));
        IDataView test = ml.Data.LoadFromEnumerable(ClassifierData.WhichMarker(300, seed: 2));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Class")
            .Append(ml.MulticlassClassification.Trainers.Transformer(ClassifierData.Options()))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel"));

        var model = pipeline.Fit(train);
        IDataView scored = model.Transform(test);
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored);
        Assert.True(metrics.MicroAccuracy > 0.95, $"micro-accuracy {metrics.MicroAccuracy:F3}");

        // Keys follow first occurrence in the training data; Score's slots are named after them.
        var keyValues = default(VBuffer<ReadOnlyMemory<char>>);
        model.Transform(train).Schema["Label"].GetKeyValues(ref keyValues);
        string[] classes = [.. keyValues.DenseValues().Select(v => v.ToString())];
        Assert.Equal(["five", "seven", "three"], classes.Order());
        var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
        scored.Schema["Score"].GetSlotNames(ref slotNames);
        Assert.Equal(classes, slotNames.DenseValues().Select(v => v.ToString()));
        TransformerClassifierTransformer classifier = model.Skip(1).OfType<TransformerClassifierTransformer>().Single();
        Assert.Equal(classes, classifier.ClassNames!);

        Mapped[] rows = [.. ml.Data.CreateEnumerable<Mapped>(scored, reuseRowObject: false)];
        foreach (Mapped row in rows)
        {
            Assert.Equal(3, row.Score.Length);
            Assert.Equal(1f, row.Score.Sum(), 4);
            Assert.Equal(classes[Array.IndexOf(row.Score, row.Score.Max())], row.PredictedClass);
        }
        Assert.True(rows.Count(r => r.PredictedClass == r.Class) > 0.95 * rows.Length);
        classifier.Dispose();
    }

    public sealed class DigitPrediction
    {
        public float Digit { get; set; }

        public float PredictedDigit { get; set; }
    }

    [Fact]
    public void NumericClassesMapBackToTheirValues()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(ClassifierData.WhichMarkerNumeric(200, seed: 1));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", "Digit")
            .Append(ml.MulticlassClassification.Trainers.Transformer(ClassifierData.Options(epochs: 2)))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel"));

        var model = pipeline.Fit(data);
        DigitPrediction[] rows = [.. ml.Data.CreateEnumerable<DigitPrediction>(model.Transform(data), reuseRowObject: false)];
        Assert.All(rows, r => Assert.Contains(r.PredictedDigit, new[] { 3f, 5f, 7f }));
        Assert.True(rows.Select(r => r.PredictedDigit).Distinct().Count() > 1, "a single class predicted: the mapping is not exercised");
        var classifier = model.Skip(1).OfType<TransformerClassifierTransformer>().Single();
        Assert.Equal(3, classifier.ClassCount);
        Assert.All(classifier.ClassNames!, name => Assert.Contains(name, new[] { "3", "5", "7" }));

        // The classes' type survives saving: a reloaded model's scorer still maps back to the numbers.
        using var stream = new MemoryStream();
        ml.Model.Save(classifier, data.Schema, stream);
        stream.Position = 0;
        using var reloaded = (TransformerClassifierTransformer)new MLContext().Model.Load(stream, out _);
        IDataView keyed = model.First().Transform(data);
        var mapBack = ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel").Fit(reloaded.Transform(keyed));
        Assert.Equal(rows.Select(r => r.PredictedDigit), mapBack.Transform(reloaded.Transform(keyed)).GetColumn<float>("PredictedDigit"));
        classifier.Dispose();
    }
}
