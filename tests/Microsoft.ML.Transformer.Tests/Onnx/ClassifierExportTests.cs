using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tests.Classification;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>Exported classifiers of several shapes scored by ONNX Runtime against the same model's own scores: ML.NET's
/// <c>Transform</c> of each row (scored without the batch's padding), and the TorchSharp module on the very same padded
/// batch, a row of padding alone included.</summary>
public class ClassifierExportTests
{
    private const double Tolerance = 1e-4;

    /// <summary>Each shape: a name for the report, classes (2 = binary), pooling, and the change to the tiny shape.</summary>
    public static TheoryData<string, int, ClassifierPooling> Shapes() => new()
    {
        { "post-LN, sinusoidal, ReLU", 2, ClassifierPooling.Mean },
        { "pre-LN, learned, GELU", 2, ClassifierPooling.ClassToken },
        { "post-LN, concatenated sinusoids, padding id 3", 2, ClassifierPooling.Max },
        { "pre-LN, no positions, GELU", 3, ClassifierPooling.Pooler },
        { "BERT: learned, embedding LayerNorm, token types, unscaled, eps 1e-12, GELU", 4, ClassifierPooling.Pooler },
        { "pre-LN, sinusoidal, ReLU, 1 layer, 1 head", 3, ClassifierPooling.Mean },
    };

    private static TransformerConfig ShapeOf(string name) => name switch
    {
        "post-LN, sinusoidal, ReLU" => Shape(),
        "pre-LN, learned, GELU" => Shape(s => s with { NormFirst = true, Positional = PositionalEncodingKind.Learned, Activation = FeedForwardActivation.Gelu }),
        "post-LN, concatenated sinusoids, padding id 3" => Shape(s => s with { Positional = PositionalEncodingKind.SinusoidalConcatenated, PaddingId = 3 }),
        "pre-LN, no positions, GELU" => Shape(s => s with { NormFirst = true, Positional = PositionalEncodingKind.None, Activation = FeedForwardActivation.Gelu }),
        "BERT: learned, embedding LayerNorm, token types, unscaled, eps 1e-12, GELU" => Shape(s => s with
        {
            Positional = PositionalEncodingKind.Learned, EmbeddingLayerNorm = true, TokenTypeVocabularySize = 2, ScaleEmbeddings = false,
            LayerNormEpsilon = 1e-12, Activation = FeedForwardActivation.Gelu,
        }),
        "pre-LN, sinusoidal, ReLU, 1 layer, 1 head" => Shape(s => s with { NormFirst = true, EncoderLayers = 1, Heads = 1 }),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void OnnxRuntimeScoresAsTheModel(string shapeName, int classes, ClassifierPooling pooling)
    {
        var ml = new MLContext(seed: 1);
        TransformerConfig shape = ShapeOf(shapeName);
        using TransformerClassifierTransformer classifier = Create(ml, shape, pooling, classes);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "classifier.onnx");
        ml.Model.ExportToOnnx(classifier, file);

        int[][] rows = Rows(count: 12, shape.MaxLength, shape.PaddingId, seed: 2);
        var (ids, length) = Pad(rows, shape.PaddingId);
        Dictionary<string, Array> onnx = Run(file, ids, length);

        IDataView scored = classifier.Transform(ml.Data.LoadFromEnumerable(rows.Select(r => new ClassifierData.BinaryRow { Tokens = r })));
        double difference;
        if (classes == 2)
        {
            difference = Math.Max(MaxAbsDifference(ClassifierData.Floats(scored), (float[])onnx["Score"]),
                MaxAbsDifference(ClassifierData.Floats(scored, "Probability"), (float[])onnx["Probability"]));
            Assert.Equal(ClassifierData.Floats(scored).Select(s => s > 0), (bool[])onnx["PredictedLabel"]);
        }
        else
        {
            float[][] expected = ClassifierData.Vectors(scored);
            difference = MaxAbsDifference([.. expected.SelectMany(v => v)], (float[])onnx["Score"]);
            Assert.Equal(scored.GetColumn<uint>(scored.Schema["PredictedLabel"]), (uint[])onnx["PredictedLabel"]);
            Assert.Equal(expected.Select(v => (uint)(Array.IndexOf(v, v.Max()) + 1)), (uint[])onnx["PredictedLabel"]);
        }
        TestContext.Current.TestOutputHelper?.WriteLine($"{shapeName}, {pooling}, {classes} classes: max |ONNX − ML.NET| = {difference:G3}");
        Assert.True(difference <= Tolerance, $"max |ONNX − ML.NET| = {difference:G3} exceeds {Tolerance}");
    }

    /// <summary>The same padded batch, with a row of padding alone and a row padded to a length beyond its tokens,
    /// through the module and through ONNX Runtime: the logits' function agrees on every row, padding included.</summary>
    [Theory]
    [MemberData(nameof(Shapes))]
    public void PaddedBatchWithAnEmptyRowMatchesTheModule(string shapeName, int classes, ClassifierPooling pooling)
    {
        var ml = new MLContext(seed: 1);
        TransformerConfig shape = ShapeOf(shapeName);
        using TransformerClassifierTransformer classifier = Create(ml, shape, pooling, classes, seed: 5);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "classifier.onnx");
        ml.Model.ExportToOnnx(classifier, file);

        int[][] rows = [.. Rows(count: 5, maxLength: 9, shape.PaddingId, seed: 3), []];
        var (ids, length) = Pad(rows, shape.PaddingId, length: shape.MaxLength);
        Dictionary<string, Array> onnx = Run(file, ids, length);

        float[] expected;
        using (no_grad())
        using (Tensor batch = tensor(ids, [rows.Length, length]))
        using (Tensor logits = classifier.Model.Forward(batch))
        using (Tensor scores = classes == 2 ? logits.squeeze(1) : logits.softmax(-1))
            expected = scores.data<float>().ToArray();
        double difference = MaxAbsDifference(expected, (float[])onnx["Score"]);
        TestContext.Current.TestOutputHelper?.WriteLine($"{shapeName}, {pooling}: max |ONNX − module| on a batch padded to max_len = {difference:G3}");
        Assert.True(difference <= Tolerance, $"max |ONNX − module| = {difference:G3} exceeds {Tolerance}");
    }

    /// <summary>A classifier trained and saved by an earlier version (the loader's fixture), loaded and exported.</summary>
    [Fact]
    public void TrainedClassifierLoadedFromAZipScoresAsLoaded()
    {
        var ml = new MLContext(seed: 1);
        ITransformer model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "classifier-format1.zip"), out _);
        var classifier = Assert.IsType<TransformerClassifierTransformer>(model);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "trained.onnx");
        ml.Model.ExportToOnnx(model, file);

        ClassifierData.BinaryRow[] rows = ClassifierData.TokenSevenOccurs(16, seed: 5);
        var (ids, length) = Pad([.. rows.Select(r => r.Tokens)], classifier.Config.Model.PaddingId);
        float[] expected = ClassifierData.Floats(model.Transform(ml.Data.LoadFromEnumerable(rows)));
        double difference = MaxAbsDifference(expected, (float[])Run(file, ids, length)["Score"]);
        TestContext.Current.TestOutputHelper?.WriteLine($"trained fixture: max |ONNX − ML.NET| = {difference:G3}");
        Assert.True(difference <= Tolerance, $"max |ONNX − ML.NET| = {difference:G3} exceeds {Tolerance}");
    }
}
