using Microsoft.ML.Transformer.LanguageModel;

namespace Microsoft.ML.Transformer.Tests.LanguageModel;

/// <summary>The language model learned end to end: loss, generation, caching, determinism, scoring and persistence.</summary>
public class LanguageModelTests(RhymeModelFixture fixture, ITestOutputHelper output) : IClassFixture<RhymeModelFixture>
{
    [Fact]
    public void LearnsThePatternOfTheText()
    {
        LanguageModelMetrics metrics = fixture.Model.Evaluate(fixture.Validation);
        output.WriteLine($"validation {metrics.NatsPerToken:F3} nats/token, {metrics.BitsPerCharacter:F3} bits/char; history: " +
            string.Join(" | ", fixture.Model.TrainingHistory.Select(e => $"{e.TrainingLoss:F3}/{e.ValidationLoss:F3}")));
        // Only the noun is uncertain: ln 4 nats over the 25 characters of a line is about 0.06 nats per character.
        Assert.True(metrics.NatsPerToken < 0.3, $"{metrics.NatsPerToken} nats/token");
        Assert.Equal(Math.Exp(metrics.NatsPerToken), metrics.Perplexity, 1e-9);
        Assert.Equal(metrics.NatsPerToken / Math.Log(2), metrics.BitsPerCharacter, 0.05);   // one token per character, plus [EOS]
        // KeepBestModel: the model is the epoch with the lowest validation loss (bf16 in training, fp32 here).
        Assert.Equal(fixture.Model.TrainingHistory.Min(e => e.ValidationLoss!.Value), metrics.NatsPerToken, 0.02);
    }

    [Fact]
    public void GreedyGenerationContinuesThePattern()
    {
        string text = fixture.Model.Generate("the dog sat o", maxNewTokens: 30, temperature: 0);
        output.WriteLine(text);
        Assert.StartsWith("n the mat.\nthe ", text);
    }

    [Fact]
    public void SameSeedSameTextOtherSeedOtherText()
    {
        string Sample(int seed) => fixture.Model.Generate("the ", maxNewTokens: 120, temperature: 1.5f, seed: seed);
        Assert.Equal(Sample(5), Sample(5));
        Assert.NotEqual(Sample(5), Sample(6));
    }

    [Fact]
    public void CachedGenerationEqualsRerunningTheContext()
    {
        // 100 tokens overflow the 32-token context several times: the cache is rebuilt, the uncached path crops.
        var options = new GenerationOptions { MaxNewTokens = 100, Temperature = 0, StopAtEndOfSequence = false };
        List<int> prompt = TextGenerator.Prompt(fixture.Model.Tokenizer.Tokenizer, "the owl");
        List<int> cached = TextGenerator.Generate(fixture.Model.Model, prompt, options, seed: 1, useCache: true);
        List<int> rerun = TextGenerator.Generate(fixture.Model.Model, prompt, options, seed: 1, useCache: false);
        Assert.Equal(100, cached.Count);
        Assert.Equal(rerun, cached);
    }

    [Fact]
    public void TransformCompletesThePromptColumnAsGenerateDoes()
    {
        var greedy = fixture.Model.WithGeneration(new GenerationOptions { MaxNewTokens = 12, Temperature = 0 });   // shares the weights
        string[] texts = ["the cat", "the fox sat", ""];
        IDataView prompts = fixture.Ml.Data.LoadFromEnumerable(texts.Select(t => new LanguageModelData.Document { Text = t }));
        string[] completions = [.. greedy.Transform(prompts).GetColumn<string>("Completion")];
        Assert.Equal(texts.Select(p => greedy.Generate(p)), completions);
        var engine = fixture.Ml.Model.CreatePredictionEngine<LanguageModelData.Document, Completed>(greedy);
        Assert.Equal(completions[1], engine.Predict(new LanguageModelData.Document { Text = "the fox sat" }).Completion);
    }

    [Fact]
    public void SavedAndLoadedModelGeneratesTheSame()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlt-lm-{Guid.NewGuid():N}.zip");
        try
        {
            fixture.Ml.Model.Save(fixture.Model, fixture.Train.Schema, path);
            using var loaded = Assert.IsType<LanguageModelTransformer>(new MLContext().Model.Load(path, out _));
            Assert.Equal(fixture.Model.Generate("the ", 60, temperature: 1f, seed: 9), loaded.Generate("the ", 60, temperature: 1f, seed: 9));
            Assert.Equal(fixture.Model.Evaluate(fixture.Validation), loaded.Evaluate(fixture.Validation));
            Assert.Equal(fixture.Model.TrainingHistory, loaded.TrainingHistory);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AttentionMapShowsCausalSelfAttentionOverThePrompt()
    {
        AttentionMap map = fixture.Model.GetAttention("the owl");
        Assert.Equal([AttentionKind.DecoderSelf], map.Kinds);
        Assert.Equal(["t", "h", "e", "▁", "o", "w", "l"], map.QueryTokens(AttentionKind.DecoderSelf));
        Assert.Equal(fixture.Model.Layers, map.Layers(AttentionKind.DecoderSelf));
        float[,] weights = map.Weights(AttentionKind.DecoderSelf, layer: 1, head: 2);
        for (int q = 0; q < weights.GetLength(0); q++)
        {
            float row = 0;
            for (int k = 0; k < weights.GetLength(1); k++)
            {
                if (k > q) Assert.Equal(0f, weights[q, k]);
                row += weights[q, k];
            }
            Assert.Equal(1f, row, 1e-5f);
        }
    }

    public sealed class Completed
    {
        public string Completion { get; set; } = "";
    }
}
