using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Compute;

/// <summary>
/// Chooses the precision of <see cref="TransformerTrainingOptions.MixedPrecision"/> = null by measuring, because CPU
/// flags cannot: bf16 training steps were 1.29× float32 on an AMD EPYC with AVX-512 BF16 and no AMX (float32 on MKL's
/// generic path there, before <see cref="MklVendorCheck"/>), but 0.89× on an Intel Xeon without AMX. On the CPU it
/// times one encoder layer's matrix products (four d_model × d_model projections, the two feed-forward ones) forward
/// and backward, through <see cref="Autocast"/> as the model runs them, in float32 and in bf16: a fraction of a second,
/// once per process for each (d_model, d_ff). CUDA takes bf16 without measuring (tensor cores). Other devices train
/// in float32.
/// </summary>
internal static class PrecisionProbe
{
    /// <summary>bf16 must run the products this much faster: the rest of a step (LayerNorm, softmax, loss, AdamW, all in
    /// float32) gains nothing, so a smaller lead is lost in the whole step.</summary>
    public const double RequiredSpeedup = 1.25;

    /// <summary>Multiply-adds of one timed pass, about 10⁹ FLOPs: milliseconds on any current CPU.</summary>
    private const double FlopsPerPass = 1e9;
    private const int Rounds = 3;

    private static readonly ConcurrentDictionary<(int ModelDimension, int FeedForwardDimension), Lazy<PrecisionChoice>> s_cpu = new();

    /// <summary>The precision to train a model of width <paramref name="modelDimension"/> and feed-forward width
    /// <paramref name="innerDimension"/> on a device of type <paramref name="type"/>.</summary>
    public static PrecisionChoice Choose(DeviceType type, int modelDimension, int innerDimension) => type switch
    {
        DeviceType.CUDA => new PrecisionChoice(true, "CUDA runs bf16 on tensor cores"),
        DeviceType.CPU => s_cpu.GetOrAdd((modelDimension, innerDimension),
            key => new Lazy<PrecisionChoice>(() => Measure(key.ModelDimension, key.FeedForwardDimension))).Value,
        _ => new PrecisionChoice(false, $"no bf16 measurement for {type} devices"),
    };

    /// <summary>The rule, given the measured seconds of each precision: bf16 when it is at least
    /// <see cref="RequiredSpeedup"/> times faster.</summary>
    internal static PrecisionChoice Decide(double float32Seconds, double bfloat16Seconds, string shape)
    {
        double speedup = float32Seconds / bfloat16Seconds;
        bool bf16 = speedup >= RequiredSpeedup;
        return new PrecisionChoice(bf16, $"measured on this CPU, {shape} forward and backward took {1000 * bfloat16Seconds:F1} ms in bf16 " +
            $"and {1000 * float32Seconds:F1} ms in float32, {speedup:F2}× (bf16 from {RequiredSpeedup:F2}×" +
            (bf16 ? ")" : "; set it to true to force bf16)"));
    }

    private static PrecisionChoice Measure(int modelDimension, int innerDimension)
    {
        // rows so that a pass does about FlopsPerPass: 2 FLOPs per multiply-add, 3 products per linear map with backward
        double flopsPerRow = 6.0 * (4.0 * modelDimension * modelDimension + 2.0 * modelDimension * innerDimension);
        int rows = (int)Math.Clamp(Math.Round(FlopsPerPass / flopsPerRow / 64) * 64, 128, 2048);
        MklVendorCheck.Apply();   // float32 timed with the kernels training will use
        using var _ = NewDisposeScope();
        using var gradients = enable_grad();   // whatever the caller's mode: the probe needs backward
        var generator = new Generator(0);   // its own: the global generator (weights, dropout) is left untouched
        Tensor Uniform(long rowCount, long columns) => rand([rowCount, columns], generator: generator).mul_(KeptScalars.Of(2.0))
            .sub_(KeptScalars.One).div_(KeptScalars.Of(Math.Sqrt(columns))).requires_grad_();
        Tensor input = Uniform(rows, modelDimension);
        Tensor[] projections = [.. Enumerable.Range(0, 4).Select(_ => Uniform(modelDimension, modelDimension))];
        Tensor up = Uniform(innerDimension, modelDimension), down = Uniform(modelDimension, innerDimension);

        double Pass(ScalarType? dtype)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            using (Autocast.Enable(dtype))
            {
                Tensor x = input;
                foreach (Tensor w in projections) x = Autocast.Project(x, w, null);
                x = Autocast.Project(Autocast.Project(x, up, null), down, null);
                x.to(ScalarType.Float32).sum().backward();
            }
            return clock.Elapsed.TotalSeconds;
        }

        Pass(null);
        Pass(ScalarType.BFloat16);   // first calls pick and prepare kernels
        double float32 = double.MaxValue, bfloat16 = double.MaxValue;
        for (int round = 0; round < Rounds; round++)
        {
            float32 = Math.Min(float32, Pass(null));
            bfloat16 = Math.Min(bfloat16, Pass(ScalarType.BFloat16));
        }
        return Decide(float32, bfloat16, $"one layer's matrix products (d_model {modelDimension}, d_ff {innerDimension}, {rows} rows)");
    }
}
