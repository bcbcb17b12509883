using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Scoring;

/// <summary>A disposed model has no weights: saving it, scoring with it or building an engine on it is an
/// <see cref="ObjectDisposedException"/>, alone or inside a chain, and a save writes nothing.</summary>
public class DisposedModelTests
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "classifier-format1.zip");

    private static (MLContext Ml, ModelTransformerBase Model, DataViewSchema Schema) Disposed()
    {
        var ml = new MLContext(seed: 1);
        var model = (ModelTransformerBase)ml.Model.Load(Fixture, out DataViewSchema schema);
        model.Dispose();
        return (ml, model, schema);
    }

    /// <summary>A good model file, the one a save of the disposed model must not replace.</summary>
    private static string GoodFile()
    {
        string path = Path.Combine(TestPaths.NewTempDirectory(), "model.zip");
        File.Copy(Fixture, path);
        return path;
    }

    private static void SaveFailsAndWritesNothing(MLContext ml, ITransformer model, DataViewSchema schema)
    {
        string path = GoodFile();
        byte[] before = File.ReadAllBytes(path);
        Assert.Throws<ObjectDisposedException>(() => ml.Model.SaveAtomically(model, schema, path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void SaveThrowsAndKeepsTheFile()
    {
        var (ml, model, schema) = Disposed();
        SaveFailsAndWritesNothing(ml, model, schema);
    }

    [Fact]
    public void TransformThrows()
    {
        var (ml, model, _) = Disposed();
        Assert.Throws<ObjectDisposedException>(() => model.Transform(ClassifierData.Binary(ml, 4)));
    }

    [Fact]
    public void PredictionEngineIsRefused()
    {
        var (ml, model, _) = Disposed();
        Assert.Throws<ObjectDisposedException>(() => ml.Model.CreatePredictionEngine<ClassifierData.BinaryRow, ClassifierPersistenceTests.BinaryPrediction>(model));
    }

    [Fact]
    public void ChainHoldingADisposedModelThrowsOnTransformAndSave()
    {
        var (ml, model, schema) = Disposed();
        var chain = new TransformerChain<ITransformer>(model);
        Assert.Throws<ObjectDisposedException>(() => chain.Transform(ClassifierData.Binary(ml, 4)));
        SaveFailsAndWritesNothing(ml, chain, schema);
    }

    [Fact]
    public void DisposingTwiceIsHarmless()
    {
        var (_, model, _) = Disposed();
        model.Dispose();
    }

    [Fact]
    public void GenerateEvaluateAndAttentionOfADisposedLanguageModelThrow()
    {
        var ml = new MLContext(seed: 1);
        var model = (LanguageModelTransformer)ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "languagemodel-format1.zip"), out _);
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Generate("the ", maxNewTokens: 4, temperature: 0));
        Assert.Throws<ObjectDisposedException>(() => model.Evaluate(ml.Data.LoadFromEnumerable(LanguageModel.LanguageModelData.Rhymes(20, seed: 1))));
        Assert.Throws<ObjectDisposedException>(() => model.GetAttention("the cat"));
    }

    [Fact]
    public void ADisposedClassifierLendsNoEncoder()
    {
        var (ml, model, _) = Disposed();
        var embedding = ml.Transforms.Text.EmbedAndPositionEncode("Features", "Tokens", new EmbeddingOptions { Source = (ITransformerEncoderSource)model });
        Assert.Throws<ObjectDisposedException>(() => embedding.Fit(ClassifierData.Binary(ml, 4)));
    }
}
