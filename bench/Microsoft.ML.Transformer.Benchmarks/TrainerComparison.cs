using System.Diagnostics;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// What the training benchmarks (classifier-train, seq2seq-train, lm-train) share: a trainer's Fit timed from its progress
/// callback, the precision option, the interleaved trainer / raw-loop windows, the first-step loss check and the ratios.
/// </summary>
internal static class TrainerComparison
{
    /// <summary>Trainer and raw loop compute the same first step (same weights, batch and dropout seed): their step-1
    /// losses must agree to this.</summary>
    public const double LossTolerance = 1e-3;

    /// <summary>The seed the shared training loop gives libtorch before epoch 0 (TrainingLoop.DropoutSeed), so that a raw
    /// loop seeded with it draws the trainer's dropout masks in its first step.</summary>
    public static int DropoutSeed(int seed) => unchecked(seed * 7919 + 17);

    /// <summary>Reads <c>--precision</c>: auto (what the trainers' default, MixedPrecision = null, picks on this machine for
    /// a model of width <paramref name="modelDimension"/> and feed-forward width <paramref name="feedForward"/>: the
    /// measured choice, PrecisionProbe), bf16, fp32, or both (bf16 first).</summary>
    public static bool[] ParsePrecision(BenchmarkArgs args, string defaultValue, int modelDimension, int feedForward)
        => (args.GetString("precision") ?? defaultValue) switch
    {
        "auto" => [new SequenceToSequenceOptions { Shape = { ModelDimension = modelDimension, FeedForwardDimension = feedForward } }.UsesMixedPrecision],
        "both" => [true, false],
        "bf16" => [true],
        "fp32" => [false],
        var other => throw new UsageException($"--precision must be auto, bf16, fp32 or both (got '{other}')."),
    };

    public static string Precision(bool mixedPrecision) => mixedPrecision ? "bf16" : "fp32";

    public static string Verdict(double value, double target) => value >= target ? "met" : "NOT met";

    /// <summary>
    /// One Fit of warm + steps optimizer steps, with <c>ProgressInterval = 1</c> and a progress callback that stamps the end
    /// of every step. The steady part is the time from the end of warm step <paramref name="warmSteps"/> to the end of the
    /// last step: whole steps of the trainer's loop (next batch, forward, loss, backward, clipping, AdamW, learning rate,
    /// progress report), without the Fit's fixed costs (tokenizer, model and optimizer creation, filling the shuffle pool,
    /// the first steps' allocations, building the transformer). <paramref name="check"/> sees the fitted model before it
    /// is disposed; it is not timed.
    /// </summary>
    public static FitTiming TimeFit<TModel>(TransformerTrainingOptions options, int warmSteps, int steps, Func<TModel> fit, Action<TModel> check)
        where TModel : IDisposable
    {
        var stamps = new long[warmSteps + steps + 1];
        double firstLoss = double.NaN;
        options.ProgressInterval = 1;
        options.OnProgress = p =>
        {
            stamps[p.Step] = Stopwatch.GetTimestamp();
            if (p.Step == 1) firstLoss = p.Loss;
        };
        long start = Stopwatch.GetTimestamp();
        using TModel model = fit();
        double fitSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        check(model);
        if (stamps[warmSteps] == 0 || stamps[^1] == 0)
            throw new BenchmarkFailedException($"the trainer did not report steps {warmSteps} and {stamps.Length - 1}.");
        return new FitTiming((stamps[^1] - stamps[warmSteps]) / (double)Stopwatch.Frequency, fitSeconds, firstLoss);
    }

    /// <summary>The line that opens a precision's group of windows.</summary>
    public static void PrintGroupHeader(bool mixedPrecision)
    {
        Console.WriteLine();
        Console.WriteLine(mixedPrecision
            ? "bf16 mixed precision (trainer: MixedPrecision = true; raw loop: under Autocast bf16):"
            : "fp32 (trainer: MixedPrecision = false; raw loop: no autocast):");
    }

    /// <summary>Prints the first-step check and records its difference under the precision's name; throws if the losses
    /// differ by more than <see cref="LossTolerance"/>.</summary>
    public static void CheckFirstStep(double trainerLoss, double rawLoss, bool mixedPrecision, Dictionary<string, double> checks)
    {
        double difference = Math.Abs(trainerLoss - rawLoss);
        checks[Precision(mixedPrecision)] = difference;
        Console.WriteLine($"  check, step 1 on the same batch: trainer loss {trainerLoss:F5}, raw loop loss {rawLoss:F5}, |diff| {difference:E2} " +
            $"(tolerance {LossTolerance:E0})");
        if (!(difference <= LossTolerance))
            throw new BenchmarkFailedException("the trainer and the raw loop do not compute the same first step.");
    }

    /// <summary>
    /// Trainer and raw loop of one precision: a check that they compute the same first step (the trainer's step-1 loss
    /// from its progress callback against the raw loop's on the same first batch, from the same weights and dropout seed;
    /// this Fit is also the trainer's untimed window), one untimed raw window, then <see cref="Interleave"/>d windows; puts
    /// the medians in <paramref name="results"/> as "trainer-bf16", "raw-bf16" (or fp32).
    /// </summary>
    public static void TimeCheckedGroup<TRaw>(ITrainerWorkload<TRaw> workload, bool mixedPrecision, int windows, string unit,
        Dictionary<string, (double Steady, double Fit)> results, Dictionary<string, double> checks) where TRaw : IRawTraining
    {
        PrintGroupHeader(mixedPrecision);
        double trainerLoss = workload.TimeTrainer(mixedPrecision).FirstStepLoss;
        using TRaw raw = workload.CreateRaw(mixedPrecision);
        workload.RawFirstStep(raw);
        CheckFirstStep(trainerLoss, raw.LastLoss, mixedPrecision, checks);
        workload.TimeRaw(raw);   // the untimed window of the raw loop (the trainer's was the check)

        var (steady, fit, rawSeconds) = Interleave(windows, () => workload.TimeTrainer(mixedPrecision), () => workload.TimeRaw(raw),
            workload.MeasuredUnits, unit, () => $"(raw loss {raw.LastLoss:F3})");
        string p = Precision(mixedPrecision);
        results[$"trainer-{p}"] = (steady, fit);
        results[$"raw-{p}"] = (rawSeconds, double.NaN);
    }

    /// <summary>The token-rate benchmarks' (lm-train, pretrain-train) table of paths: ms/step, tokens/s and, for the
    /// trainers, the whole Fit and its fixed cost (the Fit less <paramref name="allTokens"/> at the steady rate).</summary>
    public static void PrintTokenTable(IReadOnlyDictionary<string, (double Steady, double Fit)> results, int steps, long measuredTokens, long allTokens)
    {
        Console.WriteLine();
        Console.WriteLine($"{"path",-13} {"ms/step",8} {"tokens/s",9} {"Fit s",6} {"Fit fixed s",11} {"whole-Fit tok/s",15}");
        foreach (var (name, r) in results)
        {
            double rate = measuredTokens / r.Steady;
            Console.WriteLine($"{name,-13} {1000 * r.Steady / steps,8:F0} {rate,9:N0} " +
                (IsTrainer(name) ? $"{r.Fit,6:F2} {r.Fit - allTokens / rate,11:F2} {allTokens / r.Fit,15:N0}" : ""));
        }
    }

    /// <summary>The token-rate benchmarks' "paths" JSON: tokens/s, ms/step, the trainers' Fit seconds, and the FLOP
    /// figures of <paramref name="flops"/>.</summary>
    public static Dictionary<string, object?> TokenPathsJson(IReadOnlyDictionary<string, (double Steady, double Fit)> results, int steps,
        long measuredTokens, ModelFlopsReport flops)
        => results.ToDictionary(r => r.Key, r => (object?)flops.Extend(new Dictionary<string, object?>
        {
            ["tokens_per_s"] = Math.Round(measuredTokens / r.Value.Steady),
            ["ms_per_step"] = Math.Round(1000 * r.Value.Steady / steps, 1),
            ["fit_s"] = IsTrainer(r.Key) ? Math.Round(r.Value.Fit, 3) : null,
        }, measuredTokens / r.Value.Steady, ModelFlopsReport.IsBFloat16(r.Key)));

    private static bool IsTrainer(string path) => path.StartsWith("trainer", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="windows"/> windows of each path, interleaved (trainer first in even windows, raw loop first in odd
    /// ones; a full GC before each), each window printed as <paramref name="units"/> per second; returns the medians of the
    /// trainer's steady and Fit times and of the raw loop's time.
    /// </summary>
    /// <param name="rawNote">Appended to each window's line (e.g. the raw loop's last loss).</param>
    public static (double TrainerSteady, double TrainerFit, double RawSeconds) Interleave(int windows, Func<FitTiming> trainer, Func<double> raw, long units,
        string unit, Func<string> rawNote)
    {
        var trainerTimes = new List<FitTiming>();
        var rawTimes = new List<double>();
        for (int w = 0; w < windows; w++)
        {
            bool trainerFirst = w % 2 == 0;
            foreach (bool runTrainer in trainerFirst ? (bool[])[true, false] : [false, true])
            {
                TimedWindows.FullCollect();
                if (runTrainer) trainerTimes.Add(trainer());
                else rawTimes.Add(raw());
            }
            Console.WriteLine($"  window {w + 1}/{windows} ({(trainerFirst ? "trainer first" : "raw first")}): " +
                $"trainer {units / trainerTimes[^1].SteadySeconds:N0} {unit}/s (Fit {trainerTimes[^1].FitSeconds:F2} s)   " +
                $"raw {units / rawTimes[^1]:N0} {unit}/s   {rawNote()}");
        }
        return (TimedWindows.Median(trainerTimes.Select(t => t.SteadySeconds)), TimedWindows.Median(trainerTimes.Select(t => t.FitSeconds)),
            TimedWindows.Median(rawTimes));
    }
}

/// <summary>A raw training loop: one dispose scope and one optimizer step per batch.</summary>
internal interface IRawTraining : IDisposable
{
    /// <summary>The loss of the last step.</summary>
    double LastLoss { get; }
}

/// <summary>A trainer and its raw loop on the same batches, for <see cref="TrainerComparison.TimeCheckedGroup"/>.</summary>
internal interface ITrainerWorkload<TRaw> where TRaw : IRawTraining
{
    /// <summary>What the rates count (tokens, target positions, ...) over the measured steps.</summary>
    long MeasuredUnits { get; }

    /// <summary>One Fit (<see cref="TrainerComparison.TimeFit"/>).</summary>
    FitTiming TimeTrainer(bool mixedPrecision);

    /// <summary>A raw loop of the trainer's model, seeded as the trainer seeds it.</summary>
    TRaw CreateRaw(bool mixedPrecision);

    /// <summary>One step of <paramref name="raw"/> on the trainer's first batch.</summary>
    void RawFirstStep(TRaw raw);

    /// <summary>The raw loop over the measured batches; seconds.</summary>
    double TimeRaw(TRaw raw);
}

/// <summary>One timed Fit: the steady time of its measured steps, the whole Fit, and its step-1 loss.</summary>
internal sealed record FitTiming(double SteadySeconds, double FitSeconds, double FirstStepLoss);

/// <summary>Ratios as the benchmarks print them ("ratio label: value (target >= t: met)") and put them in the JSON line.</summary>
internal sealed class RatioReport
{
    public Dictionary<string, double> Values { get; } = new(StringComparer.Ordinal);

    public void Add(string key, string label, double value, double? target)
    {
        Values[key] = Math.Round(value, 3);
        Console.WriteLine($"ratio {label}: {value:F3}{(target is { } t ? $"   (target >= {t}: {TrainerComparison.Verdict(value, t)})" : "")}");
    }

    /// <summary>The training benchmarks' ratios per precision: trainer / raw loop on steady steps (target 0.95), and on the
    /// whole Fit (fixed costs included); with both precisions, trainer bf16 / fp32. <paramref name="rate"/> gives a path's
    /// steady rate ("trainer-bf16", "raw-fp32", ...), <paramref name="wholeFitRate"/> a trainer's rate over its whole Fit.</summary>
    public void AddTrainerRatios(IReadOnlyList<bool> mixed, int fitSteps, Func<string, double> rate, Func<string, double> wholeFitRate)
    {
        foreach (string p in mixed.Select(TrainerComparison.Precision))
        {
            Add($"trainer_over_raw_{p}", $"trainer / raw loop, {p}, steady steps", rate($"trainer-{p}") / rate($"raw-{p}"), TrainerTarget);
            Add($"whole_fit_over_raw_{p}", $"trainer / raw loop, {p}, whole Fit of {fitSteps} steps (fixed costs included)",
                wholeFitRate($"trainer-{p}") / rate($"raw-{p}"), null);
        }
        if (mixed.Count == 2) Add("trainer_bf16_over_fp32", "trainer, bf16 / fp32", rate("trainer-bf16") / rate("trainer-fp32"), null);
    }

    /// <summary>trainer / raw loop on steady steps.</summary>
    public const double TrainerTarget = 0.95;
}

/// <summary>
/// The raw loops' optimizer step, after backward: what the trainer's loop does, at a constant learning rate: the gradient
/// norm clipped when the options clip (<c>GradientClipNorm</c>), AdamW with the trainer's parameter groups and settings
/// (<see cref="OptimizerFactory"/>: weight decay on weight matrices only), <c>zero_grad</c>. Call it inside the step's
/// dispose scope.
/// </summary>
internal sealed class RawOptimizer : IDisposable
{
    private readonly TorchSharp.Modules.AdamW _optimizer;
    private readonly IList<TorchSharp.Modules.Parameter> _parameters;
    private readonly double? _clipNorm;

    public RawOptimizer(TorchSharp.torch.nn.Module model, TransformerTrainingOptions options)
    {
        _optimizer = OptimizerFactory.AdamW(model, options);
        _parameters = model.parameters().ToList();
        _clipNorm = options.GradientClipNorm is > 0 and var clip ? clip : null;
        using (TorchSharp.torch.NewDisposeScope()) _optimizer.zero_grad();
    }

    public void Step()
    {
        if (_clipNorm is { } clip) TorchSharp.torch.nn.utils.clip_grad_norm_(_parameters, clip);
        _optimizer.step();
        _optimizer.zero_grad();
    }

    public void Dispose() => _optimizer.Dispose();
}
