using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

public class CounterDropoutTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(123_456_789)]
    [InlineData(-987_654_321)]
    public void TheTensorMaskIsTheWrittenOutHash(int seed)
    {
        using var scope = NewDisposeScope();
        const double p = 0.3;
        bool[] mask = CounterDropout.KeepMask([7, 11, 13], p, seed).flatten().data<bool>().ToArray();
        int threshold = (int)Math.Round(p * (1 << 24));
        for (int i = 0; i < mask.Length; i++)
            Assert.True(mask[i] == CounterDropout.Hash(i, seed) >= threshold, $"element {i} of seed {seed}");
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void KeepsOneMinusPOfTheElementsWithoutCorrelationBetweenNeighbours(double p)
    {
        using var scope = NewDisposeScope();
        Tensor keep = CounterDropout.KeepMask([1_000_000], p, seed: 42).to(ScalarType.Float32);
        double share = keep.mean().item<float>();
        Assert.InRange(share, 1 - p - 0.002, 1 - p + 0.002);                    // σ of the share is ≤ 0.0005
        // neighbours (one apart, and one row of 128 apart) are kept together as often as independence predicts
        foreach (long lag in new long[] { 1, 128 })
        {
            double both = keep.narrow(0, 0, 1_000_000 - lag).mul(keep.narrow(0, lag, 1_000_000 - lag)).mean().item<float>();
            Assert.InRange(both, share * share - 0.003, share * share + 0.003);
        }
        // different seeds give different masks
        Tensor other = CounterDropout.KeepMask([1_000_000], p, seed: 43).to(ScalarType.Float32);
        Assert.InRange(keep.mul(other).mean().item<float>(), share * share - 0.003, share * share + 0.003);
    }

    [Fact]
    public void TrainingZeroesAndScalesTheSameElementsUnderTheSameSeedAndEvaluationIsIdentity()
    {
        using var scope = NewDisposeScope();
        using var dropout = new CounterDropout(0.25);
        Tensor x = rand(64, 32).add_(1);
        dropout.train();
        manual_seed(7);
        Tensor first = dropout.forward(x);
        manual_seed(7);
        Tensor again = dropout.forward(x);
        Tensor next = dropout.forward(x);

        Assert.True(first.equal(again).all().item<bool>());                                                    // seeded: repeatable
        Assert.False(first.equal(next).all().item<bool>());                                                    // a new mask per call
        Tensor kept = first.ne(0);
        Assert.True(first.masked_select(kept).allclose(x.masked_select(kept).div(0.75)));   // kept ones scaled by 1/(1 − p)
        double dropped = 1 - kept.to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(dropped, 0.2, 0.3);
        dropout.eval();
        Assert.Same(x, dropout.forward(x));
    }

    [Fact]
    public void TheGradientPassesOnlyThroughKeptElementsScaled()
    {
        using var scope = NewDisposeScope();
        Tensor x = rand(16, 8).add_(1).requires_grad_(true);
        manual_seed(3);
        Tensor y = CounterDropout.Apply(x, 0.5, training: true);
        y.sum().backward();
        Tensor expected = y.detach().ne(0).to(ScalarType.Float32).mul(2);
        Assert.True(x.grad!.equal(expected).all().item<bool>());
    }

    [Fact]
    public void RejectsAProbabilityOutsideZeroToOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CounterDropout(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CounterDropout(-0.1));
    }
}
