using System.Runtime.InteropServices;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Training throughput of <c>Transforms.Text.PretrainEncoder(...).Fit</c> (masked-language-model pretraining) against a
/// raw TorchSharp loop of the identical <c>MaskedLanguageModel</c> on the identical packed, masked batches, with bf16 mixed
/// precision and/or in fp32. Each trainer window is one Fit; its steady per-step time comes from the progress callback,
/// as in classifier-train and lm-train.
/// </summary>
internal static class PretrainTrainBenchmark
{
    public const string Usage = """
        pretrain-train [--steps 6] [--warm-steps 2] [--windows 5] [--precision bf16|fp32|both|auto] [--seq 512]
                       [--model-dim 128] [--heads 4] [--layers 2] [--batch 32] [--vocab 8000] [--threads N] [--seed 1]
          --steps        timed optimizer steps per window (default 6); a trainer window is one Fit of warm + steps steps
          --warm-steps   steps of each Fit before its timed part (default 2, at least 1)
          --windows      timed windows per path, trainer and raw loop interleaved (default 5)
          --precision    both (default), auto (the trainer's own choice on this machine), bf16 or fp32
          --seq          tokens per packed sequence ([CLS] included; the model's max_len). The defaults are the pretrain sample's.
        """;

    public static int Run(BenchmarkArgs args)
    {
        PretrainSettings settings = PretrainSettings.Parse(args, PretrainSettings.Default);
        int steps = args.GetInt("steps", 6), warm = args.GetInt("warm-steps", 2, minimum: 1), windows = args.GetInt("windows", 5);
        bool[] mixed = TrainerComparison.ParsePrecision(args, "both", settings.ModelDimension, 4 * settings.ModelDimension);
        args.ThrowIfUnread();
        set_num_threads(settings.Threads);

        Console.WriteLine($"pretrain-train benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}");
        var workload = new PretrainTrainWorkload(settings, warm, steps);
        var flops = new ModelFlopsReport(GemmRate.Measure(), workload.MeasuredModelFlops / workload.MeasuredTokens);
        Console.WriteLine($"machine limit, {flops.Gemm}");
        Console.WriteLine($"text: synthetic documents of Zipf-distributed words; word vocabulary {workload.Vocabulary:N0} (special tokens included); " +
            $"stream {workload.StreamTokens:N0} tokens");
        Console.WriteLine($"model: {workload.Config}");
        Console.WriteLine($"the estimator's batches (also the raw loop's): {workload.Batches.Count} × {settings.Batch} packed sequences of " +
            $"{settings.SequenceLength} tokens, masked as in its epoch 0 ({workload.MeasuredMasked:N0} masked positions in the timed steps)");
        Console.WriteLine($"each window: {warm} + {steps} steps; timed: the last {steps}, {workload.MeasuredTokens:N0} positions");
        Console.WriteLine("raw loop per step: forward, BERT's head and cross-entropy on the masked positions, backward, loss.item(), the correct count, " +
            "clip, AdamW (the trainer's parameter groups), zero_grad");

        var results = new Dictionary<string, (double Steady, double Fit)>();
        var checks = new Dictionary<string, double>();
        foreach (bool mp in mixed) TrainerComparison.TimeCheckedGroup(workload, mp, windows, "tokens", results, checks);

        double Rate(string name) => workload.MeasuredTokens / results[name].Steady;
        TrainerComparison.PrintTokenTable(results, steps, workload.MeasuredTokens, workload.AllTokens);

        flops.Print(results.Keys.Select(name => (name, Rate(name), ModelFlopsReport.IsBFloat16(name))));

        var ratios = new RatioReport();
        ratios.AddTrainerRatios(mixed, warm + steps, Rate, name => workload.AllTokens / results[name].Fit);
        Console.WriteLine($"peak RSS of this process: {ProcessMemory.PeakResidentMb():F0} MB");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "pretrain-train",
            ["vocab_fitted"] = workload.Vocabulary,
            ["warm_steps"] = warm,
            ["steps"] = steps,
            ["windows"] = windows,
            ["measured_tokens"] = workload.MeasuredTokens,
            ["measured_masked"] = workload.MeasuredMasked,
            ["checks_first_step_loss_abs_diff"] = checks,
            ["paths"] = TrainerComparison.TokenPathsJson(results, steps, workload.MeasuredTokens, flops),
            ["ratios"] = ratios.Values,
            ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb()),
        };
        flops.AddTo(json);
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }
}
