using Microsoft.ML.Transformer.Tests.Pretraining;
using static Microsoft.ML.Transformer.Tests.Onnx.OnnxClassifiers;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>The exported file inside an ordinary ML.NET pipeline: the fitted tokenizer (padded to max length) → ids as
/// Int64 → ML.NET's <c>ApplyOnnxModel</c> → <c>Evaluate</c>, against the same pipeline scored by TorchSharp.</summary>
public class ApplyOnnxModelTests
{
    private const int Length = 24;

    public sealed class OnnxScores
    {
        [VectorType] public float[] Score { get; set; } = [];

        [VectorType] public float[] Probability { get; set; } = [];

        [VectorType] public bool[] PredictedLabel { get; set; } = [];
    }

    public sealed class Scalars
    {
        public float OnnxScore { get; set; }

        public float OnnxProbability { get; set; }

        public bool OnnxPredictedLabel { get; set; }
    }

    [Fact]
    public void EvaluateGivesTheTorchSharpPipelinesMetrics()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(PretrainingData.Reviews(60));
        TokenizerTransformer tokenizer = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text",
            new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxLength = Length, PadToMaxLength = true }).Fit(data);
        using TransformerClassifierTransformer classifier = Create(ml, Shape(s => s with { SourceVocabularySize = tokenizer.VocabularySize, MaxLength = Length }),
            ClassifierPooling.Mean);
        ITransformer torch = tokenizer.Append(classifier);
        string file = Path.Combine(TestPaths.NewTempDirectory(), "classifier.onnx");
        ml.Model.ExportToOnnx(torch, file);

        IDataView tokens = tokenizer.Transform(data);
        ITransformer onnx = ml.Transforms.Conversion.ConvertType("input_ids", "Tokens", DataKind.Int64)
            .Append(ml.Transforms.ApplyOnnxModel(["Score", "Probability", "PredictedLabel"], ["input_ids"], file,
                shapeDictionary: new Dictionary<string, int[]> { ["input_ids"] = [1, Length] }, gpuDeviceId: null, fallbackToCpu: false, recursionLimit: 100))
            .Append(ml.Transforms.CustomMapping<OnnxScores, Scalars>((scores, scalars) =>
            {
                // ONNX outputs are tensors: ApplyOnnxModel gives each row's [1]-shaped score as a vector of one
                (scalars.OnnxScore, scalars.OnnxProbability, scalars.OnnxPredictedLabel) = (scores.Score[0], scores.Probability[0], scores.PredictedLabel[0]);
            }, contractName: null))
            .Fit(tokens);

        float[] torchScores = Classification.ClassifierData.Floats(torch.Transform(data));
        double difference = MaxAbsDifference(torchScores, Classification.ClassifierData.Floats(onnx.Transform(tokens), "OnnxScore"));
        Assert.True(difference <= 1e-4, $"max |ONNX − TorchSharp| = {difference:G3}");
        Assert.True(torchScores.Distinct().Count() > 30, "the scores should tell the rows apart");

        var expected = ml.BinaryClassification.Evaluate(torch.Transform(data));
        var actual = ml.BinaryClassification.Evaluate(onnx.Transform(tokens), scoreColumnName: "OnnxScore",
            probabilityColumnName: "OnnxProbability", predictedLabelColumnName: "OnnxPredictedLabel");
        Assert.Equal(expected.Accuracy, actual.Accuracy);
        Assert.Equal(expected.AreaUnderRocCurve, actual.AreaUnderRocCurve, 1e-9);
        Assert.Equal(expected.F1Score, actual.F1Score);
        Assert.Equal(expected.LogLoss, actual.LogLoss, 1e-5);
    }
}
