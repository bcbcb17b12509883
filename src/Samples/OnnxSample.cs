using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// ONNX export end to end: trains the IMDb sample's from-scratch classifier on a subset (or loads a saved pipeline with
/// --model), exports it as float32 and as int8 ONNX files, and scores the same tokenized test reviews three ways: the
/// model's own <c>Transform</c> (TorchSharp block scoring), ONNX Runtime on the float file and on the int8 file, both in
/// the library's batching (blocks of 256 rows sorted by length, batches of 32 padded to their longest). Tokenization is
/// done once beforehand and timed in none of them.
/// </summary>
internal static class OnnxSample
{
    public static int Run(ILookup<string, string> args)
    {
        string? dataDir = args.Value("data");
        string outDir = args.Value("out") ?? ".";
        int threads = args.Int("onnx-threads") ?? Environment.ProcessorCount;
        int batchRows = args.Int("batch-rows") ?? 32;
        var ml = new MLContext(seed: 1);
        int? rows = args.Int("rows") ?? (dataDir is null ? null : 5_000);
        var (trainRows, testRows) = ImdbSplits.Load(dataDir, rows);
        if (rows is { } n) (trainRows, testRows) = (trainRows[..Math.Min(n, trainRows.Count)], testRows[..Math.Min(n, testRows.Count)]);   // the built-in corpus too

        var trainClock = Stopwatch.StartNew();
        ITransformer model = args.Value("model") is { } zip ? ml.Model.Load(zip, out _) : Train(ml, args, dataDir is not null, trainRows);
        trainClock.Stop();
        Directory.CreateDirectory(outDir);
        if (args.Value("model") is null)
        {
            // kept, so that another run can measure the same model (--model)
            string saved = Path.Combine(outDir, "imdb-classifier.zip");
            ml.Model.SaveAtomically(model, ml.Data.LoadFromEnumerable(trainRows).Schema, saved);
            AnsiConsole.MarkupLine($"Saved the trained pipeline to {saved}.");
        }
        TransformerClassifierTransformer classifier = Parts(model).OfType<TransformerClassifierTransformer>().FirstOrDefault() is { IsBinary: true } binary
            ? binary : throw new ArgumentException("the model holds no binary Transformer classifier (this sample scores IMDb's positive/negative reviews)");
        TokenizerTransformer tokenizer = Parts(model).OfType<TokenizerTransformer>().Last(t => t.OutputColumnName == classifier.TokensColumnName);

        string fp32File = Path.Combine(outDir, "imdb-classifier.onnx"), int8File = Path.Combine(outDir, "imdb-classifier.int8.onnx");
        double fp32Export = Timed(() => ml.Model.ExportToOnnx(model, fp32File));
        double int8Export = Timed(() => ml.Model.ExportToOnnx(model, int8File, new OnnxExportOptions { Quantization = OnnxQuantization.Int8Dynamic }));
        AnsiConsole.MarkupLine($"Exported {fp32File} ({Megabytes(fp32File):F2} MB, {fp32Export:F2} s) and {int8File} ({Megabytes(int8File):F2} MB, {int8Export:F2} s).");

        // the same token rows for all three: tokenized once, cached, read once to fill the cache
        IDataView tokens = ml.Data.Cache(tokenizer.Transform(ml.Data.LoadFromEnumerable(testRows)));
        int[][] ids = [.. tokens.GetColumn<int[]>(classifier.TokensColumnName)];
        bool[] labels = [.. testRows.Select(r => r.Label)];
        AnsiConsole.MarkupLine($"Scoring {ids.Length:N0} test reviews of {ids.Average(r => r.Length):F0} tokens on average (max {classifier.MaxLength}).");

        IDataView warmUp = ml.Data.TakeRows(tokens, 64);
        _ = classifier.Transform(warmUp).GetColumn<float>("Score").ToArray();
        float[] torchScores = [];
        double torchSeconds = Timed(() => torchScores = [.. classifier.Transform(tokens).GetColumn<float>("Score")]);
        var (fp32Scores, fp32Seconds) = ScoreOnnx(fp32File, ids, threads, batchRows, args.Value("profile") is { } p ? p + "-fp32" : null);
        var (int8Scores, int8Seconds) = ScoreOnnx(int8File, ids, threads, batchRows, args.Value("profile") is { } q ? q + "-int8" : null);

        double maxDiff = torchScores.Zip(fp32Scores).Max(s => Math.Abs((double)s.First - s.Second));
        double maxDiffInt8 = torchScores.Zip(int8Scores).Max(s => Math.Abs((double)s.First - s.Second));
        double Accuracy(float[] scores) => scores.Zip(labels).Count(s => s.First > 0 == s.Second) / (double)labels.Length;
        double RowsPerSecond(double seconds) => ids.Length / seconds;
        (double torchAccuracy, double fp32Accuracy, double int8Accuracy) = (Accuracy(torchScores), Accuracy(fp32Scores), Accuracy(int8Scores));
        AnsiConsole.MarkupLine($"TorchSharp block scoring: accuracy {torchAccuracy:P2}, {RowsPerSecond(torchSeconds):N0} rows/s.");
        AnsiConsole.MarkupLine($"ONNX Runtime float32:     accuracy {fp32Accuracy:P2}, {RowsPerSecond(fp32Seconds):N0} rows/s " +
                               $"([bold]{torchSeconds / fp32Seconds:F2}×[/]); max |score − TorchSharp| {maxDiff:G3}.");
        AnsiConsole.MarkupLine($"ONNX Runtime int8:        accuracy {int8Accuracy:P2}, {RowsPerSecond(int8Seconds):N0} rows/s " +
                               $"([bold]{torchSeconds / int8Seconds:F2}×[/]); max |score − TorchSharp| {maxDiffInt8:G3}.");

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            sample = "onnx",
            data = dataDir ?? "built-in",
            model = args.Value("model") ?? "trained",
            train_rows = args.Value("model") is null ? trainRows.Count : 0,
            test_rows = ids.Length,
            train_seconds = args.Value("model") is null ? Math.Round(trainClock.Elapsed.TotalSeconds, 1) : 0,
            config = new
            {
                layers = classifier.Layers, vocabulary = classifier.VocabularySize, max_length = classifier.MaxLength, mean_tokens = Math.Round(ids.Average(r => r.Length), 1),
            },
            torch_threads = TorchSharp.torch.get_num_threads(),
            onnx_threads = threads,
            batch_rows = batchRows,
            export_seconds_fp32 = Math.Round(fp32Export, 3),
            export_seconds_int8 = Math.Round(int8Export, 3),
            file_mb_fp32 = Math.Round(Megabytes(fp32File), 2),
            file_mb_int8 = Math.Round(Megabytes(int8File), 2),
            max_abs_diff = maxDiff,
            max_abs_diff_int8 = Math.Round(maxDiffInt8, 4),
            accuracy_torch = Math.Round(torchAccuracy, 4),
            accuracy_onnx = Math.Round(fp32Accuracy, 4),
            accuracy_onnx_int8 = Math.Round(int8Accuracy, 4),
            rows_per_second_torch = Math.Round(RowsPerSecond(torchSeconds), 1),
            rows_per_second_onnx = Math.Round(RowsPerSecond(fp32Seconds), 1),
            rows_per_second_onnx_int8 = Math.Round(RowsPerSecond(int8Seconds), 1),
            speedup_onnx = Math.Round(torchSeconds / fp32Seconds, 2),
            speedup_onnx_int8 = Math.Round(torchSeconds / int8Seconds, 2),
        }));
        return 0;
    }

    /// <summary>The IMDb sample's from-scratch recipe (one epoch unless --epochs says otherwise) on the given rows.</summary>
    private static ITransformer Train(MLContext ml, ILookup<string, string> args, bool full, List<Review> rows)
    {
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.1, seed: 1);
        var (tokenizer, options) = ImdbSentimentSample.Recipe(args, full, split.TestSet);
        options.Epochs = args.Int("epochs") ?? 1;
        AnsiConsole.MarkupLine($"Training: d_model {options.Shape.ModelDimension}, {options.Shape.Layers} layers, BPE {tokenizer.VocabularySize:N0}, " +
                               $"max {tokenizer.MaxLength} tokens, {options.Epochs} epoch(s) on {rows.Count:N0} reviews less a 10 % validation slice.");
        var pipeline = ml.BinaryClassification.Trainers.TransformerOnText("Text", tokenizer, options);
        return TrainingProgressBar.Fit(options, "Learning the vocabulary", p => $"acc {p.Accuracy:P1}",
            e => $"Epoch {e.Epoch}: validation accuracy {e.ValidationMetric:P2}, {e.TokensPerSecond:N0} tokens/s, {e.Duration.TotalSeconds:F0} s.",
            () => pipeline.Fit(split.TrainSet));
    }

    private static (float[] Scores, double Seconds) ScoreOnnx(string file, int[][] ids, int threads, int batchRows, string? profile)
    {
        using var scorer = new OnnxRuntimeScorer(file, threads, profile);
        scorer.Score(ids[..Math.Min(64, ids.Length)], batchRows: batchRows);   // warm-up: first runs allocate and plan
        float[] scores = [];
        double seconds = Timed(() => scores = scorer.Score(ids, batchRows: batchRows));
        if (profile is not null) AnsiConsole.MarkupLine($"ONNX Runtime profile: {scorer.EndProfiling()}");
        return (scores, seconds);
    }

    private static IEnumerable<ITransformer> Parts(ITransformer model)
        => model is IEnumerable<ITransformer> chain ? chain.SelectMany(Parts) : [model];

    private static double Timed(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Megabytes(string file) => new FileInfo(file).Length / 1e6;
}
