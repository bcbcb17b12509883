using System.Runtime.InteropServices;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Language-model generation with the decoder's key/value cache (one new position per step, the cache rebuilt when the
/// context overflows) against without it (the whole context re-run every step): <c>TextGenerator.Generate(model, prompt,
/// options, seed, useCache: true/false)</c> on the same model and prompt, greedy (temperature 0) so that both pick the same
/// tokens, every call generating exactly the asked number of tokens, in interleaved windows.
/// </summary>
internal static class LanguageModelGenerateBenchmark
{
    public const string Usage = """
        lm-generate [--new-tokens 256] [--prompt TEXT] [--train-steps 4] [--windows 5] [--data PATH]
                    [--context 128] [--model-dim 256] [--heads 4] [--layers 4] [--ff-dim 1024] [--batch 32] [--threads N] [--seed 1]
          --new-tokens   tokens every call generates (default 256; more than --context, so the context overflows)
          --prompt       the prompt (default: the text's first line, up to 16 characters)
          --train-steps  estimator steps of batch --batch before generating (default 4; the weights do not change the work)
          --windows      timed windows per path, interleaved (default 5); a window is as many calls as last >= 1 s
          --data         a text file to train on (its first train-steps × batch windows of characters); default: synthetic text
        """;

    public static int Run(BenchmarkArgs args)
    {
        LanguageModelSettings settings = LanguageModelSettings.Parse(args, LanguageModelSettings.Default);
        int newTokens = args.GetInt("new-tokens", 256), trainSteps = args.GetInt("train-steps", 4), windows = args.GetInt("windows", 5);
        string? prompt = args.GetString("prompt"), data = args.GetString("data");
        args.ThrowIfUnread();
        set_num_threads(settings.Threads);

        Console.WriteLine($"lm-generate benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}; generating {newTokens} tokens per call, greedy (temperature 0), float32, one prompt");
        using var workload = new LanguageModelGenerateWorkload(settings, trainSteps, data, newTokens, prompt);
        Console.WriteLine(workload.Preparation + " (not timed)");
        Console.WriteLine($"model: {workload.Transformer.Config.Model}");
        var (cachedPositions, uncachedPositions, rebuilds) = workload.Positions();
        Console.WriteLine($"prompt {Quote(workload.Prompt)}: {workload.PromptIds.Count} tokens ([EOS] + characters); context " +
            $"{settings.Context}: it overflows {rebuilds} time(s), each time cut to its last {settings.Context / 2} tokens and the cache rebuilt from them");
        Console.WriteLine($"positions run through the model per call: cached {cachedPositions:N0}, uncached {uncachedPositions:N0} " +
            $"({(double)uncachedPositions / cachedPositions:F1}×)");

        // Warm-up and check: both paths pick the same tokens (the cache only saves recomputing the context).
        List<int> cached = workload.Generate(useCache: true), rerun = workload.Generate(useCache: false);
        int firstDifference = Enumerable.Range(0, Math.Min(cached.Count, rerun.Count)).FirstOrDefault(i => cached[i] != rerun[i], -1);
        bool identical = cached.SequenceEqual(rerun), lengthsOk = cached.Count == newTokens && rerun.Count == newTokens;
        Console.WriteLine($"check: with vs without the cache, tokens identical: {(identical ? "yes" : $"NO (first difference at token {firstDifference})")}; " +
            $"{cached.Count} and {rerun.Count} tokens (expected {newTokens}: {(lengthsOk ? "yes" : "NO")})");
        Console.WriteLine($"generated: {Quote(Truncate(workload.Transformer.Tokenizer.Decode([.. cached]), 120))}");
        if (!identical || !lengthsOk) throw new BenchmarkFailedException("generation with and without the cache gives different tokens.");

        TimedPath[] paths =
        [
            new("cached", () => workload.Generate(useCache: true).Count, newTokens),
            new("uncached", () => workload.Generate(useCache: false).Count, newTokens),
        ];
        TimeSpan[] fastest = TimedWindows.WarmUp(paths, TimeSpan.FromSeconds(2));
        int[] passes = [.. fastest.Select(f => TimedWindows.PassesPerWindow(f, TimeSpan.FromSeconds(1)))];
        Console.WriteLine($"warm-up: fastest call {fastest[0].TotalMilliseconds:F0} ms cached, {fastest[1].TotalMilliseconds:F0} ms uncached; " +
            $"calls per window {passes[0]}, {passes[1]}");
        double[][] rates = TimedWindows.Measure(paths, passes, windows, (w, rate) =>
            Console.WriteLine($"window {w + 1}/{windows} ({(w % 2 == 0 ? "in order" : "reversed")}): " +
                string.Join("   ", paths.Select((p, i) => $"{p.Name} {rate[i]:N0} tokens/s"))));
        double withCache = TimedWindows.Median(rates[0]), without = TimedWindows.Median(rates[1]);
        double ratio = withCache / without;

        Console.WriteLine();
        Console.WriteLine($"{"path",-9} {"ms/call",8} {"ms/token",9} {"tokens/s",9}");
        foreach (var (name, rate) in new[] { ("cached", withCache), ("uncached", without) })
            Console.WriteLine($"{name,-9} {1000.0 * newTokens / rate,8:F0} {1000.0 / rate,9:F2} {rate,9:N0}");
        Console.WriteLine($"ratio cached / uncached: {ratio:F2}   (no target set)");
        Console.WriteLine($"PyTorch reference (generation tokens/s): {PyTorchLanguageModelReference.Note}");
        Console.WriteLine($"peak RSS of this process: {ProcessMemory.PeakResidentMb():F0} MB");
        Console.WriteLine($"summary: lm-generate {newTokens} tokens, context {settings.Context} ({rebuilds} cache rebuild(s)): cached {withCache:N0} tokens/s, " +
            $"uncached {without:N0} tokens/s, ratio {ratio:F2}; outputs identical");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "lm-generate",
            ["text"] = data ?? "synthetic",
            ["vocab"] = workload.Transformer.Tokenizer.VocabularySize,
            ["new_tokens"] = newTokens,
            ["prompt_tokens"] = workload.PromptIds.Count,
            ["cache_rebuilds"] = rebuilds,
            ["positions_per_call"] = new Dictionary<string, long> { ["cached"] = cachedPositions, ["uncached"] = uncachedPositions },
            ["train_steps"] = trainSteps,
            ["windows"] = windows,
            ["calls_per_window"] = passes,
            ["checks"] = new Dictionary<string, object> { ["identical"] = identical, ["tokens"] = cached.Count },
            ["tokens_per_s"] = new Dictionary<string, double> { ["cached"] = Math.Round(withCache), ["uncached"] = Math.Round(without) },
            ["pytorch"] = PyTorchLanguageModelReference.ToJson("generate_tokens_per_s"),
            ["ratios"] = new Dictionary<string, double> { ["cached_over_uncached"] = Math.Round(ratio, 3) },
            ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb()),
        };
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    /// <summary>Text on one line, quoted, with its line breaks, tabs and quotes escaped.</summary>
    private static string Quote(string text)
        => $"\"{text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t")}\"";
}
