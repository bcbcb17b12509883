namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>InitialEncoder starts a classifier from another trained model's embedding and encoder.</summary>
public class ClassifierInitialEncoderTests
{
    /// <summary>The contextual encoding (embedding + encoder stack) a model gives the rows' tokens.</summary>
    private static float[][] Encode(MLContext ml, IDataView data, ITransformerEncoderSource source)
    {
        using var encoder = ml.Transforms.Text.EmbedAndPositionEncode("Encoded", "Tokens", new EmbeddingOptions { Source = source, Contextual = true }).Fit(data);
        return ClassifierData.Vectors(encoder.Transform(data), "Encoded");
    }

    private static bool Close(float[][] a, float[][] b, float tolerance)
        => a.Length == b.Length && a.Zip(b).All(p => p.First.Zip(p.Second).All(v => Math.Abs(v.First - v.Second) <= tolerance));

    [Fact]
    public void TinyLearningRateKeepsTheSourceEncoder()
    {
        var ml = new MLContext(seed: 1);
        IDataView binary = ClassifierData.Binary(ml, 128);
        using TransformerClassifierTransformer source = ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 2)).Fit(binary);

        // A multiclass classifier (another head) from the binary one's body; the same seed would give the same random start.
        IDataView classes = ClassifierData.Multiclass(ml, 64).Train;
        var options = ClassifierData.Options(epochs: 1);
        (options.LearningRate, options.WarmupSteps) = (1e-9, 0);
        options.InitialEncoder = source;
        using TransformerClassifierTransformer started = ml.MulticlassClassification.Trainers.Transformer(options).Fit(classes);
        options.InitialEncoder = null;
        using TransformerClassifierTransformer fresh = ml.MulticlassClassification.Trainers.Transformer(options).Fit(classes);

        float[][] expected = Encode(ml, classes, source);
        Assert.True(Close(expected, Encode(ml, classes, started), 1e-4f), "the started model's encoder differs from its source's");
        Assert.False(Close(expected, Encode(ml, classes, fresh), 1e-2f), "without InitialEncoder the encoders should differ");
    }

    [Fact]
    public void TheModelTakesTheSourceEncodersShape()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ClassifierData.Binary(ml, 32);
        using TransformerClassifierTransformer source = ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1)).Fit(data);
        var options = ClassifierData.Options(epochs: 1);
        (options.Shape.ModelDimension, options.Shape.Layers, options.InitialEncoder) = (16, 2, source);

        using TransformerClassifierTransformer started = ml.BinaryClassification.Trainers.Transformer(options).Fit(data);
        Assert.Equal(source.Config.Model, started.Config.Model);
    }

    [Fact]
    public void ASetVocabularySizeOtherThanTheSourcesIsAnError()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ClassifierData.Binary(ml, 32);
        using TransformerClassifierTransformer source = ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1)).Fit(data);
        var options = ClassifierData.Options(epochs: 1);
        (options.VocabularySize, options.InitialEncoder) = (source.VocabularySize + 1, source);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(data));
        Assert.Contains($"differs from the InitialEncoder's vocabulary ({source.VocabularySize} tokens)", error.Message);
    }
}
