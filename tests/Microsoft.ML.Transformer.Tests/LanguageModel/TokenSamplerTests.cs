using Microsoft.ML.Transformer.LanguageModel;

namespace Microsoft.ML.Transformer.Tests.LanguageModel;

/// <summary>Temperature, top-k and top-p sampling against their definitions.</summary>
public class TokenSamplerTests
{
    private static readonly float[] Logits = [2f, 1f, 0f, -1f, 0.5f];

    private static int[] Counts(GenerationOptions options, int draws = 20_000)
    {
        var sampler = new TokenSampler(options, Logits.Length, seed: 1);
        var counts = new int[Logits.Length];
        for (int i = 0; i < draws; i++) counts[sampler.Next(Logits)]++;
        return counts;
    }

    private static double[] Softmax(IEnumerable<float> logits, float temperature)
    {
        double[] e = [.. logits.Select(l => Math.Exp(l / temperature))];
        return [.. e.Select(x => x / e.Sum())];
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(0.5f)]
    [InlineData(2f)]
    public void DrawsFollowTheTemperedSoftmax(float temperature)
    {
        int[] counts = Counts(new GenerationOptions { Temperature = temperature });
        double[] expected = Softmax(Logits, temperature);
        for (int i = 0; i < Logits.Length; i++) Assert.Equal(expected[i], counts[i] / 20_000.0, 0.015);
    }

    [Fact]
    public void TemperatureZeroIsArgMax() => Assert.Equal(20_000, Counts(new GenerationOptions { Temperature = 0 })[0]);

    [Fact]
    public void TopKKeepsTheKMostProbable()
    {
        int[] counts = Counts(new GenerationOptions { TopK = 2 });
        Assert.Equal(0, counts[2] + counts[3] + counts[4]);
        double[] two = Softmax([2f, 1f], 1f);
        Assert.Equal(two[0], counts[0] / 20_000.0, 0.015);
    }

    [Fact]
    public void TopPKeepsTheSmallestNucleus()
    {
        double[] p = Softmax(Logits, 1f);   // sorted: 0 (0.49), 1 (0.18), 4 (0.11), 2 (0.07), 3 (0.02)
        int[] counts = Counts(new GenerationOptions { TopP = (float)(p[0] + p[1] + 0.01) });
        Assert.Equal(0, counts[2] + counts[3]);
        Assert.True(counts[4] > 0, "the token that crosses p is kept");
        Assert.Equal(1, Counts(new GenerationOptions { TopP = 0.01f }).Count(c => c > 0));
    }

    [Fact]
    public void InvalidSettingsAreNamed()
    {
        Assert.Contains("Temperature", Assert.Throws<ArgumentOutOfRangeException>(() => new GenerationOptions { Temperature = -1 }.Validate()).Message);
        Assert.Contains("TopK", Assert.Throws<ArgumentOutOfRangeException>(() => new GenerationOptions { TopK = 0 }.Validate()).Message);
        Assert.Contains("TopP", Assert.Throws<ArgumentOutOfRangeException>(() => new GenerationOptions { TopP = 1.5f }.Validate()).Message);
    }
}
