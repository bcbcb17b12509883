using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Tests.Modules;

public class TransformerConfigTests
{
    private static readonly TransformerConfig Valid = new() { SourceVocabularySize = 100, TargetVocabularySize = 100 };

    [Fact]
    public void DefaultsAreThePapersBaseModel()
    {
        var config = Valid.Validate();
        Assert.Equal((512, 8, 64, 2048, 6, 6, 0.1), (config.ModelDimension, config.Heads, config.HeadDimension, config.ResolvedFeedForwardDimension,
            config.EncoderLayers, config.DecoderLayers, config.Dropout));
        Assert.Equal(0, config.AttentionDropout);
        Assert.False(config.NormFirst);
        Assert.Equal(PositionalEncodingKind.Sinusoidal, config.Positional);
    }

    private static readonly Dictionary<string, (TransformerConfig Config, string Message)> InvalidConfigs = new()
    {
        ["heads-do-not-divide-d_model"] = (Valid with { ModelDimension = 100, Heads = 8 }, "d_model (100) must be divisible by the number of heads (8)"),
        ["zero-heads"] = (Valid with { Heads = 0 }, "Heads must be positive"),
        ["negative-layers"] = (Valid with { EncoderLayers = -1 }, "layer counts cannot be negative"),
        ["dropout-one"] = (Valid with { Dropout = 1 }, "Dropout must be in [0, 1), got 1"),
        ["negative-attention-dropout"] = (Valid with { AttentionDropout = -0.1 }, "AttentionDropout must be in [0, 1)"),
        ["zero-max-length"] = (Valid with { MaxLength = 0 }, "MaxLength must be positive"),
        ["zero-d_ff"] = (Valid with { FeedForwardDimension = 0 }, "FeedForwardDimension must be positive"),
        ["odd-d_model-with-sinusoids"] = (Valid with { ModelDimension = 9, Heads = 1 }, "d_model must be even"),
        ["no-source-vocabulary"] = (Valid with { SourceVocabularySize = 0 }, "an encoder needs a source vocabulary"),
        ["shared-embeddings-different-vocabularies"] = (Valid with { ShareSourceTargetEmbeddings = true, TargetVocabularySize = 50 }, "source has 100 and target 50 tokens"),
        ["padding-id-out-of-range"] = (Valid with { PaddingId = 100 }, "PaddingId must be a valid token id, got 100"),
    };

    public static TheoryData<string> InvalidCases => new(InvalidConfigs.Keys);

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void InvalidSettingsAreNamed(string name)
    {
        var (config, expected) = InvalidConfigs[name];
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => config.Validate()).Message);
    }

    [Fact]
    public void OddModelDimensionIsFineWithLearnedPositions()
        => (Valid with { ModelDimension = 9, Heads = 3, Positional = PositionalEncodingKind.Learned }).Validate();
}
