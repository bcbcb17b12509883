using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

internal static class TensorAssert
{
    /// <summary>Same shape and max |expected − actual| ≤ tolerance (the failure message gives the largest difference).</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var difference = (expected.to(ScalarType.Float64) - actual.to(ScalarType.Float64)).abs().max();
        double max = difference.item<double>();
        Assert.True(max <= tolerance, $"max |Δ| = {max:G3} exceeds {tolerance:G3}");
    }

    public static double MaxAbsDifference(Tensor a, Tensor b)
    {
        using var difference = (a.to(ScalarType.Float64) - b.to(ScalarType.Float64)).abs().max();
        return difference.item<double>();
    }
}
