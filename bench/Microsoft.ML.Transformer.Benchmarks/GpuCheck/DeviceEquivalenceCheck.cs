using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// gpu-check's "same results as the CPU, same seed" phase, in one process: (1) the classifier's logits in eval mode on the
/// workload's first batch, float32 with TF32 off, from the same weights (made from the seed on the CPU, one copy moved to
/// the device), and the bf16-autocast logits on the device beside them (reported, not checked: bf16 keeps 8 bits);
/// (2) the trainer's losses of its first steps, float32, TF32 off, dropout 0 (CUDA draws dropout masks from another
/// generator than the CPU), on the CPU and on the device: same weights, same batches in the same order, so any
/// difference is the device's arithmetic.
/// </summary>
internal static class DeviceEquivalenceCheck
{
    /// <summary>Max |difference| of logits of order 1 (float32; summation order differs between the two).</summary>
    public const double LogitTolerance = 1e-4;

    /// <summary>Max |difference| of a step's loss (about 0.69), after a few AdamW steps amplified the rounding.</summary>
    public const double LossTolerance = 1e-3;

    public static Dictionary<string, object?> Run(ClassifierTrainWorkload workload, string deviceSpec, int steps, List<string> failures)
    {
        Device device = TorchSharp.torch.device(deviceSpec);
        if (device.type == TorchSharp.DeviceType.CUDA) backends.cuda.matmul.allow_tf32 = false;
        var (logitDiff, bf16Diff) = CompareLogits(workload, device);
        Console.WriteLine($"equivalence, eval logits on the first batch ({workload.Batches[0].Count}x{workload.Batches[0].Length}): float32 {device} vs CPU " +
            $"max |diff| {logitDiff:E2} (tolerance {LogitTolerance:E0}); bf16 autocast on {device} vs float32 CPU {bf16Diff:E2}");
        if (!(logitDiff <= LogitTolerance)) failures.Add($"equivalence: float32 logits on {device} differ from the CPU's by {logitDiff:E2}");

        double[] cpuLosses = TrainerLosses(workload, "cpu", steps), deviceLosses = TrainerLosses(workload, deviceSpec, steps);
        double lossDiff = cpuLosses.Length == deviceLosses.Length && cpuLosses.Length == steps
            ? cpuLosses.Zip(deviceLosses, (a, b) => Math.Abs(a - b)).Max() : double.NaN;
        Console.WriteLine($"equivalence, the trainer's first {steps} step losses (float32, TF32 off, dropout 0): CPU [{Join(cpuLosses)}], " +
            $"{device} [{Join(deviceLosses)}]; max |diff| {lossDiff:E2} (tolerance {LossTolerance:E0})");
        if (!(lossDiff <= LossTolerance)) failures.Add($"equivalence: the trainer's step losses on {device} differ from the CPU's by {lossDiff:E2}");
        return new Dictionary<string, object?>
        {
            ["logits_fp32_max_abs_diff"] = logitDiff,
            ["logits_bf16_vs_cpu_fp32_max_abs_diff"] = bf16Diff,
            ["trainer_steps"] = steps,
            ["trainer_losses_cpu"] = cpuLosses,
            ["trainer_losses_device"] = deviceLosses,
            ["trainer_losses_max_abs_diff"] = double.IsNaN(lossDiff) ? null : lossDiff,
            ["tolerances"] = new Dictionary<string, double> { ["logits"] = LogitTolerance, ["losses"] = LossTolerance },
        };
    }

    private static (double Float32, double BFloat16) CompareLogits(ClassifierTrainWorkload workload, Device device)
    {
        TransformerConfig config = workload.Settings.Config();
        using var onCpu = new TransformerClassifierModel(config, ClassifierPooling.Mean, outputs: 1, workload.Settings.Seed);
        using var onDevice = new TransformerClassifierModel(config, ClassifierPooling.Mean, outputs: 1, workload.Settings.Seed);
        onDevice.to(device);
        onCpu.eval();
        onDevice.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ids = workload.Batches[0].IdsTensor(CPU);
        Tensor expected = onCpu.Forward(ids);
        double float32 = (onDevice.Forward(ids.to(device)).cpu() - expected).abs().max().item<float>();
        Tensor bf16;
        using (Autocast.Enable(ScalarType.BFloat16)) bf16 = onDevice.Forward(ids.to(device));
        return (float32, (bf16.to(ScalarType.Float32).cpu() - expected).abs().max().item<float>());
    }

    /// <summary>The trainer's step losses (progress every step) until <paramref name="steps"/> are in; the Fit is then
    /// cancelled through its CancellationToken.</summary>
    private static double[] TrainerLosses(ClassifierTrainWorkload workload, string deviceSpec, int steps)
    {
        TransformerClassifierOptions options = (workload.Settings with { Device = deviceSpec }).TrainerOptions(epochs: 1, mixedPrecision: false, allowTF32: false);
        options.Shape.Dropout = 0;
        var losses = new List<double>();
        using var stop = new CancellationTokenSource();
        options.ProgressInterval = 1;
        options.CancellationToken = stop.Token;
        options.OnProgress = p =>
        {
            losses.Add(p.Loss);
            if (losses.Count >= steps) stop.Cancel();
        };
        try
        {
            workload.Fit(options).Dispose();
        }
        catch (OperationCanceledException) when (losses.Count >= steps)
        {
        }
        return [.. losses.Take(steps)];
    }

    private static string Join(double[] values) => string.Join(", ", values.Select(v => v.ToString("F5", System.Globalization.CultureInfo.InvariantCulture)));
}
