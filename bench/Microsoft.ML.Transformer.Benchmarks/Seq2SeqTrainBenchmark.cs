using System.Runtime.InteropServices;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Training throughput of <c>Transforms.Text.SequenceToSequence(...).Fit</c> against a raw TorchSharp loop of the identical
/// <c>EncoderDecoder</c> on the identical batches (teacher forcing, label-smoothed cross-entropy, clipping, AdamW), with
/// bf16 mixed precision and/or in fp32. Each trainer window is one Fit; its steady per-step time comes from
/// the progress callback, as in classifier-train.
/// </summary>
internal static class Seq2SeqTrainBenchmark
{
    public const string Usage = """
        seq2seq-train [--steps 6] [--warm-steps 2] [--windows 5] [--precision bf16|fp32|both] [--raw-accuracy]
                      [--model-dim 256] [--heads 4] [--enc-layers 3] [--dec-layers 3] [--ff-dim 1024] [--vocab 8000]
                      [--src-len 24] [--tgt-len 24] [--batch 64] [--threads N] [--seed 1] [--skip-pytorch] [--pytorch-ref PATH]
          --steps        timed optimizer steps per window (default 6); a trainer window is one Fit of warm + steps steps
          --warm-steps   steps of each Fit before its timed part (default 2, at least 1)
          --windows      timed windows per path, trainer and raw loop interleaved (default 5)
          --precision    auto (default: the trainer's own choice on this machine, measured), bf16, fp32, or both
          --raw-accuracy the raw loop also counts correct tokens (argmax, read back) as the trainer does; off: it does not
          --src-len/--tgt-len  tokens of every source / target (fixed size pairs)
          --skip-pytorch do not run pytorch_ref.py --config s2s (its README quotes no seq2seq figure)
          --pytorch-ref  path of pytorch_ref.py (default ../shared/reference/pytorch_ref.py, from the current folder)
        """;

    public static int Run(BenchmarkArgs args)
    {
        Seq2SeqSettings settings = Seq2SeqSettings.Parse(args, Seq2SeqSettings.Default);
        int steps = args.GetInt("steps", 6), warm = args.GetInt("warm-steps", 2), windows = args.GetInt("windows", 5);
        bool[] mixed = TrainerComparison.ParsePrecision(args, "auto", settings.ModelDimension, settings.FeedForward);
        bool skipPytorch = args.GetFlag("skip-pytorch"), rawAccuracy = args.GetFlag("raw-accuracy");
        string script = args.GetString("pytorch-ref") ?? PyTorchReference.DefaultScript;
        args.ThrowIfUnread();
        set_num_threads(settings.Threads);

        Console.WriteLine($"seq2seq-train benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}");
        var workload = new Seq2SeqTrainWorkload(settings, warm, steps, rawAccuracy);
        var flops = new ModelFlopsReport(GemmRate.Measure(), workload.MeasuredModelFlops / workload.MeasuredTargetPositions);
        Console.WriteLine($"machine limit, {flops.Gemm}");
        Console.WriteLine($"model: {workload.Config}");
        Console.WriteLine($"data: {workload.Batches.Count * settings.Batch} pairs in memory; the trainer's batches (also the raw loop's): " +
            $"{workload.Batches.Count} × [{settings.Batch} × {settings.SourceLength}] sources, [{settings.Batch} × {settings.TargetLength}] targets");
        Console.WriteLine($"each window: {warm} + {steps} steps; timed: the last {steps}, {workload.MeasuredTargetPositions:N0} target positions " +
            $"(target tokens + [EOS]: what the loss is over), {workload.MeasuredTokens:N0} source + target tokens");
        Console.WriteLine($"raw loop per step: teacher forcing, forward, label-smoothed cross-entropy, backward, loss.item(), clip, AdamW, zero_grad" +
            (rawAccuracy ? ", and the token accuracy (as the trainer)" : " (not the trainer's token accuracy: --raw-accuracy adds it)"));

        var results = new Dictionary<string, (double Steady, double Fit)>();
        var checks = new Dictionary<string, double>();
        foreach (bool mp in mixed) TrainerComparison.TimeCheckedGroup(workload, mp, windows, "target tokens", results, checks);
        PyTorchSeq2SeqReference pytorch = PyTorchSeq2SeqReference.Train(script, settings, skipPytorch);

        double Rate(string name) => workload.MeasuredTargetPositions / results[name].Steady;
        Console.WriteLine();
        Console.WriteLine($"{"path",-13} {"ms/step",8} {"target tok/s",12} {"src+tgt tok/s",13} {"Fit s",6} {"Fit fixed s",11} {"whole-Fit tgt/s",15}");
        foreach (var (name, r) in results)
        {
            bool trainer = name.StartsWith("trainer", StringComparison.Ordinal);
            double fixedCost = r.Fit - workload.AllTargetPositions / Rate(name);
            Console.WriteLine($"{name,-13} {1000 * r.Steady / steps,8:F0} {Rate(name),12:N0} {workload.MeasuredTokens / r.Steady,13:N0} " +
                (trainer ? $"{r.Fit,6:F2} {fixedCost,11:F2} {workload.AllTargetPositions / r.Fit,15:N0}" : ""));
        }

        flops.Print(results.Keys.Select(name => (name, Rate(name), ModelFlopsReport.IsBFloat16(name))));

        var ratios = new RatioReport();
        ratios.AddTrainerRatios(mixed, warm + steps, Rate, name => workload.AllTargetPositions / results[name].Fit);
        string best = results.ContainsKey("trainer-bf16") ? "trainer-bf16" : "trainer-fp32";
        Console.WriteLine($"PyTorch reference (train target tokens/s): {pytorch.Describe()}");
        if (pytorch.Measured is { } measured) ratios.Add("trainer_over_pytorch", $"{best} / PyTorch (same run)", Rate(best) / measured, null);
        Console.WriteLine($"peak RSS of this process: {ProcessMemory.PeakResidentMb():F0} MB");
        Console.WriteLine($"summary: seq2seq-train {string.Join("; ", mixed.Select(TrainerComparison.Precision).Select(p =>
            $"{p}: trainer {Rate($"trainer-{p}"):N0} vs raw {Rate($"raw-{p}"):N0} target tokens/s, ratio {Rate($"trainer-{p}") / Rate($"raw-{p}"):F3} " +
            $"(target >= {RatioReport.TrainerTarget}: {TrainerComparison.Verdict(Rate($"trainer-{p}") / Rate($"raw-{p}"), RatioReport.TrainerTarget)})"))}");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "seq2seq-train",
            ["warm_steps"] = warm,
            ["steps"] = steps,
            ["windows"] = windows,
            ["raw_accuracy"] = rawAccuracy,
            ["measured_target_positions"] = workload.MeasuredTargetPositions,
            ["measured_tokens"] = workload.MeasuredTokens,
            ["checks_first_step_loss_abs_diff"] = checks,
            ["paths"] = results.ToDictionary(r => r.Key, r => (object?)flops.Extend(new Dictionary<string, object?>
            {
                ["target_tokens_per_s"] = Math.Round(Rate(r.Key)),
                ["tokens_per_s"] = Math.Round(workload.MeasuredTokens / r.Value.Steady),
                ["ms_per_step"] = Math.Round(1000 * r.Value.Steady / steps, 1),
                ["fit_s"] = r.Key.StartsWith("trainer", StringComparison.Ordinal) ? Math.Round(r.Value.Fit, 3) : null,
            }, Rate(r.Key), ModelFlopsReport.IsBFloat16(r.Key))),
            ["pytorch"] = pytorch.ToJson(),
            ["ratios"] = ratios.Values,
            ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb()),
        };
        flops.AddTo(json);
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }
}
