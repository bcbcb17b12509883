using System.Runtime.InteropServices;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Training throughput of <c>Transforms.Text.TrainLanguageModel(...).Fit</c> against a raw TorchSharp loop of the identical
/// <c>DecoderOnlyModel</c> on the identical windows (next-token cross-entropy, clipping, AdamW with the trainer's parameter
/// groups), with bf16 mixed precision and/or in fp32, on character-level text. Each trainer window is one
/// Fit; its steady per-step time comes from the progress callback, as in classifier-train and seq2seq-train.
/// </summary>
internal static class LanguageModelTrainBenchmark
{
    public const string Usage = """
        lm-train [--steps 6] [--warm-steps 2] [--windows 5] [--precision bf16|fp32|both] [--raw-accuracy] [--data PATH]
                 [--context 128] [--model-dim 256] [--heads 4] [--layers 4] [--ff-dim 1024] [--batch 32] [--threads N] [--seed 1]
          --steps        timed optimizer steps per window (default 6); a trainer window is one Fit of warm + steps steps
          --warm-steps   steps of each Fit before its timed part (default 2, at least 1)
          --windows      timed windows per path, trainer and raw loop interleaved (default 5)
          --precision    auto (default: the trainer's own choice on this machine, measured), bf16, fp32, or both
          --raw-accuracy the raw loop also counts correct next tokens (argmax, read back) as the trainer does; off: it does not
          --data         a text file (e.g. ../shared/data/tinyshakespeare/input.txt): its first (warm + steps) × batch windows of
                         characters are the training text; default: synthetic text (65 distinct characters)
          --context      tokens of context (the training windows' length, the model's max_len); --ff-dim: default 4 · d_model
        """;

    public static int Run(BenchmarkArgs args)
    {
        LanguageModelSettings settings = LanguageModelSettings.Parse(args, LanguageModelSettings.Default);
        int steps = args.GetInt("steps", 6), warm = args.GetInt("warm-steps", 2), windows = args.GetInt("windows", 5);
        bool[] mixed = TrainerComparison.ParsePrecision(args, "auto", settings.ModelDimension, settings.ResolvedFeedForward);
        bool rawAccuracy = args.GetFlag("raw-accuracy");
        string? data = args.GetString("data");
        args.ThrowIfUnread();
        set_num_threads(settings.Threads);

        Console.WriteLine($"lm-train benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}");
        var workload = new LanguageModelTrainWorkload(settings, warm, steps, data, rawAccuracy);
        var flops = new ModelFlopsReport(GemmRate.Measure(), workload.MeasuredModelFlops / workload.MeasuredTokens);
        Console.WriteLine($"machine limit, {flops.Gemm}");
        Console.WriteLine($"text: {workload.Source}; character tokenizer: vocabulary {workload.Vocabulary} (7 special tokens included); " +
            $"stream {workload.StreamTokens:N0} tokens ([EOS] + the characters)");
        Console.WriteLine($"model: {workload.Config}");
        Console.WriteLine($"the estimator's windows (also the raw loop's): {workload.Batches.Count} batches × {settings.Batch} windows of " +
            $"{settings.Context} + 1 tokens (epoch 0: its random offset and order)");
        Console.WriteLine($"each window: {warm} + {steps} steps; timed: the last {steps}, {workload.MeasuredTokens:N0} tokens predicted " +
            "(batch × context per step)");
        Console.WriteLine("raw loop per step: forward, next-token cross-entropy, backward, loss.item(), clip, AdamW (the trainer's parameter groups), zero_grad" +
            (rawAccuracy ? ", and the next-token accuracy (as the trainer)" : " (not the trainer's next-token accuracy: --raw-accuracy adds it)"));

        var results = new Dictionary<string, (double Steady, double Fit)>();
        var checks = new Dictionary<string, double>();
        foreach (bool mp in mixed) TrainerComparison.TimeCheckedGroup(workload, mp, windows, "tokens", results, checks);

        double Rate(string name) => workload.MeasuredTokens / results[name].Steady;
        TrainerComparison.PrintTokenTable(results, steps, workload.MeasuredTokens, workload.AllTokens);

        flops.Print(results.Keys.Select(name => (name, Rate(name), ModelFlopsReport.IsBFloat16(name))));

        var ratios = new RatioReport();
        ratios.AddTrainerRatios(mixed, warm + steps, Rate, name => workload.AllTokens / results[name].Fit);
        Console.WriteLine($"PyTorch reference (train tokens/s): {PyTorchLanguageModelReference.Note}");
        Console.WriteLine($"peak RSS of this process: {ProcessMemory.PeakResidentMb():F0} MB");
        Console.WriteLine($"summary: lm-train {string.Join("; ", mixed.Select(TrainerComparison.Precision).Select(p =>
            $"{p}: trainer {Rate($"trainer-{p}"):N0} vs raw {Rate($"raw-{p}"):N0} tokens/s, ratio {Rate($"trainer-{p}") / Rate($"raw-{p}"):F3} " +
            $"(target >= {RatioReport.TrainerTarget}: {TrainerComparison.Verdict(Rate($"trainer-{p}") / Rate($"raw-{p}"), RatioReport.TrainerTarget)})"))}; " +
            "first-step losses equal");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "lm-train",
            ["text"] = data ?? "synthetic",
            ["vocab"] = workload.Vocabulary,
            ["warm_steps"] = warm,
            ["steps"] = steps,
            ["windows"] = windows,
            ["raw_accuracy"] = rawAccuracy,
            ["measured_tokens"] = workload.MeasuredTokens,
            ["checks_first_step_loss_abs_diff"] = checks,
            ["paths"] = TrainerComparison.TokenPathsJson(results, steps, workload.MeasuredTokens, flops),
            ["pytorch"] = PyTorchLanguageModelReference.ToJson("train_tokens_per_s"),
            ["ratios"] = ratios.Values,
            ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb()),
        };
        flops.AddTo(json);
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }
}
