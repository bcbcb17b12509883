using Microsoft.ML.Transformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

/// <summary>How the token table is drawn: Glorot/Xavier uniform by default, N(0, 1/d_model) on request, every other
/// weight matrix Xavier either way; the shape's option reaches the models that trainers build.</summary>
public class EmbeddingInitializationTests
{
    private const int ModelDimension = 64, Vocabulary = 4_000;   // 256,000 draws: sample deviations within ±0.3 %
    private const string TokenTableParameter = $"{TransformerEmbedding.TokenTableName}.weight";

    [Fact]
    public void NormalDrawsTheTokenTableWithUnitVarianceAfterTheSqrtDModelScale()
    {
        using var scope = NewDisposeScope();
        using var model = new TransformerEncoderModel(Config(EmbeddingInitialization.Normal), seed: 1);
        Tensor table = model.TokenTable.weight!;

        Assert.InRange(table.std().item<float>() * Math.Sqrt(ModelDimension), 0.98, 1.02);
        Assert.InRange(Math.Abs(table.mean().item<float>()), 0, 1e-3);
        // a normal draw, not a uniform one: a uniform of this deviation would stop at √3 σ
        Assert.True(table.abs().max().item<float>() > 3.5 / Math.Sqrt(ModelDimension));
    }

    [Fact]
    public void XavierUniformStaysTheDefault()
    {
        using var scope = NewDisposeScope();
        Assert.Equal(EmbeddingInitialization.XavierUniform, new TransformerShape().EmbeddingInitialization);
        using var model = new TransformerEncoderModel(Config(EmbeddingInitialization.XavierUniform), seed: 1);
        Tensor table = model.TokenTable.weight!;

        double bound = Math.Sqrt(6.0 / (Vocabulary + ModelDimension));
        Assert.InRange(table.std().item<float>() / (bound / Math.Sqrt(3)), 0.98, 1.02);
        Assert.True(table.abs().max().item<float>() <= bound);
    }

    [Fact]
    public void EveryOtherWeightMatrixStaysXavierUniform()
    {
        using var scope = NewDisposeScope();
        using var model = new EncoderDecoder(Config(EmbeddingInitialization.Normal, TransformerStacks.EncoderDecoder), seed: 1);
        var matrices = model.named_parameters().Where(p => p.parameter.dim() > 1 && !p.name.EndsWith(TokenTableParameter, StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(matrices);
        foreach (var (name, parameter) in matrices)
        {
            double bound = Math.Sqrt(6.0 / (parameter.shape[0] + parameter.shape[1]));
            float largest = parameter.abs().max().item<float>();
            Assert.True(largest <= bound && largest > 0.9 * bound, $"{name}: largest |w| {largest} against the Xavier bound {bound}");
        }
    }

    [Theory]
    [InlineData(nameof(TransformerStacks.Encoder))]
    [InlineData(nameof(TransformerStacks.Decoder))]
    [InlineData(nameof(TransformerStacks.EncoderDecoder))]
    public void TheShapesOptionReachesEveryModelATrainerBuilds(string stacksName)
    {
        using var scope = NewDisposeScope();
        var stacks = Enum.Parse<TransformerStacks>(stacksName);
        using nn.Module model = stacks switch
        {
            TransformerStacks.Encoder => new TransformerEncoderModel(Config(EmbeddingInitialization.Normal, stacks), seed: 3),
            TransformerStacks.Decoder => new DecoderOnlyModel(Config(EmbeddingInitialization.Normal, stacks), seed: 3),
            _ => new EncoderDecoder(Config(EmbeddingInitialization.Normal, stacks), seed: 3),
        };
        var tables = model.named_parameters().Where(p => p.name.EndsWith(TokenTableParameter, StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(tables);
        foreach (var (name, table) in tables)
            Assert.True(Math.Abs(table.std().item<float>() * Math.Sqrt(ModelDimension) - 1) < 0.02, $"{name} was not drawn N(0, 1/d_model)");
    }

    [Fact]
    public void TheSeedFixesTheNormalDraw()
    {
        float[] Table(long seed)
        {
            using var model = new TransformerEncoderModel(Config(EmbeddingInitialization.Normal), seed);
            return model.TokenTable.weight!.data<float>().ToArray();
        }
        Assert.Equal(Table(5), Table(5));
        Assert.NotEqual(Table(5), Table(6));
    }

    /// <summary>The shape as an options object holds it, turned into a model configuration as the trainers do.</summary>
    private static TransformerConfig Config(EmbeddingInitialization initialization, TransformerStacks stacks = TransformerStacks.Encoder)
        => new TransformerShape { ModelDimension = ModelDimension, Heads = 4, Layers = 1, FeedForwardDimension = 128, EmbeddingInitialization = initialization }
            .ToConfig(stacks) with
        {
            SourceVocabularySize = stacks == TransformerStacks.Decoder ? 0 : Vocabulary,
            TargetVocabularySize = stacks == TransformerStacks.Encoder ? 0 : Vocabulary,
            ShareSourceTargetEmbeddings = stacks == TransformerStacks.EncoderDecoder,
            TieOutputProjection = stacks != TransformerStacks.Encoder,
            MaxLength = 32,
        };
}
