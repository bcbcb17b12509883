using Microsoft.ML.Transformer.Compute;
using Microsoft.ML.Transformer.Tests.Classification;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>Denormal floats flush to zero while training and while scoring a block, on the calling thread and its
/// OpenMP workers; IEEE arithmetic comes back after; the opt-out variable leaves the mode alone.</summary>
public class DenormalFlushTests
{
    private const float SmallestNormal = 1.17549435e-38f;

    /// <summary>1e-30 × 1e-10 over 4M elements, which libtorch splits across its OpenMP threads: the count of results
    /// that are not zero (all of them in IEEE arithmetic, 1e-40 each; none when every thread flushes).</summary>
    private static long NonZeroDenormalProducts()
    {
        using Tensor tiny = full(4_000_000, 1e-30f);
        using Tensor product = tiny * 1e-10f;
        using Tensor nonZero = product.count_nonzero();
        return nonZero.item<long>();
    }

    [Fact]
    public void ADuringScopeFlushesOnEveryThreadAndThenRestoresIeeeArithmetic()
    {
        Assert.True(DenormalFlush.Available, "libtorch's setFlushDenormal was not found");
        Assert.True(get_num_threads() > 1, "precondition: libtorch computes on more than one thread");
        // the workers exist before the scope, as they do when other tensor work ran first on the thread
        var (before, during, after) = FreshThread.Run(() =>
        {
            long b = NonZeroDenormalProducts();
            long d;
            using (DenormalFlush.During()) d = NonZeroDenormalProducts();
            return (b, d, NonZeroDenormalProducts());
        });
        Assert.Equal(4_000_000, before);
        Assert.Equal(0, during);
        Assert.Equal(4_000_000, after);
    }

    [Fact]
    public void TrainingFlushesAndThenRestoresIeeeArithmetic()
    {
        var ml = new MLContext(seed: 1);
        TransformerClassifierOptions options = ClassifierData.Options(epochs: 1);
        var duringTraining = new List<long>();
        options.ProgressInterval = 1;
        options.OnProgress = _ => duringTraining.Add(NonZeroDenormalProducts());

        long after = FreshThread.Run(() =>
        {
            using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 32));
            return NonZeroDenormalProducts();
        });

        Assert.NotEmpty(duringTraining);
        Assert.All(duringTraining, count => Assert.Equal(0, count));
        Assert.Equal(4_000_000, after);
    }

    [Fact]
    public void ScoringLeavesIeeeArithmeticOnTheCallersThread()
    {
        var ml = new MLContext(seed: 1);
        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1))
            .Fit(ClassifierData.Binary(ml, 32));
        long? inside = null;
        float product = FreshThread.Run(() =>
        {
            using DataViewRowCursor cursor = model.Transform(ClassifierData.Binary(ml, 4)).GetRowCursor(model.GetOutputSchema(ClassifierData.Binary(ml, 4).Schema));
            var score = cursor.GetGetter<float>(cursor.Schema["Score"]);
            float value = 0;
            while (cursor.MoveNext()) score(ref value);
            inside = NonZeroDenormalProducts();
            return value;
        });
        Assert.False(float.IsNaN(product));
        Assert.Equal(4_000_000, inside); // restored after the block
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData(" off ", true)]
    [InlineData("FALSE", true)]
    [InlineData("1", false)]
    [InlineData(null, false)]
    public void TheVariableOptsOut(string? value, bool optedOut)
        => Assert.Equal(optedOut, DenormalFlush.OptedOut(name => name == DenormalFlush.OptOutVariable ? value : null));
}
