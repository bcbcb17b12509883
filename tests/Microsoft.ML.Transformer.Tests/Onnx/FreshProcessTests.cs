using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tests.Classification;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>The exported file is all a consumer needs: a fresh process (the samples' <c>onnx-score</c>) scores it with
/// ONNX Runtime alone, without loading TorchSharp or ML.NET, and gets the model's scores; and the <c>onnx</c> sample
/// runs end to end on tiny settings.</summary>
public class FreshProcessTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FileScoresInAProcessWithOnlyOnnxRuntime(bool int8)
    {
        var ml = new MLContext(seed: 1);
        TransformerConfig shape = Shape();
        using TransformerClassifierTransformer classifier = Create(ml, shape, ClassifierPooling.Mean);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "classifier.onnx");
        ml.Model.ExportToOnnx(classifier, file, new OnnxExportOptions { Quantization = int8 ? OnnxQuantization.Int8Dynamic : OnnxQuantization.None });
        int[][] rows = Rows(count: 6, shape.MaxLength, shape.PaddingId, seed: 8);

        var (exit, log) = ProcessRunner.Run(TestPaths.DotnetHost,
            [TestPaths.SamplesDll, "onnx-score", "--model", file, "--ids", string.Join(";", rows.Select(r => string.Join(" ", r)))]);

        Assert.True(exit == 0, log);
        using var result = System.Text.Json.JsonDocument.Parse(log.Split('\n').Last(l => l.StartsWith('{')));
        Assert.False(result.RootElement.GetProperty("torchsharp_loaded").GetBoolean(), log);
        Assert.False(result.RootElement.GetProperty("mlnet_loaded").GetBoolean(), log);
        Assert.Equal("binary_classifier", result.RootElement.GetProperty("kind").GetString());
        float[] scores = [.. result.RootElement.GetProperty("scores").EnumerateArray().Select(s => s.GetSingle())];
        float[] expected = ClassifierData.Floats(classifier.Transform(ml.Data.LoadFromEnumerable(rows.Select(r => new ClassifierData.BinaryRow { Tokens = r }))));
        double difference = MaxAbsDifference(expected, scores);
        // float32: the model's scores; int8: within quantization noise of them
        double tolerance = int8 ? 0.1 * (expected.Max() - expected.Min()) : 1e-4;
        Assert.True(difference <= tolerance, $"max |fresh process − model| = {difference:G3} exceeds {tolerance:G3}");
    }

    /// <summary>The <c>onnx</c> sample on tiny settings: trains, exports both files, scores three ways, and ends with its
    /// JSON line, in which the float file scores as the model.</summary>
    [Fact]
    public void OnnxSampleRunsEndToEnd()
    {
        string output = TestPaths.NewTempDirectory();
        var (exit, log) = ProcessRunner.Run(TestPaths.DotnetHost, [TestPaths.SamplesDll, "onnx", "--rows", "200", "--dim", "16", "--heads", "2", "--layers", "1",
            "--vocab", "300", "--max-length", "32", "--out", output]);

        Assert.True(exit == 0, log);
        using var result = System.Text.Json.JsonDocument.Parse(log.Split('\n').Last(l => l.StartsWith('{')));
        AssertSampleLine(result.RootElement, log);
        Assert.True(File.Exists(Path.Combine(output, "imdb-classifier.int8.onnx")), log);
    }

    private static void AssertSampleLine(System.Text.Json.JsonElement json, string log)
    {
        Assert.Equal(200, json.GetProperty("test_rows").GetInt32());
        Assert.True(json.GetProperty("max_abs_diff").GetDouble() <= 1e-4, log);
        Assert.Equal(json.GetProperty("accuracy_torch").GetDouble(), json.GetProperty("accuracy_onnx").GetDouble());
        Assert.True(json.GetProperty("file_mb_int8").GetDouble() < json.GetProperty("file_mb_fp32").GetDouble(), log);
        foreach (string rate in new[] { "rows_per_second_torch", "rows_per_second_onnx", "rows_per_second_onnx_int8" })
            Assert.True(json.GetProperty(rate).GetDouble() > 0, log);
    }
}
