using Microsoft.ML.Transformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

public class SinusoidalPositionsTests
{
    private const int MaxLength = 50, DModel = 16;

    [Fact]
    public void InterleavedLayoutIsThePapersClosedForm()
    {
        using Tensor table = SinusoidalPositions.Table(MaxLength, DModel, concatenated: false, ScalarType.Float64);
        var values = table.data<double>().ToArray();
        for (int pos = 0; pos < MaxLength; pos++)
            for (int i = 0; i < DModel / 2; i++)
            {
                double angle = pos / Math.Pow(10000, 2.0 * i / DModel);
                Assert.Equal(Math.Sin(angle), values[pos * DModel + 2 * i], 12);       // PE(pos, 2i)
                Assert.Equal(Math.Cos(angle), values[pos * DModel + 2 * i + 1], 12);   // PE(pos, 2i+1)
            }
    }

    [Fact]
    public void ConcatenatedLayoutHasTheSameSinusoidsSinesFirst()
    {
        using Tensor table = SinusoidalPositions.Table(MaxLength, DModel, concatenated: true, ScalarType.Float64);
        var values = table.data<double>().ToArray();
        for (int pos = 0; pos < MaxLength; pos++)
            for (int i = 0; i < DModel / 2; i++)
            {
                double angle = pos / Math.Pow(10000, 2.0 * i / DModel);
                Assert.Equal(Math.Sin(angle), values[pos * DModel + i], 12);
                Assert.Equal(Math.Cos(angle), values[pos * DModel + DModel / 2 + i], 12);
            }
    }

    [Fact]
    public void OddModelDimensionIsRejected()
        => Assert.Contains("even d_model", Assert.Throws<ArgumentException>(() => SinusoidalPositions.Table(4, 7, false)).Message);
}
