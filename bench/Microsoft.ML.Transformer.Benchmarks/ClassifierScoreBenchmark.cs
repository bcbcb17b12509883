using System.Runtime.InteropServices;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Scoring throughput (rows/s) of a trained Transformer classifier on IMDb test reviews, tokenized beforehand so that
/// only the classifier is timed: block scoring (<c>Transform</c>) against <c>PredictionEngine</c> row by row and against
/// raw TorchSharp batched inference of the same model on the same ids, in interleaved windows of one run.
/// </summary>
internal static class ClassifierScoreBenchmark
{
    public const string Usage = """
        classifier-score --data <dir> [--rows 10000] [--engine-rows 500] [--train-rows 5000] [--train-steps 8] [--block 64]
                         [--windows 3] [--model-dim 128] [--heads 4] [--layers 2] [--ff-dim 512] [--vocab 16000] [--seq 256]
                         [--batch 32] [--threads N] [--seed 1] [--skip-pytorch] [--pytorch-ref PATH]
          --data         folder with train.tsv.gz and test.tsv.gz (IMDb, see src/Samples/ImdbData.cs)
          --rows         test reviews scored by block scoring and the raw loop, per pass (default 10000)
          --engine-rows  reviews PredictionEngine scores per pass: every (rows / engine-rows)-th of them (default 500)
          --train-rows   train reviews the BPE is fitted on (default 5000)
          --train-steps  optimizer steps of the classifier, batch --batch, 1 epoch (default 8)
          --block        rows per model call: the model's ScoringBlockSize and the raw loop's block (default 64)
          --vocab, --seq BPE vocabulary size, and the tokenizer's MaxLength = the model's max_len (16000, 256)
          --windows      timed windows per path, interleaved; one pass per window (default 3)
        """;

    private const double Tolerance = 1e-4;

    public static int Run(BenchmarkArgs args)
    {
        string data = args.GetRequiredString("data");
        ClassifierSettings settings = ClassifierSettings.Parse(args, ClassifierSettings.Small);
        int rows = args.GetInt("rows", 10_000), engineRows = args.GetInt("engine-rows", 500), trainRows = args.GetInt("train-rows", 5_000);
        int trainSteps = args.GetInt("train-steps", 8), block = args.GetInt("block", 64), windows = args.GetInt("windows", 3);
        bool skipPytorch = args.GetFlag("skip-pytorch");
        string script = args.GetString("pytorch-ref") ?? PyTorchReference.DefaultScript;
        args.ThrowIfUnread();
        foreach (string file in (string[])["train.tsv.gz", "test.tsv.gz"])
            if (!File.Exists(Path.Combine(data, file))) throw new UsageException($"Data file '{Path.Combine(data, file)}' not found.");
        set_num_threads(settings.Threads);

        Console.WriteLine($"classifier-score benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}; block {block}");
        var workload = ClassifierScoreWorkload.Imdb(settings, data, rows, trainRows, trainSteps, block);
        Console.WriteLine(workload.Preparation + " (none of this is timed)");
        List<TokenRow> all = workload.Rows;
        int stride = Math.Max(1, all.Count / Math.Min(engineRows, all.Count));
        List<TokenRow> sample = all.Where((_, i) => i % stride == 0).Take(engineRows).ToList();
        Console.WriteLine($"scored: {all.Count:N0} reviews, {Mean(all):F1} tokens on average (max {settings.Length}); PredictionEngine: every " +
            $"{stride}th, {sample.Count:N0} reviews, {Mean(sample):F1} tokens on average");

        // Warm-up and checks on a few blocks (a full first pass would add minutes): the paths must agree row for row.
        List<TokenRow> head = all.Take(4 * block).ToList();
        float[] byTransform = new float[all.Count], byRaw = new float[all.Count], byEngine = new float[sample.Count], check = new float[sample.Count];
        using var engine = workload.CreateEngine();
        workload.TransformPass(workload.ViewOf(head), byTransform);
        workload.RawPass(head, byRaw);
        ClassifierScoreWorkload.EnginePass(engine, sample, byEngine);
        workload.RawPass(sample, check);
        double rawDiff = Enumerable.Range(0, head.Count).Max(i => Math.Abs(byTransform[i] - byRaw[i]));
        double engineDiff = Enumerable.Range(0, sample.Count).Max(i => Math.Abs(byEngine[i] - check[i]));
        Console.WriteLine($"warm-up and checks on the first {head.Count} reviews: probabilities, transform vs raw: max |diff| {rawDiff:E2}; " +
            $"PredictionEngine vs raw on its {sample.Count} reviews: {engineDiff:E2} (tolerance {Tolerance:E0})");
        if (!(rawDiff <= Tolerance && engineDiff <= Tolerance))
            throw new BenchmarkFailedException("the scoring paths disagree.");

        TimedPath[] paths =
        [
            new("transform", () => workload.TransformPass(workload.View, byTransform), all.Count),
            new("engine", () => ClassifierScoreWorkload.EnginePass(engine, sample, byEngine), sample.Count),
            new("raw", () => workload.RawPass(all, byRaw), all.Count),
        ];
        double[][] rates = TimedWindows.Measure(paths, [1, 1, 1], windows, (w, rate) =>
            Console.WriteLine($"window {w + 1}/{windows} ({(w % 2 == 0 ? "in order" : "reversed")}): " +
                string.Join("   ", paths.Select((p, i) => $"{p.Name} {rate[i]:N1} rows/s"))));
        double transform = TimedWindows.Median(rates[0]), perRow = TimedWindows.Median(rates[1]), raw = TimedWindows.Median(rates[2]);
        PyTorchReference pytorch = PyTorchReference.Run(script, "infer", "infer_rows_per_s", settings with { Vocabulary = workload.Vocabulary }, skipPytorch);

        Console.WriteLine();
        Console.WriteLine($"median rows/s: transform {transform:N1}   PredictionEngine {perRow:N1}   raw TorchSharp {raw:N1}");
        Console.WriteLine($"ratio transform / PredictionEngine: {transform / perRow:F2}   (target >= 10: {(transform / perRow >= 10 ? "met" : "NOT met")})");
        Console.WriteLine($"ratio transform / raw: {transform / raw:F3}   (target >= 0.9: {(transform / raw >= 0.9 ? "met" : "NOT met")})");
        Console.WriteLine($"PyTorch reference (inference rows/s, synthetic rows of {settings.Length / 2 + 1} to {settings.Length} tokens): " +
            $"{pytorch.Value:N1}, {pytorch.Note}");
        double? overPytorch = pytorch.RatioOf(transform);
        Console.WriteLine($"ratio transform / PyTorch ({pytorch.RatioNote}){(overPytorch is { } r ? $": {r:F2}" : "")}");
        Console.WriteLine($"peak RSS of this process: {ProcessMemory.PeakResidentMb():F0} MB");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "classifier-score",
            ["rows"] = all.Count,
            ["engine_rows"] = sample.Count,
            ["mean_tokens"] = Math.Round(Mean(all), 1),
            ["bpe_vocab"] = workload.Vocabulary,
            ["block"] = block,
            ["windows"] = windows,
            ["checks_max_abs_diff"] = new Dictionary<string, double> { ["transform_vs_raw"] = rawDiff, ["engine_vs_transform"] = engineDiff },
            ["rows_per_s"] = new Dictionary<string, double>
            {
                ["transform"] = Math.Round(transform, 1), ["prediction_engine"] = Math.Round(perRow, 1), ["raw"] = Math.Round(raw, 1),
            },
            ["pytorch"] = pytorch.ToJson(),
            ["ratios"] = new Dictionary<string, double?>
            {
                ["transform_over_engine"] = Math.Round(transform / perRow, 3), ["transform_over_raw"] = Math.Round(transform / raw, 3),
                ["transform_over_pytorch"] = overPytorch is { } ratio ? Math.Round(ratio, 3) : null,
            },
            ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb()),
        };
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        workload.Model.Dispose();
        return 0;
    }

    private static double Mean(List<TokenRow> rows) => rows.Count == 0 ? 0 : rows.Average(r => r.Tokens.Length);
}
