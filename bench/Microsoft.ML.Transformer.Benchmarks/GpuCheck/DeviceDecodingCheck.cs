using Microsoft.ML.Transformer.Seq2Seq;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// gpu-check's decoding phase: the seq2seq-decode workload (<see cref="Seq2SeqDecodeWorkload"/>: a model of the
/// settings' shape trained a few steps through the estimator on the device, sources on the device) decoded greedily with
/// the decoder's key/value cache and without it, every row generating exactly the output length. Check: both give the
/// same tokens. Then tokens/s of each in interleaved windows.
/// </summary>
internal static class DeviceDecodingCheck
{
    public static Dictionary<string, object?> Run(Seq2SeqSettings settings, int rows, int outputLength, int trainSteps, int windows, List<string> failures)
    {
        using var workload = new Seq2SeqDecodeWorkload(settings, outputLength, trainSteps, rows);
        Console.WriteLine($"decoding: {workload.Preparation}; model on {workload.Sources.device}");
        DecodedSequence[] cached = workload.Greedy(useCache: true), rerun = workload.Greedy(useCache: false);
        int same = Enumerable.Range(0, rows).Count(r => cached[r].Tokens.AsSpan().SequenceEqual(rerun[r].Tokens));
        bool lengthsOk = cached.Concat(rerun).All(d => d.Tokens.Length == outputLength);
        if (same != rows || !lengthsOk) failures.Add($"decoding: with and without the cache, {same}/{rows} rows are identical (lengths right: {lengthsOk})");

        TimedPath[] paths =
        [
            new("cached", () => Seq2SeqDecodeWorkload.TokenCount(workload.Greedy(useCache: true)), workload.TokensPerPass),
            new("uncached", () => Seq2SeqDecodeWorkload.TokenCount(workload.Greedy(useCache: false)), workload.TokensPerPass),
        ];
        TimeSpan[] fastest = TimedWindows.WarmUp(paths, TimeSpan.FromSeconds(1));
        int[] passes = [.. fastest.Select(f => TimedWindows.PassesPerWindow(f, TimeSpan.FromSeconds(1)))];
        double[][] rates = TimedWindows.Measure(paths, passes, windows, (w, rate) =>
            Console.WriteLine($"  decoding window {w + 1}/{windows}: " + string.Join("   ", paths.Select((p, i) => $"{p.Name} {rate[i]:N0} tokens/s"))));
        double withCache = TimedWindows.Median(rates[0]), without = TimedWindows.Median(rates[1]);
        Console.WriteLine($"decoding {rows} rows x {outputLength} tokens: cached {withCache:N0} tokens/s, uncached {without:N0} tokens/s, " +
            $"ratio {withCache / without:F2}; identical rows {same}/{rows}");
        return new Dictionary<string, object?>
        {
            ["settings"] = settings.ToJson(),
            ["rows"] = rows,
            ["out_len"] = outputLength,
            ["train_steps"] = trainSteps,
            ["windows"] = windows,
            ["calls_per_window"] = passes,
            ["identical_rows"] = same,
            ["tokens_per_s"] = new Dictionary<string, double> { ["cached"] = Math.Round(withCache), ["uncached"] = Math.Round(without) },
            ["ms_per_call"] = new Dictionary<string, double>
            {
                ["cached"] = Math.Round(1000 * workload.TokensPerPass / withCache, 2), ["uncached"] = Math.Round(1000 * workload.TokensPerPass / without, 2),
            },
            ["ratios"] = new Dictionary<string, double> { ["cached_over_uncached"] = Math.Round(withCache / without, 3) },
        };
    }
}
