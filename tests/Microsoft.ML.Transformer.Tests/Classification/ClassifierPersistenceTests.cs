namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>A trained classifier through ML.NET's model operations: save and load, PredictionEngine, CrossValidate.</summary>
public class ClassifierPersistenceTests
{
    public static TheoryData<string> Kinds => ["binary", "multiclass"];

    private static (IDataView Data, TransformerClassifierTransformer Model) Train(MLContext ml, string kind, int rows = 96)
    {
        var options = ClassifierData.Options(epochs: 1);
        options.ScoringBlockSize = 16;   // several blocks, each padded to its longest row
        if (kind == "binary")
        {
            IDataView binary = ClassifierData.Binary(ml, rows);
            return (binary, ml.BinaryClassification.Trainers.Transformer(options).Fit(binary));
        }
        IDataView multiclass = ClassifierData.Multiclass(ml, rows).Train;
        return (multiclass, ml.MulticlassClassification.Trainers.Transformer(options).Fit(multiclass));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SavedAndLoadedModelScoresTheSame(string kind)
    {
        var ml = new MLContext(seed: 1);
        var (data, model) = Train(ml, kind);
        using (model)
        {
            float[] expected = ClassifierData.Scores(model.Transform(data));
            using var file = new ClassifierData.TempDirectory();
            string path = file.Sub("model.zip");
            ml.Model.Save(model, data.Schema, path);

            ITransformer loaded = new MLContext().Model.Load(path, out DataViewSchema inputSchema);
            var reloaded = Assert.IsType<TransformerClassifierTransformer>(loaded);
            using (reloaded)
            {
                Assert.Equal(data.Schema.Select(c => c.Name), inputSchema.Select(c => c.Name));
                Assert.Equal(model.ClassNames, reloaded.ClassNames);
                Assert.Equal(model.TrainingHistory, reloaded.TrainingHistory);
                IDataView scored = reloaded.Transform(data);
                Assert.Equal(expected, ClassifierData.Scores(scored));
                Assert.Equal(model.GetOutputSchema(data.Schema).Select(c => (c.Name, c.Type)), scored.Schema.Select(c => (c.Name, c.Type)));
            }
        }
    }

    public sealed class BinaryPrediction
    {
        public float Score { get; set; }

        public float Probability { get; set; }

        public bool PredictedLabel { get; set; }
    }

    public sealed class ClassPrediction
    {
        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }
    }

    [Fact]
    public void PredictionEngineRowByRowEqualsBlockScores()
    {
        var ml = new MLContext(seed: 1);
        var (data, binary) = Train(ml, "binary");
        using (binary)
        {
            float[] block = ClassifierData.Floats(binary.Transform(data));
            float[] probability = ClassifierData.Floats(binary.Transform(data), "Probability");
            var engine = ml.Model.CreatePredictionEngine<ClassifierData.BinaryRow, BinaryPrediction>(binary);
            ClassifierData.BinaryRow[] rows = ClassifierData.TokenSevenOccurs(96, seed: 1);
            for (int i = 0; i < rows.Length; i++)
            {
                BinaryPrediction p = engine.Predict(rows[i]);
                AssertClose(block[i], p.Score);
                AssertClose(probability[i], p.Probability);
                Assert.Equal(p.Score > 0, p.PredictedLabel);
            }
        }

        var (classes, multiclass) = Train(ml, "multiclass");
        using (multiclass)
        {
            float[][] block = ClassifierData.Vectors(multiclass.Transform(classes));
            uint[] predicted = [.. multiclass.Transform(classes).GetColumn<uint>("PredictedLabel")];
            var engine = ml.Model.CreatePredictionEngine<ClassifierData.ClassRow, ClassPrediction>(multiclass);
            ClassifierData.ClassRow[] rows = ClassifierData.WhichMarker(96, seed: 1);
            for (int i = 0; i < rows.Length; i++)
            {
                ClassPrediction p = engine.Predict(rows[i]);
                Assert.Equal(3, p.Score.Length);
                for (int c = 0; c < 3; c++) AssertClose(block[i][c], p.Score[c]);
                Assert.Equal(predicted[i], p.PredictedLabel);
            }
        }
    }

    private static void AssertClose(float expected, float actual)
        => Assert.True(Math.Abs(expected - actual) <= 1e-5f * (1 + Math.Abs(expected)), $"{actual} != {expected}");

    [Fact]
    public void CrossValidateTrainsAndEvaluatesEachFold()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ClassifierData.Binary(ml, 400);
        var results = ml.BinaryClassification.CrossValidate(data, ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 3)), numberOfFolds: 2);

        Assert.Equal(2, results.Count);
        foreach (var fold in results)
        {
            Assert.IsType<TransformerClassifierTransformer>(fold.Model);
            Assert.True(fold.Metrics.AreaUnderRocCurve > 0.9, $"fold {fold.Fold}: AUC {fold.Metrics.AreaUnderRocCurve:F3}");
            Assert.True(double.IsFinite(fold.Metrics.LogLoss));
            ((IDisposable)fold.Model).Dispose();
        }
    }
}
