namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>Data a classifier cannot learn from is an error that names the problem; missing labels are skipped and counted.</summary>
public class ClassifierBadInputTests
{
    [Fact]
    public void EmptyTrainingDataIsAnError()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<InvalidOperationException>(() => ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options())
            .Fit(ml.Data.LoadFromEnumerable(Array.Empty<ClassifierData.BinaryRow>())));
        Assert.Contains("The training data has no rows", error.Message);
    }

    [Fact]
    public void TokenIdOutsideTheVocabularyIsAnErrorNamingTheColumn()
    {
        var ml = new MLContext(seed: 1);
        ClassifierData.BinaryRow[] rows = ClassifierData.TokenSevenOccurs(20, seed: 1);
        rows[13].Tokens[0] = ClassifierData.Vocabulary;
        var options = ClassifierData.Options(epochs: 1);
        var error = Assert.ThrowsAny<Exception>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains($"Column 'Tokens', row 13: token id {ClassifierData.Vocabulary} is outside the vocabulary of {ClassifierData.Vocabulary} tokens",
            ClassifierData.Innermost(error).Message);
    }

    [Fact]
    public void MissingKeyLabelsAreSkippedAndCounted()
    {
        var ml = new MLContext(seed: 1);
        uint[] labels = [.. Enumerable.Range(0, 40).Select(i => (uint)(i % 5 == 0 ? 0 : i % 3 + 1))];   // 8 of 40 missing
        var options = ClassifierData.Options(epochs: 2);

        using TransformerClassifierTransformer model = ml.MulticlassClassification.Trainers.Transformer(options).Fit(ClassifierData.KeyRows(ml, labels));

        Assert.Equal(2, model.TrainingHistory.Count);
        Assert.All(model.TrainingHistory, s => Assert.Equal((32L, 8L), (s.Rows, s.RowsSkipped)));
        Assert.Equal(3, model.ClassCount);
    }

    [Fact]
    public void OnlyMissingLabelsIsAnErrorSayingSo()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.ThrowsAny<Exception>(() => ml.MulticlassClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1))
            .Fit(ClassifierData.KeyRows(ml, new uint[10])));
        Assert.Contains("No usable rows in column 'Tokens' of the training data: 10 rows read, 10 skipped for a missing label in 'Label'",
            ClassifierData.Innermost(error).Message);
    }

    [Fact]
    public void BooleanLabelForMulticlassIsASchemaError()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Transformer(ClassifierData.Options())
            .Fit(ClassifierData.Binary(ml, 8)));
        Assert.Contains("Schema mismatch for label column 'Label': expected key of UInt32 (MapValueToKey), got Boolean", error.Message);
    }
}
