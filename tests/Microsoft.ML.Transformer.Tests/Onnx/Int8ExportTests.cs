using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Onnx.Schema;
using Microsoft.ML.Transformer.Tests.Classification;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;
using DataType = Microsoft.ML.Transformer.Onnx.Schema.TensorProto.Types.DataType;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary><see cref="OnnxQuantization.Int8Dynamic"/>: the file holds int8 weights and integer matrix products, ONNX
/// Runtime loads and runs it, and its scores stay near the float file's on the same batch.</summary>
public class Int8ExportTests
{
    private static readonly OnnxExportOptions Int8 = new() { Quantization = OnnxQuantization.Int8Dynamic };

    private static (string Float, string Int8) ExportBoth(MLContext ml, ITransformer model)
    {
        string folder = TestPaths.NewTempDirectory();
        string fp32 = Path.Combine(folder, "float.onnx"), int8 = Path.Combine(folder, "int8.onnx");
        ml.Model.ExportToOnnx(model, fp32);
        ml.Model.ExportToOnnx(model, int8, Int8);
        return (fp32, int8);
    }

    public static TheoryData<string, int, ClassifierPooling> Shapes() => new()
    {
        { "post-LN, sinusoidal, ReLU", 2, ClassifierPooling.Mean },
        { "pre-LN, learned, GELU, pooler", 3, ClassifierPooling.Pooler },
    };

    /// <summary>Every product with a weight is integer, the float weights are gone, and the file is about 4× smaller.</summary>
    [Fact]
    public void FileHoldsIntegerProductsAndInt8Weights()
    {
        var ml = new MLContext(seed: 1);
        TransformerConfig shape = Shape(s => s with { SourceVocabularySize = 400, ModelDimension = 64, FeedForwardDimension = 128 });
        using TransformerClassifierTransformer classifier = Create(ml, shape, ClassifierPooling.Pooler);
        var (fp32, int8) = ExportBoth(ml, classifier);
        GraphProto graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(int8)).Graph;

        // per layer: q, k, v, o, w_1, w_2; then the pooler and the head
        int linears = 6 * shape.EncoderLayers + 2;
        Assert.Equal(linears, graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.Equal(2 * shape.EncoderLayers, graph.Node.Count(n => n.OpType == "MatMul"));   // QKᵀ and weights·V: two activations
        // per layer: the input of q, k and v (one, shared), of W^O, w_1 and w_2; the pooler's and the head's
        Assert.Equal(4 * shape.EncoderLayers + 2, graph.Node.Count(n => n.OpType == "DynamicQuantizeLinear"));
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        Assert.All(graph.Node.Where(n => n.OpType == "MatMul"), n => Assert.DoesNotContain(n.Input[1], initializers.Keys));
        Assert.Equal(DataType.Int8, (DataType)initializers["body.embedding.tokens.weight_int8"].DataType);
        Assert.DoesNotContain("body.embedding.tokens.weight", initializers.Keys);
        Assert.Equal(linears + 1, initializers.Values.Count(t => t.DataType == (int)DataType.Int8));

        double ratio = (double)new FileInfo(int8).Length / new FileInfo(fp32).Length;
        Assert.True(ratio < 0.4, $"int8 file is {ratio:P0} of the float file");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ScoresStayNearTheFloatFile(string shapeName, int classes, ClassifierPooling pooling)
    {
        var ml = new MLContext(seed: 1);
        TransformerConfig shape = shapeName.StartsWith("pre-LN", StringComparison.Ordinal)
            ? Shape(s => s with { NormFirst = true, Positional = PositionalEncodingKind.Learned, Activation = FeedForwardActivation.Gelu })
            : Shape();
        using TransformerClassifierTransformer classifier = Create(ml, shape, pooling, classes);
        var (fp32, int8) = ExportBoth(ml, classifier);

        var (ids, length) = Pad(Rows(count: 16, shape.MaxLength, shape.PaddingId, seed: 2), shape.PaddingId);
        float[] expected = (float[])Run(fp32, ids, length)["Score"];
        Dictionary<string, Array> quantized = Run(int8, ids, length);
        float[] actual = (float[])quantized["Score"];

        // quantization noise: a small fraction of the scores' spread, not zero (the products really are integer)
        double spread = expected.Max() - expected.Min(), difference = MaxAbsDifference(expected, actual);
        TestContext.Current.TestOutputHelper?.WriteLine($"{shapeName}: max |int8 − float| = {difference:G3}, score spread {spread:G3}");
        Assert.True(difference > 0, "the int8 file should not score exactly as the float file");
        Assert.True(difference <= 0.1 * spread, $"max |int8 − float| = {difference:G3} exceeds 10% of the spread {spread:G3}");
        if (classes == 2)
            Assert.Equal(actual.Select(s => s > 0), (bool[])quantized["PredictedLabel"]);
    }

    /// <summary>A trained classifier (the loader's fixture): int8 predicts the float file's labels.</summary>
    [Fact]
    public void TrainedClassifierKeepsItsPredictions()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "classifier-format1.zip"), out _);
        var classifier = Assert.IsType<TransformerClassifierTransformer>(model);
        var (fp32, int8) = ExportBoth(ml, model);

        ClassifierData.BinaryRow[] rows = ClassifierData.TokenSevenOccurs(64, seed: 5);
        var (ids, length) = Pad([.. rows.Select(r => r.Tokens)], classifier.Config.Model.PaddingId);
        float[] expected = (float[])Run(fp32, ids, length)["Probability"], actual = (float[])Run(int8, ids, length)["Probability"];
        double difference = MaxAbsDifference(expected, actual);
        int changed = expected.Zip(actual).Count(p => p.First > 0.5 != p.Second > 0.5);
        TestContext.Current.TestOutputHelper?.WriteLine($"trained fixture: max |int8 − float| probability = {difference:G3}, {changed} of 64 labels changed");
        Assert.True(difference <= 0.02, $"max |int8 − float| probability = {difference:G3}");
        Assert.True(changed <= 1, $"{changed} of 64 predicted labels changed");
    }

    /// <summary>Mean-pooled, normalised features: each int8 vector points where the float one does.</summary>
    [Fact]
    public void FeaturesStayNearTheFloatFile()
    {
        var ml = new MLContext(seed: 1);
        TransformerConfig shape = Shape();
        using EmbeddingTransformer embedding = FeaturesExportTests.Embedding(ml, shape, EmbeddingPooling.Mean, normalize: true);
        var (fp32, int8) = ExportBoth(ml, embedding);

        var (ids, length) = Pad(Rows(count: 8, shape.MaxLength, shape.PaddingId, seed: 4), shape.PaddingId);
        float[] expected = (float[])Run(fp32, ids, length)["Features"], actual = (float[])Run(int8, ids, length)["Features"];
        int width = shape.ModelDimension;
        double worst = Enumerable.Range(0, expected.Length / width)
            .Min(r => expected.AsSpan(r * width, width).ToArray().Zip(actual.AsSpan(r * width, width).ToArray()).Sum(p => (double)p.First * p.Second));
        TestContext.Current.TestOutputHelper?.WriteLine($"features: least cosine(int8, float) = {worst:F5}");
        Assert.True(worst >= 0.99, $"least cosine(int8, float) = {worst:F5}");
    }
}
