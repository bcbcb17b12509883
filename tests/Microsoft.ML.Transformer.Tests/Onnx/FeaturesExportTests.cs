using Microsoft.ML.Transformer.Embedding;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Tests.Pretraining;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>Encoder features exported and scored by ONNX Runtime against ML.NET's <c>Transform</c>: the
/// embedding transform (whole sequences or mean-pooled, normalised or not) and a self-pretrained encoder.</summary>
public class FeaturesExportTests
{
    private const double Tolerance = 1e-4;

    internal static EmbeddingTransformer Embedding(MLContext ml, TransformerConfig shape, EmbeddingPooling pooling, bool normalize)
    {
        var config = new EmbeddingConfig
        {
            InputColumnName = "Tokens", OutputColumnName = "Features", Model = shape.Validate(), Pooling = pooling, BlockSize = 256, Normalize = normalize,
        };
        return new EmbeddingTransformer(ml, config, Perturbed(new TransformerEncoderModel(config.Model, seed: 3), seed: 4));
    }

    public static TheoryData<string, EmbeddingPooling, bool> Embeddings() => new()
    {
        { "contextual post-LN", EmbeddingPooling.None, false },
        { "contextual pre-LN, GELU", EmbeddingPooling.Mean, true },
        { "positions alone, learned", EmbeddingPooling.Mean, false },
    };

    private static TransformerConfig ShapeOf(string name) => name switch
    {
        "contextual post-LN" => Shape(),
        "contextual pre-LN, GELU" => Shape(s => s with { NormFirst = true, Activation = FeedForwardActivation.Gelu }),
        "positions alone, learned" => Shape(s => s with { EncoderLayers = 0, Positional = PositionalEncodingKind.Learned }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [MemberData(nameof(Embeddings))]
    public void EmbeddingFeaturesAsTransformWritesThem(string shapeName, EmbeddingPooling pooling, bool normalize)
    {
        var ml = new MLContext(seed: 1);
        using EmbeddingTransformer embedding = Embedding(ml, ShapeOf(shapeName), pooling, normalize);
        double difference = Compare(ml, embedding, Rows(count: 10, maxLength: 20, paddingId: 0, seed: 6));
        TestContext.Current.TestOutputHelper?.WriteLine($"{shapeName}, {pooling}, normalize {normalize}: max |ONNX − ML.NET| = {difference:G3}");
        Assert.True(difference <= Tolerance, $"max |ONNX − ML.NET| = {difference:G3} exceeds {Tolerance}");
    }

    /// <summary>The contextual embedding trained and saved by an earlier version (the loader's fixture).</summary>
    [Fact]
    public void TrainedEmbeddingLoadedFromAZip()
    {
        var ml = new MLContext(seed: 1);
        var embedding = Assert.IsType<EmbeddingTransformer>(ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "embedding-format1.zip"), out _));
        double difference = Compare(ml, embedding, [.. ClassifierData.TokenSevenOccurs(8, seed: 5).Select(r => r.Tokens)]);
        TestContext.Current.TestOutputHelper?.WriteLine($"trained embedding fixture ({embedding.Pooling}): max |ONNX − ML.NET| = {difference:G3}");
        Assert.True(difference <= Tolerance, $"max |ONNX − ML.NET| = {difference:G3} exceeds {Tolerance}");
    }

    /// <summary>An encoder pretrained here for one epoch: its sentence embeddings of texts, tokenized by its own tokenizer.</summary>
    [Fact]
    public void PretrainedEncoderSentenceEmbeddings()
    {
        var ml = new MLContext(seed: 1);
        IDataView text = PretrainingData.View(ml, PretrainingData.Pairs(60));
        using PretrainedEncoderTransformer encoder = ml.Transforms.Text.PretrainEncoder("Features", "Text", PretrainingData.Options(epochs: 1)).Fit(text);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "encoder.onnx");
        ml.Model.ExportToOnnx(encoder, file);

        IDataView some = PretrainingData.View(ml, PretrainingData.Pairs(12, seed: 7));
        int[][] rows = [.. encoder.Tokenizer.Transform(some).GetColumn<int[]>(encoder.Tokenizer.OutputColumnName)];
        var (ids, length) = Pad(rows, paddingId: 0);
        float[] expected = [.. ClassifierData.Vectors(encoder.Transform(some), "Features").SelectMany(v => v)];
        double difference = MaxAbsDifference(expected, (float[])Run(file, ids, length)["Features"]);
        TestContext.Current.TestOutputHelper?.WriteLine($"pretrained encoder: max |ONNX − ML.NET| = {difference:G3}");
        Assert.True(difference <= Tolerance, $"max |ONNX − ML.NET| = {difference:G3} exceeds {Tolerance}");
    }

    /// <summary>Exports, scores the rows as one padded batch, and returns the largest difference from <c>Transform</c>'s
    /// features (whole sequences: ML.NET's max_len × d_model vector against ONNX's [batch, sequence, d_model]; the
    /// positions past the batch's longest row are zeros in ML.NET's).</summary>
    private static double Compare(MLContext ml, EmbeddingTransformer embedding, int[][] rows)
    {
        string file = Path.Combine(TestPaths.NewTempDirectory(), "embedding.onnx");
        ml.Model.ExportToOnnx(embedding, file);
        var (ids, length) = Pad(rows, embedding.Config.Model.PaddingId);
        float[] onnx = (float[])Run(file, ids, length)[embedding.OutputColumnName];
        float[][] expected = ClassifierData.Vectors(embedding.Transform(ml.Data.LoadFromEnumerable(rows.Select(r => new ClassifierData.BinaryRow { Tokens = r }))),
            embedding.OutputColumnName);
        if (embedding.Pooling == EmbeddingPooling.Mean) return MaxAbsDifference([.. expected.SelectMany(v => v)], onnx);
        int width = embedding.ModelDimension, rowSize = length * width;
        Assert.All(expected, v => Assert.All(v[rowSize..], value => Assert.Equal(0f, value)));
        return MaxAbsDifference([.. expected.SelectMany(v => v[..rowSize])], onnx);
    }
}
