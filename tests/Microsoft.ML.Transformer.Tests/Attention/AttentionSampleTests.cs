using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Attention;

/// <summary>The <c>attention</c> sample loads a saved model in a fresh process and writes the picture and the page.</summary>
[Collection(AttentionModelsCollection.Name)]
public class AttentionSampleTests(AttentionModels models)
{
    [Fact]
    public void SampleWritesPngAndHtmlForASavedSeq2SeqModel()
    {
        using var temp = new ClassifierData.TempDirectory();
        string model = temp.Sub("reverse.zip"), output = temp.Sub("out");
        models.Ml.Model.Save(models.Seq2Seq, null, model);

        var (exit, log) = ProcessRunner.Run(TestPaths.DotnetHost,
            [TestPaths.SamplesDll, "attention", "--model", model, "--text", "c a f b", "--out", output, "--panel", "150"]);

        Assert.True(exit == 0, log);
        Assert.Contains("EncoderDecoder: 1 layer(s) × 2 head(s)", log);
        Assert.Contains("queries: c | a | f | b | [EOS]", log);
        Assert.True(new FileInfo(Path.Combine(output, "attention.png")).Length > 1000);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(Path.Combine(output, "attention.html")));
        Assert.Contains("wrote " + Path.Combine(output, "attention.html"), log);
    }

    [Fact]
    public void SampleExplainsAModelWithoutAttention()
    {
        using var temp = new ClassifierData.TempDirectory();
        string model = temp.Sub("tokenizer.zip");
        models.Ml.Model.Save(models.ClassifierTokens, null, model);

        var (exit, log) = ProcessRunner.Run(TestPaths.DotnetHost, [TestPaths.SamplesDll, "attention", "--model", model, "--text", "the plot"]);

        Assert.Equal(1, exit);
        Assert.Contains("no Transformer model with attention", log);
    }
}
