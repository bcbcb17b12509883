using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// One encoder layer on the CPU: attention alone (explicit vs fused), our layer forward + backward (fused vs explicit
/// attention path, and against TorchSharp's built-in <c>nn.TransformerEncoderLayer</c> with the same weights), and
/// forward-only inference against the built-in, with and without a padding mask. Paths of a group are timed in
/// interleaved windows of the same run; peak memory is measured per variant in a child process.
/// </summary>
internal static class EncoderLayerBenchmark
{
    public const string Usage = """
        encoder-layer [--model-dim 128] [--heads 4] [--ff-dim 512] [--batch 32] [--seq 256] [--threads N] [--dropout 0]
                      [--windows 5] [--seed 1] [--skip-memory] [--variant NAME [--steps 3]]
          --model-dim, --heads, --ff-dim   d_model, h, d_ff of the layer (one layer, post-LN, ReLU, fp32)
          --batch, --seq                   sequences per step and their padded length; lengths are drawn in [seq/2, seq]
          --threads      torch.set_num_threads (default: the number of cores)
          --dropout      residual dropout of our layer and dropout of the built-in (default 0; fwd+bwd variants only)
          --windows      timed windows per variant, interleaved within each group (default 5)
          --seed         seed of the inputs, the padding lengths and the weights (default 1)
          --skip-memory  do not measure peak memory (one child process per variant)
          --variant      run only this variant for --steps steps and report its memory (what the child processes do)
        """;

    /// <summary>Each timed window repeats steps until it lasts at least this long.</summary>
    private static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(1);

    /// <summary>The paths of a group run alternately for at least this long (and twice each) before timing.</summary>
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    /// <summary>Steps of each variant's child process for the peak-memory figures.</summary>
    private const int MemorySteps = 3;

    /// <summary>Largest |difference| accepted by the first-step agreement checks.</summary>
    private const double Tolerance = 1e-4;

    private sealed record Variant(string Name, string Group, Func<EncoderLayerWorkload, Func<long>> Step);

    private static readonly (string Name, string Description)[] Groups =
    [
        ("attention", "attention alone, forward + backward into Q, K, V [batch, h, seq, d_k], padding mask"),
        ("train", "one encoder layer, forward + backward (train mode; gradients of the input and parameters)"),
        ("inference", "one encoder layer, forward only (eval mode, no_grad)"),
    ];

    private static readonly Variant[] Variants =
    [
        new("attn-explicit", "attention", w => w.AttentionStep(fused: false)),
        new("attn-fused", "attention", w => w.AttentionStep(fused: true)),
        new("train-ours", "train", w => w.OursTrainStep(explicitAttention: false, masked: true)),
        new("train-ours-explicit", "train", w => w.OursTrainStep(explicitAttention: true, masked: true)),
        new("train-builtin", "train", w => w.BuiltInTrainStep(masked: true)),
        new("train-ours-bf16", "train", w => w.OursTrainStep(explicitAttention: false, masked: true, ScalarType.BFloat16)),
        new("train-ours-bf16-explicit", "train", w => w.OursTrainStep(explicitAttention: true, masked: true, ScalarType.BFloat16)),
        new("train-ours-nomask", "train", w => w.OursTrainStep(explicitAttention: false, masked: false)),
        new("train-builtin-nomask", "train", w => w.BuiltInTrainStep(masked: false)),
        new("infer-ours", "inference", w => w.OursInferenceStep(masked: true)),
        new("infer-builtin", "inference", w => w.BuiltInInferenceStep(masked: true)),
        new("infer-ours-nomask", "inference", w => w.OursInferenceStep(masked: false)),
        new("infer-builtin-nomask", "inference", w => w.BuiltInInferenceStep(masked: false)),
    ];

    /// <summary>(key, label, faster variant, slower variant, target or null): ratios of median tokens/s.</summary>
    private static readonly (string Key, string Label, string Over, string Under, double? Target)[] Ratios =
    [
        ("attention_fused_over_explicit", "attention, fused / explicit", "attn-fused", "attn-explicit", 3),
        ("train_fused_over_explicit", "layer fwd+bwd, fused / explicit path", "train-ours", "train-ours-explicit", null),
        ("train_ours_over_builtin", "layer fwd+bwd, ours / built-in, masked", "train-ours", "train-builtin", 0.95),
        ("train_bf16_over_fp32", "layer fwd+bwd, bf16 mixed precision / fp32", "train-ours-bf16", "train-ours", null),
        ("train_bf16_fused_over_explicit", "layer fwd+bwd in bf16, fused / explicit path", "train-ours-bf16", "train-ours-bf16-explicit", null),
        ("train_ours_over_builtin_nomask", "layer fwd+bwd, ours / built-in, no mask", "train-ours-nomask", "train-builtin-nomask", 0.95),
        ("infer_ours_over_builtin", "layer forward, ours / built-in, masked", "infer-ours", "infer-builtin", 0.95),
        ("infer_ours_over_builtin_nomask", "layer forward, ours / built-in, no mask", "infer-ours-nomask", "infer-builtin-nomask", 0.95),
    ];

    public static int Run(BenchmarkArgs args)
    {
        EncoderLayerSettings settings = EncoderLayerSettings.Parse(args);
        int windows = args.GetInt("windows", 5);
        bool skipMemory = args.GetFlag("skip-memory");
        string? variantName = args.GetString("variant");
        int steps = args.GetInt("steps", 3);
        args.ThrowIfUnread();
        Variant? only = variantName is null ? null : Variants.FirstOrDefault(v => v.Name == variantName)
            ?? throw new UsageException($"Unknown variant '{variantName}'; one of: {string.Join(", ", Variants.Select(v => v.Name))}.");
        set_num_threads(settings.Threads);
        return only is null ? RunAll(settings, windows, skipMemory) : RunVariant(settings, only, steps);
    }

    private static int RunAll(EncoderLayerSettings settings, int windows, bool skipMemory)
    {
        Console.WriteLine($"encoder-layer benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}");
        var workload = new EncoderLayerWorkload(settings);
        Console.WriteLine($"padding: lengths {workload.Lengths.Min()} to {workload.Lengths.Max()}, mean {workload.Lengths.Average():F1} " +
            $"of {settings.Length}; tokens/s count batch × seq = {settings.TokensPerStep:N0} tokens per step, padding included");

        var checks = workload.Agreement();
        foreach (var (_, what, diff) in checks) Console.WriteLine($"check {what}: max |diff| {diff:E2} (tolerance {Tolerance:E0})");
        var failed = checks.Where(c => !(c.MaxAbsDiff <= Tolerance)).ToList();
        if (failed.Count > 0)
            throw new BenchmarkFailedException(string.Join("; ", failed.Select(c => $"{c.What} differ by {c.MaxAbsDiff:E2} > {Tolerance:E0}")));

        var results = new Dictionary<string, VariantResult>();
        foreach (var (group, description) in Groups)
            TimeGroup(workload, Variants.Where(v => v.Group == group).ToList(), description, windows, results);
        if (!skipMemory) MeasureMemory(settings, results);

        PrintSummary(results, skipMemory);
        var ratios = new Dictionary<string, double>();
        foreach (var (key, label, over, under, target) in Ratios)
        {
            double ratio = results[over].TokensPerSecond / results[under].TokensPerSecond;
            ratios[key] = Math.Round(ratio, 3);
            string verdict = target is double t ? $"   (target >= {t}: {(ratio >= t ? "met" : "NOT met")})" : "";
            Console.WriteLine($"ratio {label}: {ratio:F2}{verdict}");
        }

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "encoder-layer",
            ["d_model"] = settings.Config.ModelDimension,
            ["heads"] = settings.Config.Heads,
            ["d_ff"] = settings.Config.ResolvedFeedForwardDimension,
            ["batch"] = settings.Batch,
            ["seq"] = settings.Length,
            ["mean_length"] = Math.Round(workload.Lengths.Average(), 1),
            ["dropout"] = settings.Config.Dropout,
            ["threads"] = settings.Threads,
            ["cores"] = Environment.ProcessorCount,
            ["windows"] = windows,
            ["checks_max_abs_diff"] = checks.ToDictionary(c => c.Key, c => c.MaxAbsDiff),
            ["variants"] = results.ToDictionary(r => r.Key, r => r.Value.ToJson()),
            ["ratios"] = ratios,
        };
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    private static void TimeGroup(EncoderLayerWorkload workload, List<Variant> variants, string description, int windows,
        Dictionary<string, VariantResult> results)
    {
        Console.WriteLine();
        Console.WriteLine($"{description}:");
        var paths = variants.Select(v => new TimedPath(v.Name, v.Step(workload), workload.TokensPerStep)).ToList();
        TimeSpan[] fastest = TimedWindows.WarmUp(paths, WarmupTime, minimumRounds: 2);
        int[] passes = fastest.Select(f => TimedWindows.PassesPerWindow(f, MinimumWindow)).ToArray();
        double[][] rates = TimedWindows.Measure(paths, passes, windows, (w, rate) =>
            Console.WriteLine($"  window {w + 1}/{windows} ({(w % 2 == 0 ? "in order" : "reversed")}): " +
                string.Join("  ", paths.Select((p, i) => $"{p.Name} {rate[i]:N0}"))));
        for (int i = 0; i < paths.Count; i++)
            results[paths[i].Name] = new VariantResult(TimedWindows.Median(rates[i]), workload.TokensPerStep, passes[i]);
    }

    /// <summary>Peak RSS is a per-process high-water mark, so each variant runs alone in a fresh child process.</summary>
    private static void MeasureMemory(EncoderLayerSettings settings, Dictionary<string, VariantResult> results)
    {
        Console.WriteLine();
        Console.WriteLine($"peak memory, one child process per variant ({MemorySteps} steps each):");
        foreach (Variant variant in Variants)
        {
            string steps = MemorySteps.ToString(CultureInfo.InvariantCulture);
            string line = SelfProcess.RunForLastLine(["encoder-layer", .. settings.ToArgs(), "--variant", variant.Name, "--steps", steps]);
            using JsonDocument child = JsonDocument.Parse(line);
            double before = child.RootElement.GetProperty("rss_before_steps_mb").GetDouble();
            double peak = child.RootElement.GetProperty("peak_rss_mb").GetDouble();
            results[variant.Name] = results[variant.Name] with { PeakRssMb = peak, StepPeakMb = peak - before };
            Console.WriteLine($"  {variant.Name,-22} peak RSS {peak,6:F0} MB   {peak - before,6:F0} MB above the RSS before its first step");
        }
    }

    private static void PrintSummary(Dictionary<string, VariantResult> results, bool skipMemory)
    {
        Console.WriteLine();
        Console.WriteLine($"{"variant",-22} {"ms/step",9} {"tokens/s",11} {"steps/window",12}" +
            (skipMemory ? "" : $" {"peak RSS MB",11} {"steps' MB",9}"));
        foreach (var (name, r) in results)
            Console.WriteLine($"{name,-22} {r.MillisecondsPerStep,9:F1} {r.TokensPerSecond,11:N0} {r.PassesPerWindow,12}" +
                (skipMemory ? "" : $" {r.PeakRssMb,11:F0} {r.StepPeakMb,9:F0}"));
    }

    /// <summary>Child-process mode: build only <paramref name="variant"/>, run it <paramref name="steps"/> times.</summary>
    private static int RunVariant(EncoderLayerSettings settings, Variant variant, int steps)
    {
        var workload = new EncoderLayerWorkload(settings);
        Func<long> step = variant.Step(workload);
        double before = ProcessMemory.ResidentMb();
        var watch = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++) step();
        double ms = watch.Elapsed.TotalMilliseconds / steps;
        double peak = ProcessMemory.PeakResidentMb();
        Console.WriteLine($"{variant.Name}: {steps} step(s), {ms:F1} ms/step (first step included); RSS before the steps " +
            $"{before:F0} MB, peak RSS {peak:F0} MB");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "encoder-layer",
            ["variant"] = variant.Name,
            ["steps"] = steps,
            ["ms_per_step"] = Math.Round(ms, 1),
            ["rss_before_steps_mb"] = Math.Round(before, 1),
            ["peak_rss_mb"] = Math.Round(peak, 1),
        }));
        return 0;
    }

    private sealed record VariantResult(double TokensPerSecond, long TokensPerStep, int PassesPerWindow)
    {
        public double PeakRssMb { get; init; } = double.NaN;
        public double StepPeakMb { get; init; } = double.NaN;
        public double MillisecondsPerStep => 1000.0 * TokensPerStep / TokensPerSecond;

        public Dictionary<string, object?> ToJson() => new()
        {
            ["tokens_per_s"] = Math.Round(TokensPerSecond),
            ["ms_per_step"] = Math.Round(MillisecondsPerStep, 1),
            ["steps_per_window"] = PassesPerWindow,
            ["peak_rss_mb"] = double.IsNaN(PeakRssMb) ? null : Math.Round(PeakRssMb),
            ["step_peak_mb"] = double.IsNaN(StepPeakMb) ? null : Math.Round(StepPeakMb),
        };
    }
}
