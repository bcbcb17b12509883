using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Tests.Embedding;

/// <summary><see cref="EmbeddingOptions.Normalize"/>: unit-length vectors, saved with the model, padding left at zero.</summary>
public class EmbeddingNormalizeTests
{
    private sealed class Row
    {
        [VectorType(4)]
        public int[] Tokens { get; set; } = [];
    }

    private static IDataView Data(MLContext ml)
        => ml.Data.LoadFromEnumerable(new[] { new Row { Tokens = [4, 8, 9, 0] }, new Row { Tokens = [5, 0, 0, 0] } });

    private static float[][] Features(IDataView scored)
        => scored.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();

    private static double Norm(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (float x in v) sum += x * x;
        return Math.Sqrt(sum);
    }

    [Fact]
    public void PooledVectorsHaveUnitLengthAndSurviveSaveLoad()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Data(ml);
        var options = new EmbeddingOptions { ModelDimension = 8, VocabularySize = 10, Pooling = EmbeddingPooling.Mean, Normalize = true };
        var model = ml.Transforms.Text.EmbedAndPositionEncode("Features", "Tokens", options).Fit(data);
        Assert.True(model.Normalize);
        float[][] features = Features(model.Transform(data));
        Assert.All(features, f => Assert.Equal(1.0, Norm(f), 5));

        string zip = Path.Combine(TestPaths.NewTempDirectory(), "normalized.zip");
        ml.Model.Save(model, data.Schema, zip);
        ITransformer loaded = new MLContext().Model.Load(zip, out _);
        Assert.Equal(features, Features(loaded.Transform(data)));
    }

    [Fact]
    public void SequenceVectorsPerPositionPaddingStaysZero()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Data(ml);
        var options = new EmbeddingOptions { ModelDimension = 8, VocabularySize = 10, Normalize = true };
        float[] first = Features(ml.Transforms.Text.EmbedAndPositionEncode("Features", "Tokens", options).Fit(data).Transform(data))[0];
        for (int p = 0; p < 3; p++) Assert.Equal(1.0, Norm(first.AsSpan(p * 8, 8)), 5);
        Assert.Equal(0.0, Norm(first.AsSpan(24, 8)));
    }

    [Fact]
    public void OffByDefault() => Assert.False(new EmbeddingOptions().Normalize);
}
