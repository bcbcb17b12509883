using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.Transformer.Seq2Seq;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Greedy decoding with the decoder's key/value cache (one new position per step) against without it (the whole prefix
/// re-run every step): <c>GreedySearch.Decode(model, sources, limits, useCache: true/false)</c> on the same model and
/// sources, every row generating exactly the output length, in interleaved windows of one run.
/// </summary>
internal static class Seq2SeqDecodeBenchmark
{
    public const string Usage = """
        seq2seq-decode [--rows 64] [--out-len 32] [--train-steps 2] [--windows 5]
                       [--model-dim 256] [--heads 4] [--enc-layers 3] [--dec-layers 3] [--ff-dim 1024] [--vocab 8000]
                       [--src-len 24] [--tgt-len 24] [--batch 64] [--threads N] [--seed 1] [--skip-pytorch] [--pytorch-ref PATH]
          --rows         sources decoded per call, one batch (default 64)
          --out-len      tokens every row generates: DecodingLimits(out-len, out-len) (default 32)
          --train-steps  estimator steps of batch --batch before decoding (default 2; the weights do not change the work)
          --windows      timed windows per path, interleaved (default 5); a window is as many calls as last >= 1 s
          --src-len      tokens of every source (default 24); --tgt-len: of the training targets
          --skip-pytorch do not run pytorch_ref.py --config s2s (its README quotes no seq2seq figure)
        """;

    public static int Run(BenchmarkArgs args)
    {
        Seq2SeqSettings settings = Seq2SeqSettings.Parse(args, Seq2SeqSettings.Default);
        int rows = args.GetInt("rows", 64), outputLength = args.GetInt("out-len", 32), trainSteps = args.GetInt("train-steps", 2);
        int windows = args.GetInt("windows", 5);
        bool skipPytorch = args.GetFlag("skip-pytorch");
        string script = args.GetString("pytorch-ref") ?? PyTorchReference.DefaultScript;
        args.ThrowIfUnread();
        set_num_threads(settings.Threads);

        Console.WriteLine($"seq2seq-decode benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}; decoding {rows} rows × {outputLength} tokens per call, float32");
        using var workload = new Seq2SeqDecodeWorkload(settings, outputLength, trainSteps, rows);
        Console.WriteLine(workload.Preparation + " (not timed)");
        Console.WriteLine($"model: {workload.Model.Config}");

        // Warm-up and check: both paths decode the same tokens (the cache only saves recomputing the prefix).
        DecodedSequence[] cached = workload.Greedy(useCache: true), rerun = workload.Greedy(useCache: false);
        int same = Enumerable.Range(0, rows).Count(r => cached[r].Tokens.AsSpan().SequenceEqual(rerun[r].Tokens));
        double scoreDiff = Enumerable.Range(0, rows).Max(r => Math.Abs(cached[r].LogProbability - rerun[r].LogProbability));
        bool lengthsOk = cached.Concat(rerun).All(d => d.Tokens.Length == outputLength);
        Console.WriteLine($"check: with vs without the cache, tokens identical on {same}/{rows} rows, every row {outputLength} tokens: " +
            $"{(lengthsOk ? "yes" : "NO")}; max |diff| of the rows' log P {scoreDiff:E2}");
        if (same != rows || !lengthsOk) throw new BenchmarkFailedException("decoding with and without the cache gives different outputs.");

        TimedPath[] paths =
        [
            new("cached", () => Seq2SeqDecodeWorkload.TokenCount(workload.Greedy(useCache: true)), workload.TokensPerPass),
            new("uncached", () => Seq2SeqDecodeWorkload.TokenCount(workload.Greedy(useCache: false)), workload.TokensPerPass),
        ];
        TimeSpan[] fastest = TimedWindows.WarmUp(paths, TimeSpan.FromSeconds(2));
        int[] passes = [.. fastest.Select(f => TimedWindows.PassesPerWindow(f, TimeSpan.FromSeconds(1)))];
        Console.WriteLine($"warm-up: fastest call {fastest[0].TotalMilliseconds:F0} ms cached, {fastest[1].TotalMilliseconds:F0} ms uncached; " +
            $"calls per window {passes[0]}, {passes[1]}");
        double[][] rates = TimedWindows.Measure(paths, passes, windows, (w, rate) =>
            Console.WriteLine($"window {w + 1}/{windows} ({(w % 2 == 0 ? "in order" : "reversed")}): " +
                string.Join("   ", paths.Select((p, i) => $"{p.Name} {rate[i] / outputLength:N1} rows/s ({rate[i]:N0} tokens/s)"))));
        double withCache = TimedWindows.Median(rates[0]), without = TimedWindows.Median(rates[1]);
        double ratio = withCache / without;
        PyTorchSeq2SeqReference pytorch = PyTorchSeq2SeqReference.Greedy(script, settings, rows, outputLength, skipPytorch);

        Console.WriteLine();
        Console.WriteLine($"{"path",-9} {"ms/call",8} {"rows/s",9} {"tokens/s",9}");
        foreach (var (name, rate) in new[] { ("cached", withCache), ("uncached", without) })
            Console.WriteLine($"{name,-9} {1000.0 * workload.TokensPerPass / rate,8:F0} {rate / outputLength,9:N1} {rate,9:N0}");
        Console.WriteLine($"ratio cached / uncached: {ratio:F2}   (target >= 3: {(ratio >= 3 ? "met" : "NOT met")})");
        Console.WriteLine($"PyTorch reference (greedy rows/s, no cache, {outputLength} steps): {pytorch.Describe()}");
        double? overPytorch = pytorch.Measured is { } m ? withCache / outputLength / m : null;
        if (overPytorch is { } r) Console.WriteLine($"ratio cached / PyTorch (same run): {r:F2}");
        Console.WriteLine($"peak RSS of this process: {ProcessMemory.PeakResidentMb():F0} MB");
        Console.WriteLine($"summary: seq2seq-decode greedy {rows} rows × {outputLength} tokens: cached {withCache / outputLength:N1} rows/s " +
            $"({withCache:N0} tokens/s), uncached {without / outputLength:N1} rows/s ({without:N0} tokens/s), ratio {ratio:F2} " +
            $"(target >= 3: {(ratio >= 3 ? "met" : "NOT met")}); outputs identical");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "seq2seq-decode",
            ["rows"] = rows,
            ["out_len"] = outputLength,
            ["train_steps"] = trainSteps,
            ["windows"] = windows,
            ["calls_per_window"] = passes,
            ["checks"] = new Dictionary<string, object> { ["identical_rows"] = same, ["max_abs_logp_diff"] = scoreDiff },
            ["rows_per_s"] = new Dictionary<string, double> { ["cached"] = Math.Round(withCache / outputLength, 2), ["uncached"] = Math.Round(without / outputLength, 2) },
            ["tokens_per_s"] = new Dictionary<string, double> { ["cached"] = Math.Round(withCache), ["uncached"] = Math.Round(without) },
            ["pytorch"] = pytorch.ToJson(),
            ["ratios"] = new Dictionary<string, double?>
            {
                ["cached_over_uncached"] = Math.Round(ratio, 3), ["cached_over_pytorch"] = overPytorch is { } v ? Math.Round(v, 3) : null,
            },
            ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb()),
        };
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }
}
