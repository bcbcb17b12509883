using System.Diagnostics;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// This machine's large-matrix-product rate, measured in the benchmark's own run (same threads, same moment): a
/// 2048 × 2048 · 2048 × 2048 matmul in float32 and in bfloat16 (both operands bf16, as under autocast), the fastest of a
/// short timed series. A model's FLOP/s over it says how far a training step is from what the products alone reach.
/// </summary>
internal sealed record GemmRate(double Float32FlopsPerSecond, double BFloat16FlopsPerSecond)
{
    public const int Size = 2048;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);
    private const int MinimumTimed = 3;

    public static GemmRate Measure() => new(Time(ScalarType.Float32), Time(ScalarType.BFloat16));

    /// <summary>The rate of the precision a path trains in.</summary>
    public double For(bool bfloat16) => bfloat16 ? BFloat16FlopsPerSecond : Float32FlopsPerSecond;

    public override string ToString() =>
        $"{Size}³ matmul: float32 {Float32FlopsPerSecond / 1e9:F1} GFLOP/s, bf16 {BFloat16FlopsPerSecond / 1e9:F1} GFLOP/s (fastest of a {Budget.TotalSeconds:F0} s series each)";

    public Dictionary<string, object> ToJson() => new()
    {
        ["size"] = Size,
        ["fp32_gflops_per_s"] = Math.Round(Float32FlopsPerSecond / 1e9, 1),
        ["bf16_gflops_per_s"] = Math.Round(BFloat16FlopsPerSecond / 1e9, 1),
    };

    private static double Time(ScalarType type)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // fixed values of magnitude about 1 (no denormals, no global random state touched)
        Tensor a = arange(Size * Size).remainder(97).div(97.0).reshape(Size, Size).to(type);
        Tensor b = a.t().contiguous();
        matmul(a, b).Dispose();   // first call: kernel selection, packing buffers
        double fastest = double.MaxValue;
        var series = Stopwatch.StartNew();
        for (int i = 0; i < MinimumTimed || series.Elapsed < Budget; i++)
        {
            var clock = Stopwatch.StartNew();
            matmul(a, b).Dispose();
            fastest = Math.Min(fastest, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * Size * Size * Size / fastest;
    }
}
