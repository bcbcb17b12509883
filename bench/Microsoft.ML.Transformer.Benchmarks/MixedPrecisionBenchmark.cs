using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.Transformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The default training step of the classifier model (fused SDPA attention, attention dropout 0, bf16 autocast) against
/// the naive reference step of performance.md (explicit attention, attention dropout 0.1, fp32), and fused fp32 between
/// them, on the same batches (pytorch_ref's, padded to seq) in one run. Peak memory per variant in child processes.
/// </summary>
internal static class MixedPrecisionBenchmark
{
    public const string Usage = """
        mixed-precision [--windows 5] [--model-dim 128] [--heads 4] [--layers 2] [--ff-dim 512] [--vocab 16000] [--seq 256]
                        [--batch 32] [--threads N] [--seed 1] [--skip-memory] [--variant NAME [--steps 3]]
          --windows      timed windows per variant, interleaved (default 5); each window lasts at least 2 s
          --skip-memory  no peak-memory child processes
          --variant      child-process mode: run only this variant (naive, sdpa-fp32, default) --steps times
        """;

    private static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(2), WarmupTime = TimeSpan.FromSeconds(3);
    private const double Tolerance = 1e-4;

    /// <summary>(name, description, attention dropout, explicit attention, bf16). Explicit attention is forced with an
    /// attached AttentionRecorder, the only switch the modules offer (attention dropout alone would keep the fused call, which
    /// libtorch then runs through its own slower math fallback).</summary>
    private static readonly (string Name, string What, double AttentionDropout, bool Explicit, bool Bf16)[] Variants =
    [
        ("naive", "explicit attention, attention dropout 0.1, fp32", 0.1, true, false),
        ("sdpa-fp32", "fused SDPA, attention dropout 0, fp32", 0, false, false),
        ("default", "fused SDPA, attention dropout 0, bf16 autocast (the trainer's default where bf16 is measured faster)", 0, false, true),
    ];

    public static int Run(BenchmarkArgs args)
    {
        ClassifierSettings settings = ClassifierSettings.Parse(args, ClassifierSettings.Small);
        int windows = args.GetInt("windows", 5), steps = args.GetInt("steps", 3);
        bool skipMemory = args.GetFlag("skip-memory");
        string? only = args.GetString("variant");
        args.ThrowIfUnread();
        if (only is not null && Variants.All(v => v.Name != only))
            throw new UsageException($"Unknown variant '{only}'; one of: {string.Join(", ", Variants.Select(v => v.Name))}.");
        set_num_threads(settings.Threads);

        // pytorch_ref's ring of 4 batches, made once, outside the timed steps.
        var ring = Enumerable.Range(0, 4).Select(k =>
        {
            var (ids, labels) = SyntheticTokens.PaddedBatch(k, settings);
            return (Ids: tensor(ids, [settings.Batch, settings.Length]), Labels: tensor(labels));
        }).ToArray();
        RawClassifierTraining Create(int v) => new(settings.Config(Variants[v].AttentionDropout), settings.Seed, Variants[v].Bf16, Variants[v].Explicit);
        if (only is not null) return RunVariant(Create(Array.FindIndex(Variants, v => v.Name == only)), only, ring, steps);

        Console.WriteLine($"mixed-precision benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}; residual and embedding dropout 0.1 in every variant");
        Console.WriteLine($"batches: pytorch_ref's make_tokens, a ring of 4, lengths {settings.Length / 2 + 1} to {settings.Length} padded to " +
            $"{settings.Length}; tokens/s count batch × seq = {settings.PositionsPerStep:N0} per step, padding included");
        var flops = new ModelFlopsReport(GemmRate.Measure(),
            ModelFlops.ClassifierStep(settings.Config(), settings.Batch, settings.Length, outputs: 1) / settings.PositionsPerStep);
        Console.WriteLine($"machine limit, {flops.Gemm}");
        var trainers = Variants.Select((_, v) => Create(v)).ToArray();
        var checks = Agreement(trainers, ring[0].Ids);
        foreach (var (what, diff, checkedHere) in checks)
            Console.WriteLine($"check {what}: max |diff| {diff:E2}{(checkedHere ? $" (tolerance {Tolerance:E0})" : " (not checked: bf16)")}");
        if (checks.Any(c => c.Checked && !(c.MaxAbsDiff <= Tolerance)))
            throw new BenchmarkFailedException("the explicit and fused attention paths of the same weights disagree.");

        int step = 0;
        var paths = trainers.Select((t, v) => new TimedPath(Variants[v].Name, () =>
        {
            var (ids, labels) = ring[step++ % ring.Length];
            return t.Step(ids, labels);
        }, settings.PositionsPerStep)).ToList();
        Console.WriteLine();
        TimeSpan[] fastest = TimedWindows.WarmUp(paths, WarmupTime, minimumRounds: 2);
        int[] passes = fastest.Select(f => TimedWindows.PassesPerWindow(f, MinimumWindow)).ToArray();
        double[][] rates = TimedWindows.Measure(paths, passes, windows, (w, rate) =>
            Console.WriteLine($"window {w + 1}/{windows} ({(w % 2 == 0 ? "in order" : "reversed")}): " +
                string.Join("   ", paths.Select((p, i) => $"{p.Name} {rate[i]:N0} tokens/s"))));
        double[] median = rates.Select(TimedWindows.Median).ToArray();

        var memory = new Dictionary<string, (double Peak, double Above)>();
        if (!skipMemory)
        {
            Console.WriteLine();
            Console.WriteLine("peak memory, one child process per variant (3 steps each):");
            foreach (var variant in Variants)
            {
                using JsonDocument child = JsonDocument.Parse(SelfProcess.RunForLastLine(["mixed-precision", .. settings.ToArgs(), "--variant", variant.Name]));
                double peak = child.RootElement.GetProperty("peak_rss_mb").GetDouble(), before = child.RootElement.GetProperty("rss_before_steps_mb").GetDouble();
                memory[variant.Name] = (peak, peak - before);
                Console.WriteLine($"  {variant.Name,-10} peak RSS {peak,6:F0} MB   {peak - before,6:F0} MB above the RSS before its first step");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"variant",-10} {"ms/step",8} {"tokens/s",9} {"steps/window",12}{(skipMemory ? "" : $" {"peak RSS MB",11} {"above MB",8}")}  what");
        for (int v = 0; v < Variants.Length; v++)
            Console.WriteLine($"{Variants[v].Name,-10} {1000 * settings.PositionsPerStep / median[v],8:F0} {median[v],9:N0} {passes[v],12}" +
                (skipMemory ? "" : $" {memory[Variants[v].Name].Peak,11:F0} {memory[Variants[v].Name].Above,8:F0}") + $"  {Variants[v].What}");
        flops.Print(Variants.Select((v, i) => (v.Name, median[i], v.Bf16)));
        double speedup = median[2] / median[0], fused = median[1] / median[0], bf16 = median[2] / median[1];
        Console.WriteLine($"ratio default / naive: {speedup:F2}   (target >= 2.5: {(speedup >= 2.5 ? "met" : "NOT met")})");
        Console.WriteLine($"ratio sdpa-fp32 / naive (fused attention without attention dropout): {fused:F2}");
        Console.WriteLine($"ratio default / sdpa-fp32 (bf16 autocast): {bf16:F2}");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "mixed-precision",
            ["windows"] = windows,
            ["checks_max_abs_diff"] = checks.ToDictionary(c => c.What, c => c.MaxAbsDiff),
            ["variants"] = Variants.Select((v, i) => (v.Name, i)).ToDictionary(x => x.Name, x => (object?)flops.Extend(new Dictionary<string, object?>
            {
                ["tokens_per_s"] = Math.Round(median[x.i]),
                ["ms_per_step"] = Math.Round(1000 * settings.PositionsPerStep / median[x.i], 1),
                ["steps_per_window"] = passes[x.i],
                ["peak_rss_mb"] = memory.TryGetValue(x.Name, out var m) ? Math.Round(m.Peak) : null,
                ["above_before_mb"] = memory.TryGetValue(x.Name, out m) ? Math.Round(m.Above) : null,
            }, median[x.i], Variants[x.i].Bf16)),
            ["ratios"] = new Dictionary<string, double>
            {
                ["default_over_naive"] = Math.Round(speedup, 3), ["sdpa_fp32_over_naive"] = Math.Round(fused, 3), ["default_over_sdpa_fp32"] = Math.Round(bf16, 3),
            },
        };
        flops.AddTo(json);
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        foreach (var t in trainers) t.Dispose();
        return 0;
    }

    /// <summary>Before any step (same seed, so same weights), in eval mode: the naive model's explicit path against the
    /// fused fp32 path (must agree), and the bf16 default against fp32 (printed only).</summary>
    private static List<(string What, double MaxAbsDiff, bool Checked)> Agreement(RawClassifierTraining[] trainers, Tensor ids)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor Logits(int v, bool bf16)
        {
            TransformerClassifierModel model = trainers[v].Model;
            model.eval();
            using var recorder = Variants[v].Explicit ? new AttentionRecorder() : null;
            using var attached = recorder?.Attach(model);
            using var autocast = Autocast.Enable(bf16 ? ScalarType.BFloat16 : null);
            Tensor logits = model.Forward(ids);
            model.train();
            return logits;
        }
        double Diff(Tensor a, Tensor b) => (a - b).abs().max().item<float>();
        Tensor naive = Logits(0, bf16: false), fused = Logits(1, bf16: false), mixed = Logits(2, bf16: true);
        return [("naive_vs_sdpa_fp32_logits", Diff(naive, fused), true), ("default_bf16_vs_fp32_logits", Diff(mixed, fused), false)];
    }

    /// <summary>Child-process mode: <paramref name="steps"/> steps of one variant, and its memory.</summary>
    private static int RunVariant(RawClassifierTraining trainer, string name, (Tensor Ids, Tensor Labels)[] ring, int steps)
    {
        double before = ProcessMemory.ResidentMb();
        var watch = Stopwatch.StartNew();
        for (int s = 0; s < steps; s++) trainer.Step(ring[s % ring.Length].Ids, ring[s % ring.Length].Labels);
        double peak = ProcessMemory.PeakResidentMb();
        Console.WriteLine($"{name}: {steps} step(s) in {watch.Elapsed.TotalSeconds:F2} s; RSS before the steps {before:F0} MB, peak RSS {peak:F0} MB");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "mixed-precision", ["variant"] = name, ["steps"] = steps,
            ["rss_before_steps_mb"] = Math.Round(before, 1), ["peak_rss_mb"] = Math.Round(peak, 1),
        }));
        trainer.Dispose();
        return 0;
    }
}
