using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Training throughput of <c>BinaryClassification.Trainers.Transformer(...).Fit</c> against a raw TorchSharp loop of the
/// identical model on the identical batches, with bf16 mixed precision and in fp32. Each trainer window
/// is one Fit; its steady per-step time comes from the progress callback. Peak memory per path in child processes.
/// </summary>
internal static class ClassifierTrainBenchmark
{
    public const string Usage = """
        classifier-train [--steps 6] [--warm-steps 2] [--windows 5] [--lengths full|ref] [--precision both|bf16|fp32]
                         [--model-dim 128] [--heads 4] [--layers 2] [--ff-dim 512] [--vocab 16000] [--seq 256] [--batch 32]
                         [--threads N] [--seed 1] [--encoder DIR] [--skip-memory] [--skip-pytorch] [--pytorch-ref PATH] [--variant NAME]
          --steps        timed optimizer steps per window (default 6); a trainer window is one Fit of warm + steps steps
          --warm-steps   steps of each Fit before its timed part (default 2, at least 1)
          --windows      timed windows per path, trainer and raw loop interleaved (default 5)
          --lengths      full: every row has seq tokens (default); ref: pytorch_ref's lengths seq − (i·37) mod (seq/2)
          --precision    both (default), auto (the trainer's own choice on this machine), bf16 or fp32
          --encoder      a Hugging Face BERT folder: fine-tune it (InitialEncoder) instead of the synthetic shape; its
                         shape and vocabulary replace --model-dim/--heads/--layers/--ff-dim/--vocab
          --skip-memory  no peak-memory child processes
          --skip-pytorch do not run pytorch_ref.py (its README's figure is printed instead)
          --pytorch-ref  path of pytorch_ref.py (default ../shared/reference/pytorch_ref.py, from the current folder)
          --variant      child-process mode: one Fit (trainer-bf16, trainer-fp32) or one raw run (raw-bf16, raw-fp32)
        """;

    private sealed record Result(double SteadySeconds, double FitSeconds)
    {
        public double PeakRssMb { get; init; } = double.NaN;
        public double AboveBeforeMb { get; init; } = double.NaN;
    }

    public static int Run(BenchmarkArgs args)
    {
        ClassifierSettings settings = ClassifierSettings.Parse(args, ClassifierSettings.Small);
        int steps = args.GetInt("steps", 6), warm = args.GetInt("warm-steps", 2), windows = args.GetInt("windows", 5);
        bool fullLength = (args.GetString("lengths") ?? "full") switch
        {
            "full" => true, "ref" => false, var other => throw new UsageException($"--lengths must be full or ref (got '{other}')."),
        };
        bool[] mixed = TrainerComparison.ParsePrecision(args, "both", settings.ModelDimension, settings.FeedForward);
        bool skipMemory = args.GetFlag("skip-memory"), skipPytorch = args.GetFlag("skip-pytorch");
        string script = args.GetString("pytorch-ref") ?? PyTorchReference.DefaultScript;
        string? variant = args.GetString("variant");
        args.ThrowIfUnread();
        set_num_threads(settings.Threads);

        var workload = new ClassifierTrainWorkload(settings, fullLength, warm, steps);
        if (variant is not null) return RunVariant(workload, variant);
        var flops = new ModelFlopsReport(GemmRate.Measure(), workload.MeasuredModelFlops / workload.MeasuredPositions);

        Console.WriteLine($"classifier-train benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}; rows {(fullLength ? "all full length" : "of pytorch_ref's lengths")}");
        Console.WriteLine($"data: {workload.Batches.Count * settings.Batch} rows in memory; the trainer's batches (also the raw loop's): " +
            string.Join(", ", workload.Batches.Select(b => $"{b.Count}×{b.Length}")));
        Console.WriteLine($"each window: {warm} + {steps} steps; timed: the last {steps}, {workload.MeasuredPositions:N0} positions " +
            $"(batch × padded length, as pytorch_ref counts), {workload.MeasuredTokens:N0} real tokens");
        Console.WriteLine($"reading every batch through the trainer's reader: {1000 * workload.ReadSeconds():F1} ms (inside a Fit's fixed cost)");
        Console.WriteLine($"machine limit, {flops.Gemm}");

        var results = new Dictionary<string, Result>();
        foreach (bool mp in mixed) TimeGroup(workload, mp, windows, results);
        PyTorchReference pytorch = PyTorchReference.Run(script, "train", "train_tokens_per_s", settings, skipPytorch);
        if (!skipMemory) MeasureMemory(workload, results, fullLength);

        double Rate(string name) => workload.MeasuredPositions / results[name].SteadySeconds;
        Console.WriteLine();
        Console.WriteLine($"{"path",-13} {"ms/step",8} {"positions/s",12} {"tokens/s",9} {"Fit s",6} {"Fit fixed s",11} {"whole-Fit pos/s",15}" +
            (skipMemory ? "" : $" {"peak RSS MB",11} {"above MB",8}"));
        foreach (var (name, r) in results)
        {
            bool trainer = name.StartsWith("trainer", StringComparison.Ordinal);
            double fixedCost = r.FitSeconds - workload.AllPositions / Rate(name);
            Console.WriteLine($"{name,-13} {1000 * r.SteadySeconds / steps,8:F0} {Rate(name),12:N0} {workload.MeasuredTokens / r.SteadySeconds,9:N0} " +
                (trainer ? $"{r.FitSeconds,6:F2} {fixedCost,11:F2} {workload.AllPositions / r.FitSeconds,15:N0}" : $"{"",6} {"",11} {"",15}") +
                (skipMemory ? "" : $" {r.PeakRssMb,11:F0} {r.AboveBeforeMb,8:F0}"));
        }

        flops.Print(results.Keys.Select(name => (name, Rate(name), ModelFlopsReport.IsBFloat16(name))));

        var ratios = new RatioReport();
        ratios.AddTrainerRatios(mixed, warm + steps, Rate, name => workload.AllPositions / results[name].FitSeconds);

        string best = results.ContainsKey("trainer-bf16") ? "trainer-bf16" : "trainer-fp32";
        Console.WriteLine($"PyTorch reference (train positions/s): {pytorch.Value:N0}, {pytorch.Note}");
        if (pytorch.RatioOf(Rate(best)) is { } overPytorch) ratios.Add("trainer_over_pytorch", $"{best} / PyTorch ({pytorch.RatioNote})", overPytorch, null);
        else Console.WriteLine($"ratio {best} / PyTorch: {pytorch.RatioNote}");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "classifier-train",
            ["lengths"] = fullLength ? "full" : "ref",
            ["warm_steps"] = warm,
            ["steps"] = steps,
            ["windows"] = windows,
            ["measured_positions"] = workload.MeasuredPositions,
            ["measured_tokens"] = workload.MeasuredTokens,
            ["paths"] = results.ToDictionary(r => r.Key, r => (object?)flops.Extend(new Dictionary<string, object?>
            {
                ["positions_per_s"] = Math.Round(Rate(r.Key)),
                ["tokens_per_s"] = Math.Round(workload.MeasuredTokens / r.Value.SteadySeconds),
                ["ms_per_step"] = Math.Round(1000 * r.Value.SteadySeconds / steps, 1),
                ["fit_s"] = r.Key.StartsWith("trainer", StringComparison.Ordinal) ? Math.Round(r.Value.FitSeconds, 3) : null,
                ["peak_rss_mb"] = double.IsNaN(r.Value.PeakRssMb) ? null : Math.Round(r.Value.PeakRssMb),
                ["above_before_mb"] = double.IsNaN(r.Value.AboveBeforeMb) ? null : Math.Round(r.Value.AboveBeforeMb),
            }, Rate(r.Key), ModelFlopsReport.IsBFloat16(r.Key))),
            ["pytorch"] = pytorch.ToJson(),
            ["ratios"] = ratios.Values,
        };
        flops.AddTo(json);
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    /// <summary>Trainer and raw loop of one precision: one untimed window each, then interleaved windows; the median steady
    /// time of each path.</summary>
    private static void TimeGroup(ClassifierTrainWorkload workload, bool mixedPrecision, int windows, Dictionary<string, Result> results)
    {
        TrainerComparison.PrintGroupHeader(mixedPrecision);
        using RawClassifierTraining raw = workload.CreateRaw(mixedPrecision);
        workload.TimeTrainer(mixedPrecision);
        workload.TimeRaw(raw);
        var (steady, fit, rawSeconds) = TrainerComparison.Interleave(windows, () => workload.TimeTrainer(mixedPrecision), () => workload.TimeRaw(raw),
            workload.MeasuredPositions, "positions", () => $"(loss {raw.LastLoss:F3})");
        string p = TrainerComparison.Precision(mixedPrecision);
        results[$"trainer-{p}"] = new Result(steady, fit);
        results[$"raw-{p}"] = new Result(rawSeconds, double.NaN);
    }

    /// <summary>Peak RSS is a per-process high-water mark, so each path runs once in a fresh child process.</summary>
    private static void MeasureMemory(ClassifierTrainWorkload workload, Dictionary<string, Result> results, bool fullLength)
    {
        Console.WriteLine();
        Console.WriteLine($"peak memory, one child process per path (one window of {workload.WarmSteps + workload.Steps} steps each):");
        foreach (string name in results.Keys.ToList())
        {
            string line = SelfProcess.RunForLastLine(["classifier-train", .. workload.Settings.ToArgs(), "--lengths", fullLength ? "full" : "ref",
                "--steps", Str(workload.Steps), "--warm-steps", Str(workload.WarmSteps), "--variant", name]);
            using JsonDocument child = JsonDocument.Parse(line);
            double before = child.RootElement.GetProperty("rss_before_mb").GetDouble();
            double peak = child.RootElement.GetProperty("peak_rss_mb").GetDouble();
            results[name] = results[name] with { PeakRssMb = peak, AboveBeforeMb = peak - before };
            Console.WriteLine($"  {name,-13} peak RSS {peak,6:F0} MB   {peak - before,6:F0} MB above the RSS before the model was built");
        }
    }

    /// <summary>Child-process mode: the data, then one Fit (trainer-*) or one raw run over every batch (raw-*).</summary>
    private static int RunVariant(ClassifierTrainWorkload workload, string variant)
    {
        string[] known = ["trainer-bf16", "trainer-fp32", "raw-bf16", "raw-fp32"];
        if (!known.Contains(variant)) throw new UsageException($"Unknown variant '{variant}'; one of: {string.Join(", ", known)}.");
        bool mixedPrecision = variant.EndsWith("bf16", StringComparison.Ordinal);
        double before = ProcessMemory.ResidentMb();
        double seconds;
        if (variant.StartsWith("trainer", StringComparison.Ordinal)) seconds = workload.TimeTrainer(mixedPrecision).FitSeconds;
        else
        {
            using RawClassifierTraining raw = workload.CreateRaw(mixedPrecision);
            seconds = ClassifierTrainWorkload.TimeRaw(raw, workload.Batches);
        }
        double peak = ProcessMemory.PeakResidentMb();
        Console.WriteLine($"{variant}: {workload.Batches.Count} steps in {seconds:F2} s; RSS before {before:F0} MB, peak RSS {peak:F0} MB");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "classifier-train", ["variant"] = variant, ["steps"] = workload.Batches.Count, ["seconds"] = Math.Round(seconds, 2),
            ["rss_before_mb"] = Math.Round(before, 1), ["peak_rss_mb"] = Math.Round(peak, 1),
        }));
        return 0;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
