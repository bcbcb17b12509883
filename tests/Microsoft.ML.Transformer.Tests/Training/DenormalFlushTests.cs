using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>Denormal floats flush to zero on a thread that trains or scores; the opt-out variable leaves them.</summary>
public class DenormalFlushTests
{
    private const float SmallestNormal = 1.17549435e-38f;

    [Fact]
    public void AfterFlushingAProductBelowTheNormalRangeIsZero()
    {
        float product = 0;
        // a thread of its own: the mode is per thread and stays set
        var thread = new Thread(() =>
        {
            using Tensor tiny = tensor(new[] { 1e-30f });
            using (Tensor before = tiny * 1e-10f) Assert.InRange(before.item<float>(), 1e-41f, SmallestNormal); // precondition: IEEE mode
            Assert.True(DenormalFlush.OnThisThread(), "libtorch's setFlushDenormal was not found or refused");
            using Tensor after = tiny * 1e-10f;
            product = after.item<float>();
        });
        thread.Start();
        thread.Join();
        Assert.Equal(0f, product);
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
