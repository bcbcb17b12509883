using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>Denormal floats flush to zero while training (on a thread of its own) and while scoring a block; the
/// caller's thread keeps IEEE arithmetic; the opt-out variable leaves the mode alone.</summary>
public class DenormalFlushTests
{
    private const float SmallestNormal = 1.17549435e-38f;

    /// <summary>1e-30 × 1e-10: 1e-40 in IEEE arithmetic (a denormal), 0 when denormals flush.</summary>
    private static float DenormalProduct()
    {
        using Tensor tiny = tensor(new[] { 1e-30f });
        using Tensor product = tiny * 1e-10f;
        return product.item<float>();
    }

    private static T OnFreshThread<T>(Func<T> work)
    {
        T result = default!;
        var thread = new Thread(() => result = work());
        thread.Start();
        thread.Join();
        return result;
    }

    [Fact]
    public void ADuringScopeFlushesAndThenRestoresIeeeArithmetic()
    {
        Assert.True(DenormalFlush.Available, "libtorch's setFlushDenormal was not found");
        var (before, during, after) = OnFreshThread(() =>
        {
            float b = DenormalProduct();
            float d;
            using (DenormalFlush.During()) d = DenormalProduct();
            return (b, d, DenormalProduct());
        });
        Assert.InRange(before, 1e-41f, SmallestNormal);
        Assert.Equal(0f, during);
        Assert.Equal(before, after);
    }

    [Fact]
    public void TrainingFlushesOnItsOwnThreadAndLeavesTheCallersAlone()
    {
        var ml = new MLContext(seed: 1);
        TransformerClassifierOptions options = ClassifierData.Options(epochs: 1);
        var duringTraining = new List<(float Product, int Thread)>();
        options.ProgressInterval = 1;
        options.OnProgress = _ => duringTraining.Add((DenormalProduct(), Environment.CurrentManagedThreadId));

        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 32));

        Assert.NotEmpty(duringTraining);
        Assert.All(duringTraining, step => Assert.Equal(0f, step.Product));
        Assert.All(duringTraining, step => Assert.NotEqual(Environment.CurrentManagedThreadId, step.Thread));
        Assert.InRange(DenormalProduct(), 1e-41f, SmallestNormal);
    }

    [Fact]
    public void AnErrorInsideTrainingReachesTheCallerWithItsType()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DenormalFlush.Run<int>(() => throw new InvalidOperationException("inside")));
        Assert.Equal("inside", error.Message);
        Assert.Contains(nameof(AnErrorInsideTrainingReachesTheCallerWithItsType), error.StackTrace);
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
