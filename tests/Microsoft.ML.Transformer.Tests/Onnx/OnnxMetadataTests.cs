using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Transformer.Onnx.Schema;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>A fitted text pipeline (tokenizer + classifier) exported whole: the file's format version, its metadata
/// (model config, the tokenizer's options, tokens and merges), and text scored through the tokenizer and ONNX Runtime
/// as the pipeline scores it.</summary>
public class OnnxMetadataTests
{
    public sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    private static readonly string[] Texts =
    [
        "the cat sat on the mat", "a dog barked at the moon", "the bird sang a song on the old tree",
        "rain again", "the quick brown fox jumps over the lazy dog", "to be or not to be",
    ];

    private static (MLContext Ml, TokenizerTransformer Tokenizer, ITransformer Pipeline, IDataView Data) Pipeline()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Texts.Select(t => new TextRow { Text = t }));
        TokenizerTransformer tokenizer = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text",
            new TokenizerOptions { Kind = TokenizerKind.BytePairEncoding, VocabularySize = 300, MinimumFrequency = 1, MaxLength = 20 }).Fit(data);
        TransformerClassifierTransformer classifier = Create(ml, Shape(s => s with { SourceVocabularySize = tokenizer.VocabularySize }), ClassifierPooling.Mean);
        return (ml, tokenizer, tokenizer.Append(classifier), data);
    }

    [Fact]
    public void FileDeclaresOpset17AndTheProducer()
    {
        var (ml, _, pipeline, _) = Pipeline();
        string file = Path.Combine(TestPaths.NewTempDirectory(), "pipeline.onnx");
        ml.Model.ExportToOnnx(pipeline, file);
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(file));
        Assert.Equal(17, Assert.Single(model.OpsetImport).Version);
        Assert.Equal(8, model.IrVersion);
        using var session = new InferenceSession(file);
        Assert.Equal("Microsoft.ML.Transformer", session.ModelMetadata.ProducerName);
        Assert.Equal(new[] { "Score", "Probability", "PredictedLabel" }, session.OutputNames);
    }

    [Fact]
    public void MetadataHoldsTheConfigAndTheTokenizer()
    {
        var (ml, tokenizer, pipeline, _) = Pipeline();
        string file = Path.Combine(TestPaths.NewTempDirectory(), "pipeline.onnx");
        ml.Model.ExportToOnnx(pipeline, file);
        using var session = new InferenceSession(file);
        Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;

        Assert.Equal("binary_classifier", metadata["mltransformer.kind"]);
        Assert.Equal("0", metadata["mltransformer.padding_id"]);
        Assert.Equal("24", metadata["mltransformer.max_length"]);
        JsonElement config = JsonDocument.Parse(metadata["mltransformer.config"]).RootElement;
        Assert.Equal("Mean", config.GetProperty("pooling").GetString());
        Assert.Equal(tokenizer.VocabularySize, config.GetProperty("model").GetProperty("sourceVocabularySize").GetInt32());

        string[] tokens = JsonSerializer.Deserialize<string[]>(metadata["mltransformer.tokenizer.tokens"])!;
        Assert.Equal(Enumerable.Range(0, tokenizer.VocabularySize).Select(tokenizer.Tokenizer.IdToToken), tokens);
        int[][] merges = JsonSerializer.Deserialize<int[][]>(metadata["mltransformer.tokenizer.merges"])!;
        Assert.NotEmpty(merges);
        Assert.All(merges, pair => Assert.Equal(2, pair.Length));
        JsonElement options = JsonDocument.Parse(metadata["mltransformer.tokenizer.options"]).RootElement;
        Assert.Equal("BytePairEncoding", options.GetProperty("kind").GetString());
        Assert.Equal(20, options.GetProperty("maxLength").GetInt32());
    }

    [Fact]
    public void TokenizerCanBeLeftOut()
    {
        var (ml, _, pipeline, _) = Pipeline();
        string file = Path.Combine(TestPaths.NewTempDirectory(), "pipeline.onnx");
        ml.Model.ExportToOnnx(pipeline, file, new OnnxExportOptions { IncludeTokenizer = false });
        using var session = new InferenceSession(file);
        Assert.DoesNotContain(session.ModelMetadata.CustomMetadataMap.Keys, key => key.StartsWith("mltransformer.tokenizer", StringComparison.Ordinal));
        Assert.Contains("mltransformer.config", session.ModelMetadata.CustomMetadataMap.Keys);
    }

    /// <summary>Texts → the pipeline's token column → ONNX Runtime, one padded batch: the pipeline's own probabilities.</summary>
    [Fact]
    public void TextScoredThroughTheFileAsThroughThePipeline()
    {
        var (ml, tokenizer, pipeline, data) = Pipeline();
        string file = Path.Combine(TestPaths.NewTempDirectory(), "pipeline.onnx");
        ml.Model.ExportToOnnx(pipeline, file);

        int[][] rows = [.. tokenizer.Transform(data).GetColumn<int[]>("Tokens")];
        var (ids, length) = Pad(rows, paddingId: 0);
        float[] onnx = (float[])Run(file, ids, length)["Probability"];
        float[] expected = Classification.ClassifierData.Floats(pipeline.Transform(data), "Probability");
        double difference = MaxAbsDifference(expected, onnx);
        Assert.True(difference <= 1e-4, $"max |ONNX − pipeline| = {difference:G3}");
    }
}
