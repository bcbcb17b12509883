using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

public class EncoderDecoderTests
{
    private static Tensor Source() => tensor(new long[,] { { 4, 9, 12, 5, 3 }, { 8, 11, 0, 0, 0 } });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DecoderOutputAtTDoesNotDependOnLaterTokens(bool normFirst)
    {
        using var scope = NewDisposeScope();
        using var model = new EncoderDecoder(TinyModels.Config(normFirst), seed: 1);
        Tensor target = tensor(new long[,] { { 2, 7, 8, 9, 10, 11 }, { 2, 13, 14, 15, 16, 17 } });
        Tensor changedAfter3 = target.clone();
        changedAfter3[.., 3..] = tensor(new long[,] { { 20, 21, 22 }, { 5, 5, 5 } });

        Tensor logits = model.Logits(model.Forward(Source(), target));
        Tensor changedLogits = model.Logits(model.Forward(Source(), changedAfter3));

        TensorAssert.Close(logits[.., ..3], changedLogits[.., ..3], 1e-5);
        Assert.True(TensorAssert.MaxAbsDifference(logits[.., 3..], changedLogits[.., 3..]) > 1e-3);
    }

    [Fact]
    public void OutputShapeIsBatchByTargetLengthByTargetVocabulary()
    {
        using var scope = NewDisposeScope();
        using var model = new EncoderDecoder(TinyModels.Config(), seed: 1);
        Assert.Equal(new long[] { 2, 7, 23 }, model.Logits(model.Forward(Source(), ones(2, 7, dtype: ScalarType.Int64))).shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IncrementalDecodingWithTheCacheEqualsFullRecomputation(bool normFirst)
    {
        using var scope = NewDisposeScope();
        using var model = new EncoderDecoder(TinyModels.Config(normFirst), seed: 2);
        Tensor target = tensor(new long[,] { { 2, 7, 8, 9, 10, 11 }, { 2, 13, 14, 15, 16, 17 } });
        Tensor full = model.Logits(model.Forward(Source(), target));

        var (memory, sourceMask) = model.Encode(Source());
        using DecoderCache cache = model.NewCache();
        var steps = new List<Tensor>();
        for (int t = 0; t < 6; t++)
        {
            using var step = NewDisposeScope();
            // After the first step the cross-attention keys/values come from the cache, not from memory.
            steps.Add(model.Logits(model.Decode(target[.., t..(t + 1)], t == 0 ? memory : null, sourceMask, cache)).MoveToOuterDisposeScope());
        }

        Assert.Equal(6, cache.Length);
        TensorAssert.Close(full, cat(steps, 1), 1e-5);
    }

    [Fact]
    public void ReorderingTheCacheFollowsTheChosenRows()
    {
        using var scope = NewDisposeScope();
        using var model = new EncoderDecoder(TinyModels.Config(), seed: 2);
        Tensor target = tensor(new long[,] { { 2, 7, 8 }, { 2, 13, 14 } });
        var (memory, sourceMask) = model.Encode(Source());
        using DecoderCache cache = model.NewCache();
        model.Decode(target[.., ..2], memory, sourceMask, cache);

        Tensor swap = tensor(new long[] { 1, 1 });   // both rows continue row 1's hypothesis
        cache.Reorder(swap);
        Tensor next = model.Logits(model.Decode(target.index_select(0, swap)[.., 2..3], null, sourceMask.index_select(0, swap), cache));

        Tensor expected = model.Logits(model.Forward(Source().index_select(0, swap), target.index_select(0, swap)))[.., 2..3];
        TensorAssert.Close(expected, next, 1e-5);
    }

    [Fact]
    public void TiedProjectionUsesTheTargetEmbeddingMatrix()
    {
        using var scope = NewDisposeScope();
        var config = TinyModels.Config() with { TieOutputProjection = true, ShareSourceTargetEmbeddings = true, TargetVocabularySize = 20 };
        using var model = new EncoderDecoder(config, seed: 3);
        var names = model.named_parameters().Select(p => p.name).ToList();
        Assert.DoesNotContain(names, n => n.StartsWith("output_projection", StringComparison.Ordinal));
        var state = model.state_dict();
        Assert.Same(state["source_embedding.tokens.weight"], state["target_embedding.tokens.weight"]);
        Assert.Equal(new long[] { 1, 3, 20 }, model.Logits(model.Forward(Source()[..1], tensor(new long[,] { { 2, 5, 6 } }))).shape);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        // gradcheck-style: float64 tiny model, loss = Σ logits ⊙ R, central differences on a sample of parameters.
        using var scope = NewDisposeScope();
        var config = TinyModels.Config() with { ModelDimension = 8, Heads = 2, FeedForwardDimension = 12, EncoderLayers = 1, DecoderLayers = 1, SourceVocabularySize = 10, TargetVocabularySize = 11 };
        using var model = new EncoderDecoder(config, seed: 4);
        model.to(ScalarType.Float64);
        Tensor source = tensor(new long[,] { { 3, 4, 5, 0 } }), target = tensor(new long[,] { { 2, 6, 7 } });
        Tensor weights = randn([1, 3, 11], ScalarType.Float64, generator: new Generator(9));
        Tensor Loss() => (model.Logits(model.Forward(source, target)) * weights).sum();

        Loss().backward();
        var generator = new Random(11);
        int checkedEntries = 0;
        using var noGrad = no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            Tensor flat = parameter.view(-1);
            Tensor gradient = parameter.grad!.view(-1);
            for (int sample = 0; sample < 2; sample++)
            {
                long i = generator.NextInt64(flat.shape[0]);
                double original = flat[i].item<double>();
                const double h = 1e-6;
                flat[i] = original + h;
                double plus = Loss().item<double>();
                flat[i] = original - h;
                double minus = Loss().item<double>();
                flat[i] = original;
                double numeric = (plus - minus) / (2 * h), analytic = gradient[i].item<double>();
                Assert.True(Math.Abs(numeric - analytic) <= 1e-5 + 1e-4 * Math.Abs(numeric),
                    $"{name}[{i}]: analytic {analytic:G6}, numeric {numeric:G6}");
                checkedEntries++;
            }
        }
        Assert.True(checkedEntries >= 50, $"only {checkedEntries} entries checked");
    }
}
