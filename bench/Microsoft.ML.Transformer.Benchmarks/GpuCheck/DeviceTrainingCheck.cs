using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// gpu-check's training phase: the classifier-train model and batches (<see cref="ClassifierTrainWorkload"/>) trained on
/// the device in three precisions, the trainer against the raw TorchSharp loop of the same model in interleaved windows
/// (<see cref="TrainerComparison.Interleave"/>): fp32 (TF32 off), TF32 (float32 matrix products on tensor cores, the
/// trainer's CUDA default) and bf16 autocast. On the CPU TF32 does not exist, so that precision is skipped there.
/// </summary>
internal static class DeviceTrainingCheck
{
    private sealed record Precision(string Name, bool MixedPrecision, bool AllowTF32);

    private static readonly Precision[] Precisions = [new("fp32", false, false), new("tf32", false, true), new("bf16", true, true)];

    public static Dictionary<string, object?> Run(ClassifierTrainWorkload workload, Device device, int windows)
    {
        bool cuda = device.type == TorchSharp.DeviceType.CUDA;
        var paths = new Dictionary<string, object?>(StringComparer.Ordinal);
        var ratios = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Precision p in Precisions)
        {
            if (p.Name == "tf32" && !cuda) continue;
            Console.WriteLine();
            Console.WriteLine($"training, {p.Name} (mixed precision {p.MixedPrecision}, TF32 {p.AllowTF32}) on {device}:");
            using RawClassifierTraining raw = workload.CreateRaw(p.MixedPrecision, p.AllowTF32);
            FitTiming first = workload.TimeTrainer(p.MixedPrecision, p.AllowTF32);   // the untimed window of each path
            workload.TimeRaw(raw);
            var (steady, fit, rawSeconds) = TrainerComparison.Interleave(windows, () => workload.TimeTrainer(p.MixedPrecision, p.AllowTF32),
                () => workload.TimeRaw(raw), workload.MeasuredPositions, "positions", () => $"(raw loss {raw.LastLoss:F3})");
            paths[$"trainer-{p.Name}"] = PathJson(workload, steady, fit, first.FirstStepLoss);
            paths[$"raw-{p.Name}"] = PathJson(workload, rawSeconds, null, null);
            ratios[$"trainer_over_raw_{p.Name}"] = Math.Round(rawSeconds / steady, 3);
            Console.WriteLine($"  median: trainer {workload.MeasuredTokens / steady:N0} tokens/s, raw {workload.MeasuredTokens / rawSeconds:N0} tokens/s; " +
                $"trainer / raw {rawSeconds / steady:F3} (target >= {RatioReport.TrainerTarget}: {TrainerComparison.Verdict(rawSeconds / steady, RatioReport.TrainerTarget)})");
        }
        if (paths.ContainsKey("trainer-bf16") && paths.ContainsKey("trainer-fp32"))
            ratios["trainer_bf16_over_fp32"] = Math.Round(Rate(paths, "trainer-bf16") / Rate(paths, "trainer-fp32"), 3);
        return new Dictionary<string, object?>
        {
            ["warm_steps"] = workload.WarmSteps,
            ["steps"] = workload.Steps,
            ["windows"] = windows,
            ["measured_positions"] = workload.MeasuredPositions,
            ["measured_tokens"] = workload.MeasuredTokens,
            ["settings"] = workload.Settings.ToJson(),
            ["paths"] = paths,
            ["ratios"] = ratios,
        };
    }

    private static double Rate(Dictionary<string, object?> paths, string name) => (double)((Dictionary<string, object?>)paths[name]!)["tokens_per_s"]!;

    private static Dictionary<string, object?> PathJson(ClassifierTrainWorkload workload, double seconds, double? fitSeconds, double? firstStepLoss) => new()
    {
        ["tokens_per_s"] = Math.Round(workload.MeasuredTokens / seconds),
        ["positions_per_s"] = Math.Round(workload.MeasuredPositions / seconds),
        ["ms_per_step"] = Math.Round(1000 * seconds / workload.Steps, 2),
        ["model_tflops_per_s"] = Math.Round(workload.MeasuredModelFlops / seconds / 1e12, 3),
        ["fit_s"] = fitSeconds is { } f ? Math.Round(f, 3) : null,
        ["first_step_loss"] = firstStepLoss,
    };
}
