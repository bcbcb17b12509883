using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Byte-level BPE on IMDb: training time on the train split, then encoding throughput of the ML.NET transform
/// (cursor over the token column) against a plain loop over the same <see cref="TextTokenizer"/>, same texts, same run.
/// </summary>
internal static class TokenizerBenchmark
{
    public const string Usage = """
        tokenizer --data <dir> [--vocab 16000] [--rows 5000] [--train-rows N] [--windows 3] [--phases]
          --data        folder with train.tsv.gz and test.tsv.gz (gzip TSV, header 'label<TAB>text')
          --vocab       BPE vocabulary size, special tokens included (default 16000)
          --rows        test reviews encoded for the throughput comparison (default 5000)
          --train-rows  train reviews used to fit the BPE (default: all)
          --windows     timed windows per path, interleaved (transform/plain, then plain/transform, ...; default 3)
          --phases      also time the training phases separately (pieces, merges, BpeTokenizer), outside ML.NET
        """;

    /// <summary>Large enough that no IMDb review is truncated, so both paths produce every token.</summary>
    private const int MaxLength = 1_000_000;

    /// <summary>Each timed window repeats full passes over the texts until it lasts at least this long.</summary>
    private static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(1);

    /// <summary>Both paths run alternately for at least this long before timing.</summary>
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
    }

    public static int Run(BenchmarkArgs args)
    {
        string data = args.GetRequiredString("data");
        int vocab = args.GetInt("vocab", 16_000, minimum: SpecialTokens.Count + 256);
        int rows = args.GetInt("rows", 5_000);
        int trainRows = args.GetInt("train-rows", int.MaxValue);
        int windows = args.GetInt("windows", 3);
        bool phases = args.GetFlag("phases");
        args.ThrowIfUnread();
        string trainPath = Path.Combine(data, "train.tsv.gz"), testPath = Path.Combine(data, "test.tsv.gz");
        foreach (string path in (string[])[trainPath, testPath])
            if (!File.Exists(path)) throw new UsageException($"Data file '{path}' not found.");

        Console.WriteLine($"tokenizer benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC");

        // 1. BPE training on the train split.
        var watch = Stopwatch.StartNew();
        List<string> train = ReadReviews(trainPath, trainRows);
        Console.WriteLine($"read {train.Count} train reviews ({train.Sum(t => (long)t.Length):N0} chars) in {watch.Elapsed.TotalSeconds:F2} s");

        var mlContext = new MLContext(seed: 1);
        IDataView trainView = mlContext.Data.LoadFromEnumerable(train.Select(t => new TextRow { Text = t }));
        var options = new TokenizerOptions { Kind = TokenizerKind.BytePairEncoding, VocabularySize = vocab, MaxLength = MaxLength };
        var estimator = mlContext.Transforms.Text.TokenizeForTransformer("Tokens", nameof(TextRow.Text), options);
        watch.Restart();
        TokenizerTransformer transformer = estimator.Fit(trainView);
        double trainSeconds = watch.Elapsed.TotalSeconds;
        TextTokenizer tokenizer = transformer.Tokenizer;
        Console.WriteLine($"BPE training (Fit, vocabulary {vocab}): {trainSeconds:F2} s -> vocabulary size {tokenizer.VocabularySize}");

        if (phases) TimePhases(train, options);

        // 2. Encoding throughput: transform vs plain loop on the same texts.
        List<string> texts = ReadReviews(testPath, rows);
        IDataView view = mlContext.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }));
        Console.WriteLine($"encoding {texts.Count} test reviews ({texts.Sum(t => (long)t.Length):N0} chars), MaxLength {MaxLength:N0}");

        // Warm-up (JIT tiering; the shared BPE cache): alternate the paths for a while; the first pass checks they agree.
        long transformTokens = CountWithTransform(transformer, view);
        long plainTokens = CountWithLoop(tokenizer, texts);
        if (transformTokens != plainTokens)
            throw new BenchmarkFailedException($"the transform produced {transformTokens:N0} tokens, the plain loop {plainTokens:N0}.");
        TimedPath[] paths =
        [
            new("transform", () => CountWithTransform(transformer, view), transformTokens),
            new("plain", () => CountWithLoop(tokenizer, texts), plainTokens),
        ];
        TimeSpan[] fastest = TimedWindows.WarmUp(paths, WarmupTime);
        int passes = TimedWindows.PassesPerWindow(fastest.Min(), MinimumWindow);

        // transform then plain, then plain then transform, and so on.
        double[][] rates = TimedWindows.Measure(paths, [passes, passes], windows, (w, rate) =>
            Console.WriteLine($"window {w + 1}/{windows} ({passes} pass(es) each, {(w % 2 == 0 ? "transform first" : "plain first")}): " +
                $"transform {rate[0],12:N0} tokens/s   plain {rate[1],12:N0} tokens/s"));
        double transformMedian = TimedWindows.Median(rates[0]), plainMedian = TimedWindows.Median(rates[1]);
        double ratio = transformMedian / plainMedian;
        double peakMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);

        Console.WriteLine($"tokens per pass: {plainTokens:N0} (transform and plain agree)");
        Console.WriteLine($"median transform: {transformMedian:N0} tokens/s");
        Console.WriteLine($"median plain:     {plainMedian:N0} tokens/s");
        Console.WriteLine($"ratio transform/plain: {ratio:F3}");
        Console.WriteLine($"peak working set: {peakMb:F0} MB");

        var result = new Dictionary<string, object>
        {
            ["benchmark"] = "tokenizer",
            ["bpe_train_seconds"] = Math.Round(trainSeconds, 3),
            ["vocab"] = tokenizer.VocabularySize,
            ["train_rows"] = train.Count,
            ["rows"] = texts.Count,
            ["tokens_per_pass"] = plainTokens,
            ["transform_tokens_per_s"] = Math.Round(transformMedian),
            ["plain_tokens_per_s"] = Math.Round(plainMedian),
            ["ratio"] = Math.Round(ratio, 3),
            ["windows"] = windows,
            ["passes_per_window"] = passes,
            ["max_length"] = MaxLength,
            ["peak_working_set_mb"] = Math.Round(peakMb),
            ["cores"] = Environment.ProcessorCount,
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    // The two pass methods run only a few times each, so tiered JIT would leave their loops in on-stack-replacement
    // code; fully optimizing both from the start keeps the harness's own loop out of the comparison.

    /// <summary>Path (a): the ML.NET transform, a cursor over the token column, summing the vector lengths.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountWithTransform(TokenizerTransformer transformer, IDataView input)
    {
        IDataView output = transformer.Transform(input);
        DataViewSchema.Column column = output.Schema[transformer.OutputColumnName];
        using DataViewRowCursor cursor = output.GetRowCursor([column]);
        ValueGetter<VBuffer<int>> getTokens = cursor.GetGetter<VBuffer<int>>(column);
        VBuffer<int> tokens = default;
        long total = 0;
        while (cursor.MoveNext())
        {
            getTokens(ref tokens);
            total += tokens.Length;
        }
        return total;
    }

    /// <summary>Path (b): a plain loop over the same tokenizer, reusing one list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountWithLoop(TextTokenizer tokenizer, List<string> texts)
    {
        var ids = new List<int>();
        long total = 0;
        foreach (string text in texts)
        {
            ids.Clear();
            tokenizer.Encode(text.AsSpan(), ids);
            total += ids.Count;
        }
        return total;
    }

    /// <summary>Training split into its phases with the library's internal pieces (same work as Fit, minus ML.NET).</summary>
    private static void TimePhases(List<string> train, TokenizerOptions options)
    {
        var watch = Stopwatch.StartNew();
        var normalizer = new TextNormalizer(options.LowerCase, options.StripHtmlTags);
        var counter = new PieceCounter(PreTokenizerPatterns.ByteLevelBpe());
        foreach (string text in train)
            if (!text.AsSpan().IsWhiteSpace()) counter.Add(normalizer.Normalize(text));
        double count = watch.Elapsed.TotalSeconds;

        watch.Restart();
        int maxMerges = options.VocabularySize - SpecialTokens.Count - 256;
        List<(int Left, int Right)> merges = BpeTrainer.LearnMerges(counter.Counts, maxMerges, options.MinimumFrequency);
        double learn = watch.Elapsed.TotalSeconds;

        watch.Restart();
        var tokenizer = new ByteLevelBpeTokenizer(merges, options.LowerCase, options.StripHtmlTags);
        double build = watch.Elapsed.TotalSeconds;

        Console.WriteLine($"  phases: count pieces {count:F2} s ({counter.Counts.Count:N0} distinct), learn {merges.Count:N0} merges {learn:F2} s, " +
            $"build BpeTokenizer {build:F2} s (vocabulary {tokenizer.VocabularySize})");
    }

    /// <summary>The review texts of an IMDb split, read by the samples' loader.</summary>
    private static List<string> ReadReviews(string path, int maxRows)
        => Samples.ImdbData.Load(path, maxRows).Select(r => r.Text).ToList();
}
