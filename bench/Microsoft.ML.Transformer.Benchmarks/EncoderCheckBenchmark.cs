using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Pretrained;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The imported encoder (<see cref="CheckpointImporter.Load"/>) against the checkpoint's own <c>model.onnx</c> in ONNX
/// Runtime, on the same texts in the same padded batches: the largest |difference| of last_hidden_state over real
/// positions (issue 18's oracle figure), then scoring speed of both in interleaved windows.
/// </summary>
internal static class EncoderCheckBenchmark
{
    public const string Usage = """
        encoder-check [--model ../shared/models/all-MiniLM-L6-v2] [--texts 256] [--data DIR] [--max-tokens 256] [--batch 32] [--windows 3] [--threads N] [--onnx-optimization all]
          --model       Hugging Face BERT folder (config.json, model.safetensors, vocab.txt) that also holds model.onnx
          --texts       texts compared and timed (default 256)
          --data        read the texts from DIR/test.tsv.gz (gzip TSV, header 'label<TAB>text'); default: built-in synthetic sentences
          --max-tokens  WordPiece tokens per text, [CLS] and [SEP] included; longer texts are truncated (default 256, at most 512)
          --batch       rows per model call; texts are sorted by length first, as our block scoring does (default 32)
          --windows     timed windows per path, interleaved (ours/onnx, then onnx/ours, ...; default 3)
          --threads     torch.set_num_threads and ONNX Runtime's intra-op threads (default: the number of cores)
          --onnx-optimization  ONNX Runtime graph optimization: none, basic, extended or all (default all, its own default)
        """;

    /// <summary>Issue 18's bound on the difference from the independent implementation.</summary>
    private const double Tolerance = 1e-4;

    /// <summary>Issue 18's speed target: ours at least this fraction of ONNX Runtime's rows/s.</summary>
    private const double TargetRatio = 0.8;

    private static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(2);

    /// <summary>One padded batch: ids and attention mask [rows, length], row-major.</summary>
    private sealed record Batch(long[] Ids, long[] Mask, long[] TokenTypes, long[] Shape);

    public static int Run(BenchmarkArgs args)
    {
        string model = args.GetString("model") ?? Path.Combine("..", "shared", "models", "all-MiniLM-L6-v2");
        int textCount = args.GetInt("texts", 256);
        string? data = args.GetString("data");
        int maxTokens = args.GetInt("max-tokens", 256, minimum: 3);
        int batchSize = args.GetInt("batch", 32);
        int windows = args.GetInt("windows", 3);
        int threads = args.GetInt("threads", Environment.ProcessorCount);
        GraphOptimizationLevel optimization = (args.GetString("onnx-optimization") ?? "all") switch
        {
            "none" => GraphOptimizationLevel.ORT_DISABLE_ALL,
            "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
            "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
            "all" => GraphOptimizationLevel.ORT_ENABLE_ALL,
            var other => throw new UsageException($"Option --onnx-optimization must be none, basic, extended or all (got '{other}')."),
        };
        args.ThrowIfUnread();
        if (maxTokens > 512) throw new UsageException("Option --max-tokens must be at most 512 (BERT's positions).");
        string onnxPath = Path.Combine(model, "model.onnx"), vocabPath = Path.Combine(model, "vocab.txt");
        foreach (string path in (string[])[onnxPath, vocabPath, Path.Combine(model, "config.json")])
            if (!File.Exists(path)) throw new UsageException($"Model file '{path}' not found.");

        set_num_threads(threads);
        Console.WriteLine($"encoder-check: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, {threads} thread(s) for both, ONNX Runtime {OrtEnv.Instance().GetVersionString()}");

        // Texts -> WordPiece ids ([CLS] ... [SEP]), truncated to --max-tokens.
        List<string> texts = data is null ? EncoderCheckTexts.Synthetic(textCount) : EncoderCheckTexts.Read(Path.Combine(data, "test.tsv.gz"), textCount);
        var tokenizer = BertTokenizer.Create(vocabPath, new BertOptions { LowerCaseBeforeTokenization = EncoderCheckTexts.LowerCase(model) });
        int truncated = 0;
        List<int[]> rows = texts.Select(t =>
        {
            int[] ids = tokenizer.EncodeToIds(t, addSpecialTokens: true, considerPreTokenization: true, considerNormalization: true).ToArray();
            if (ids.Length <= maxTokens) return ids;
            truncated++;
            return [.. ids.AsSpan(0, maxTokens - 1), ids[^1]];
        }).ToList();

        // Sorted by length into batches, as LengthSortedSubBatches does for our block scoring; both paths get these batches.
        rows.Sort((a, b) => a.Length.CompareTo(b.Length));
        List<Batch> batches = [];
        for (int start = 0; start < rows.Count; start += batchSize)
            batches.Add(Pad(rows.GetRange(start, Math.Min(batchSize, rows.Count - start))));
        long realTokens = rows.Sum(r => (long)r.Length), paddedTokens = batches.Sum(b => b.Shape[0] * b.Shape[1]);
        Console.WriteLine($"{rows.Count} texts ({(data is null ? "synthetic" : data)}), {rows.Min(r => r.Length)}–{rows.Max(r => r.Length)} WordPiece tokens " +
            $"(mean {realTokens / (double)rows.Count:F1}), {truncated} truncated to {maxTokens}; {batches.Count} batches of up to {batchSize}, " +
            $"{paddedTokens:N0} positions with padding for {realTokens:N0} real tokens");

        var (config, encoder) = CheckpointImporter.Load(model);
        using var _ = encoder;
        encoder.eval();
        int width = config.ModelDimension;
        using var sessionOptions = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL, GraphOptimizationLevel = optimization };
        using var session = new InferenceSession(onnxPath, sessionOptions);
        Console.WriteLine($"model: {config.EncoderLayers} layers, d_model {width}, {config.Heads} heads, d_ff {config.FeedForwardDimension}; " +
            $"ONNX graph optimization {sessionOptions.GraphOptimizationLevel}");

        // 1. Exactness: every batch through both, max |ours - onnx| over real positions.
        double worst = 0;
        foreach (Batch batch in batches)
        {
            using var scope = NewDisposeScope();
            float[] ours;
            using (no_grad()) ours = RunOurs(encoder, batch).contiguous().data<float>().ToArray();
            float[] theirs;
            using (var outputs = RunOnnx(session, batch)) theirs = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            for (int p = 0; p < batch.Mask.Length; p++)
                if (batch.Mask[p] == 1)
                    for (int d = 0; d < width; d++)
                        worst = Math.Max(worst, Math.Abs(ours[p * width + d] - theirs[p * width + d]));
        }
        Console.WriteLine($"max_abs_diff of last_hidden_state over real positions: {worst:E2} (bound {Tolerance:E0})");

        // 2. Speed: a pass scores every batch; the output stays in each runtime's own tensor (no copy to managed arrays).
        TimedPath[] paths =
        [
            new("ours", () => OursPass(encoder, batches), rows.Count),
            new("onnx", () => OnnxPass(session, batches), rows.Count),
        ];
        TimeSpan[] fastest = TimedWindows.WarmUp(paths, WarmupTime);
        int[] passes = fastest.Select(f => TimedWindows.PassesPerWindow(f, MinimumWindow)).ToArray();
        double[][] rates = TimedWindows.Measure(paths, passes, windows, (w, rate) =>
            Console.WriteLine($"window {w + 1}/{windows} ({(w % 2 == 0 ? "ours first" : "onnx first")}): " +
                $"ours {rate[0],9:N1} rows/s ({passes[0]} passes)   onnx {rate[1],9:N1} rows/s ({passes[1]} passes)"));
        double oursMedian = TimedWindows.Median(rates[0]), onnxMedian = TimedWindows.Median(rates[1]);
        double ratio = oursMedian / onnxMedian;

        Console.WriteLine();
        Console.WriteLine("| path | rows/s (median) | real tokens/s |");
        Console.WriteLine("|---|---:|---:|");
        Console.WriteLine($"| ours (CheckpointImporter, TorchSharp) | {oursMedian:N1} | {oursMedian * realTokens / rows.Count:N0} |");
        Console.WriteLine($"| ONNX Runtime (model.onnx) | {onnxMedian:N1} | {onnxMedian * realTokens / rows.Count:N0} |");
        Console.WriteLine($"ratio ours/onnx: {ratio:F3} (target >= {TargetRatio}: {(ratio >= TargetRatio ? "met" : "MISSED")})");
        Console.WriteLine($"max_abs_diff: {worst:E2} (<= {Tolerance:E0}: {(worst <= Tolerance ? "yes" : "NO")})");

        var result = new Dictionary<string, object>
        {
            ["benchmark"] = "encoder-check",
            ["model"] = Path.GetFileName(Path.GetFullPath(model).TrimEnd(Path.DirectorySeparatorChar)),
            ["max_abs_diff"] = worst,
            ["texts"] = rows.Count,
            ["source"] = data is null ? "synthetic" : "data",
            ["real_tokens"] = realTokens,
            ["padded_tokens"] = paddedTokens,
            ["truncated"] = truncated,
            ["max_tokens"] = maxTokens,
            ["batch"] = batchSize,
            ["ours_rows_per_s"] = Math.Round(oursMedian, 2),
            ["onnx_rows_per_s"] = Math.Round(onnxMedian, 2),
            ["ratio"] = Math.Round(ratio, 3),
            ["target_ratio"] = TargetRatio,
            ["windows"] = windows,
            ["threads"] = threads,
            ["onnx_optimization"] = optimization.ToString(),
            ["cores"] = Environment.ProcessorCount,
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        if (worst > Tolerance) throw new BenchmarkFailedException($"max abs difference {worst:E2} > {Tolerance:E0}.");
        return 0;
    }

    private static Batch Pad(List<int[]> rows)
    {
        int length = rows.Max(r => r.Length);
        var ids = new long[rows.Count * length];
        var mask = new long[ids.Length];
        for (int b = 0; b < rows.Count; b++)
            for (int i = 0; i < rows[b].Length; i++) (ids[b * length + i], mask[b * length + i]) = (rows[b][i], 1);
        return new Batch(ids, mask, new long[ids.Length], [rows.Count, length]);
    }

    /// <summary>Our encoder on one batch: padding keys ([PAD] = 0) are masked by the model, as BERT's attention_mask does.</summary>
    private static Tensor RunOurs(TransformerEncoderModel encoder, Batch batch)
        => encoder.Forward(tensor(batch.Ids, batch.Shape)).Hidden;

    private static IDisposableReadOnlyCollection<OrtValue> RunOnnx(InferenceSession session, Batch batch)
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(batch.Ids, batch.Shape);
        using var mask = OrtValue.CreateTensorValueFromMemory(batch.Mask, batch.Shape);
        using var types = OrtValue.CreateTensorValueFromMemory(batch.TokenTypes, batch.Shape);
        using var runOptions = new RunOptions();
        return session.Run(runOptions,
            new Dictionary<string, OrtValue> { ["input_ids"] = ids, ["attention_mask"] = mask, ["token_type_ids"] = types },
            ["last_hidden_state"]);
    }

    private static long OursPass(TransformerEncoderModel encoder, List<Batch> batches)
    {
        long rows = 0;
        using var inference = no_grad();
        foreach (Batch batch in batches)
        {
            using var scope = NewDisposeScope();
            Tensor hidden = RunOurs(encoder, batch);
            rows += hidden.shape[0];
        }
        return rows;
    }

    private static long OnnxPass(InferenceSession session, List<Batch> batches)
    {
        long rows = 0;
        foreach (Batch batch in batches)
        {
            using var outputs = RunOnnx(session, batch);
            rows += outputs[0].GetTensorTypeAndShape().Shape[0];
        }
        return rows;
    }
}
