using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

public class ScaledDotProductAttentionTests
{
    private static (Tensor Q, Tensor K, Tensor V) Inputs(long lq, long lk, ScalarType dtype = ScalarType.Float32, long seed = 1)
    {
        using var g = new Generator((ulong)seed);
        return (randn([2, 3, lq, 8], dtype, generator: g), randn([2, 3, lk, 8], dtype, generator: g), randn([2, 3, lk, 8], dtype, generator: g));
    }

    private static Tensor PaddingMask()
    {
        using Tensor ids = tensor(new long[,] { { 5, 6, 7, 8, 9, 0 }, { 5, 6, 7, 0, 0, 0 } });
        return AttentionMasks.KeyPadding(ids, 0);
    }

    [Fact]
    public void RowsSumToOneAndMaskedKeysGetZeroWeight()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Inputs(4, 6);
        Tensor mask = PaddingMask();
        ScaledDotProductAttention.Explicit(q, k, v, mask, causal: false, dropout: 0, out Tensor weights);

        TensorAssert.Close(ones(2, 3, 4), weights.sum(-1), 1e-6);
        Assert.Equal(0.0, weights[0, .., .., 5].abs().max().item<float>());
        Assert.Equal(0.0, weights[1, .., .., 3..].abs().max().item<float>());
        Assert.True(weights[1, .., .., ..3].min().item<float>() > 0);
    }

    [Fact]
    public void ExplicitFormulaMatchesSoftmaxOfScaledScoresComputedByHand()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Inputs(4, 6, ScalarType.Float64);
        Tensor output = ScaledDotProductAttention.Explicit(q, k, v, null, false, 0, out _);

        // One row by hand, with scalar arithmetic: softmax_j(q·k_j / √8) then Σ_j w_j v_j.
        double[] qi = q[1, 2, 3].data<double>().ToArray();
        double[] scores = Enumerable.Range(0, 6).Select(j => k[1, 2, j].data<double>().ToArray().Zip(qi, (a, b) => a * b).Sum() / Math.Sqrt(8)).ToArray();
        double[] w = scores.Select(s => Math.Exp(s - scores.Max())).ToArray();
        w = w.Select(x => x / w.Sum()).ToArray();
        double[] expected = Enumerable.Range(0, 8).Select(d => Enumerable.Range(0, 6).Sum(j => w[j] * v[1, 2, j, d].item<double>())).ToArray();
        Assert.Equal(expected, output[1, 2, 3].data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void ExplicitAndFusedAgree(bool withPadding, bool causal)
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Inputs(6, 6);
        Tensor? mask = withPadding ? PaddingMask() : null;
        Tensor fused = ScaledDotProductAttention.Fused(q, k, v, mask, causal, 0);
        Tensor explicitOutput = ScaledDotProductAttention.Explicit(q, k, v, mask, causal, 0, out _);
        TensorAssert.Close(explicitOutput, fused, 1e-5);
    }

    [Fact]
    public void ExplicitAndFusedGradientsAgree()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Inputs(6, 6);
        Tensor[] Gradients(bool fused)
        {
            var (a, b, c) = (q.detach().requires_grad_(), k.detach().requires_grad_(), v.detach().requires_grad_());
            Tensor output = fused ? ScaledDotProductAttention.Fused(a, b, c, PaddingMask(), true, 0)
                                  : ScaledDotProductAttention.Explicit(a, b, c, PaddingMask(), true, 0, out _);
            output.pow(2).sum().backward();
            return [a.grad!, b.grad!, c.grad!];
        }
        foreach (var (e, f) in Gradients(false).Zip(Gradients(true))) TensorAssert.Close(e, f, 1e-5);
    }

    [Fact]
    public void CausalWeightsAreLowerTriangularAndAlignedToTheEndWhenKeysAreLonger()
    {
        using var scope = NewDisposeScope();
        var (q, k, v) = Inputs(2, 5);     // 2 new queries after 3 cached positions: they sit at positions 3 and 4
        ScaledDotProductAttention.Explicit(q, k, v, null, causal: true, 0, out Tensor weights);
        Assert.Equal(0.0, weights[.., .., 0, 4].abs().max().item<float>());
        Assert.True(weights[.., .., 0, ..4].min().item<float>() > 0);
        Assert.True(weights[.., .., 1, ..].min().item<float>() > 0);
        Tensor fused = ScaledDotProductAttention.Fused(q, k, v, null, true, 0);
        TensorAssert.Close(ScaledDotProductAttention.Explicit(q, k, v, null, true, 0, out _), fused, 1e-5);
    }

    [Fact]
    public void ARowWithNoTokensStaysFinite()
    {
        using var scope = NewDisposeScope();
        Tensor mask = AttentionMasks.KeyPadding(tensor(new long[,] { { 0, 0, 0 }, { 4, 0, 0 } }), 0);
        Assert.Equal(new[] { true, false, false, true, false, false }, mask.flatten().data<bool>().ToArray());
        var (q, k, v) = Inputs(3, 3);
        Assert.False(ScaledDotProductAttention.Fused(q, k, v, mask, false, 0).isnan().any().item<bool>());
    }
}
