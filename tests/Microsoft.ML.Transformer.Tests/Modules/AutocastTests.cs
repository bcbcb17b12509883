using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

public class AutocastTests
{
    private static Tensor Source() => tensor(new long[,] { { 4, 9, 12, 5, 3 }, { 8, 11, 0, 0, 0 } });

    private static Tensor Target() => tensor(new long[,] { { 2, 7, 8, 9 }, { 2, 13, 14, 0 } });

    [Fact]
    public void Bf16ForwardStaysCloseToFloat32AndReturnsFloat32Logits()
    {
        using var scope = NewDisposeScope();
        using var model = new EncoderDecoder(TinyModels.Config() with { ModelDimension = 64, Heads = 4, FeedForwardDimension = 128 }, seed: 1);
        Tensor full = model.Logits(model.Forward(Source(), Target()));
        Tensor mixed;
        using (Autocast.Enable(ScalarType.BFloat16)) mixed = model.Logits(model.Forward(Source(), Target()));

        Assert.Equal(ScalarType.Float32, mixed.dtype);
        double difference = TensorAssert.MaxAbsDifference(full, mixed), scale = full.abs().max().item<float>();
        Assert.True(difference > 0, "bf16 was not used");                  // the casts really happen
        Assert.True(difference < 0.05 * scale, $"max |Δ| {difference:G3} vs max |logit| {scale:G3}");
    }

    [Fact]
    public void Bf16BackwardLeavesFloat32ParametersWithGradientsNearTheFloat32Ones()
    {
        using var scope = NewDisposeScope();
        using var model = new EncoderDecoder(TinyModels.Config() with { ModelDimension = 64, Heads = 4, FeedForwardDimension = 128 }, seed: 1);
        Tensor Gradient(ScalarType? precision)
        {
            model.zero_grad();
            using (Autocast.Enable(precision))
                nn.functional.cross_entropy(model.Logits(model.Forward(Source(), Target())).flatten(0, 1), Target().flatten()).backward();
            return cat(model.parameters().Select(p => p.grad!.flatten()).ToArray());
        }
        Tensor full = Gradient(null), mixed = Gradient(ScalarType.BFloat16);

        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Equal(ScalarType.Float32, mixed.dtype);
        double cosine = nn.functional.cosine_similarity(full.unsqueeze(0), mixed.unsqueeze(0)).item<float>();
        Assert.True(cosine > 0.99, $"cosine(grad fp32, grad bf16) = {cosine}");
    }

    [Fact]
    public void ExplicitAttentionInBf16KeepsFloat32Weights()
    {
        using var scope = NewDisposeScope();
        Tensor q = randn(1, 2, 5, 8).to(ScalarType.BFloat16), k = randn(1, 2, 5, 8).to(ScalarType.BFloat16), v = randn(1, 2, 5, 8).to(ScalarType.BFloat16);
        Tensor output = ScaledDotProductAttention.Explicit(q, k, v, null, causal: true, 0, out Tensor weights);
        Assert.Equal(ScalarType.Float32, weights.dtype);
        Assert.Equal(ScalarType.BFloat16, output.dtype);
        TensorAssert.Close(ones(1, 2, 5), weights.sum(-1), 1e-6);
    }

    [Fact]
    public void ScopesNestAndRestore()
    {
        Assert.Null(Autocast.Current);
        using (Autocast.Enable(ScalarType.BFloat16))
        {
            using (Autocast.Enable(null)) Assert.Null(Autocast.Current);
            Assert.Equal(ScalarType.BFloat16, Autocast.Current);
        }
        Assert.Null(Autocast.Current);
    }
}
