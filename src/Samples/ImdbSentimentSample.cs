using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// The headline job: tokenizer + Transformer sentiment classifier in one ML.NET pipeline, trained on the IMDb training
/// split with a validation slice, evaluated on the test split, saved as a zip, reloaded and used to batch-score the test
/// set; ML.NET's classic FeaturizeText + AveragedPerceptron baseline is trained on the same split for comparison.
/// </summary>
internal static class ImdbSentimentSample
{
    public static int Run(ILookup<string, string> args)
    {
        string? dataDir = args.Value("data");
        string modelPath = args.Value("out") ?? "imdb-sentiment.zip";
        int? rows = args.Int("rows");
        var ml = new MLContext(seed: 1);
        if (args.Int("threads") is { } threads) TorchSharp.torch.set_num_threads(threads);

        var (trainRows, testRows) = ImdbSplits.Load(dataDir, rows);
        IDataView all = ml.Data.LoadFromEnumerable(trainRows);
        var split = ml.Data.TrainTestSplit(all, testFraction: 0.1, seed: 1);
        IDataView test = ml.Data.LoadFromEnumerable(testRows);

        bool full = dataDir is not null;
        var (tokenizer, options) = Recipe(args, full, split.TestSet);
        var pipeline = ml.BinaryClassification.Trainers.TransformerOnText("Text", tokenizer, options);
        AnsiConsole.MarkupLine($"Transformer: d_model {options.Shape.ModelDimension}, {options.Shape.Heads} heads, {options.Shape.Layers} layers, " +
                               $"BPE {tokenizer.VocabularySize:N0}, max {tokenizer.MaxLength} tokens, {options.Epochs} epochs of batch {options.BatchSize} " +
                               $"on {options.Device}, {CommandLine.PrecisionName(options)}.");

        var trainClock = Stopwatch.StartNew();
        TransformerChain<TransformerClassifierTransformer> model = TrainingProgressBar.Fit(options, "Learning the vocabulary", p => $"acc {p.Accuracy:P1}",
            e => $"Epoch {e.Epoch}: training loss {e.TrainingLoss:F4}, accuracy {e.TrainingAccuracy:P2}; validation accuracy " +
                 $"[bold]{e.ValidationMetric:P2}[/]{(e.IsBest ? " (best)" : "")}, loss {e.ValidationLoss:F4}; {e.TokensPerSecond:N0} tokens/s, {e.Duration.TotalSeconds:F0} s.",
            () => pipeline.Fit(split.TrainSet));
        trainClock.Stop();

        var scoreClock = Stopwatch.StartNew();
        IDataView scored = model.Transform(test);
        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(scored);
        scoreClock.Stop();

        ml.Model.SaveAtomically(model, all.Schema, modelPath);
        var reloaded = new MLContext().Model.Load(modelPath, out _);
        var reloadClock = Stopwatch.StartNew();
        CalibratedBinaryClassificationMetrics reloadedMetrics = ml.BinaryClassification.Evaluate(reloaded.Transform(test));
        reloadClock.Stop();
        bool reloadSame = reloadedMetrics.Accuracy == metrics.Accuracy && Math.Abs(reloadedMetrics.AreaUnderRocCurve - metrics.AreaUnderRocCurve) < 1e-9;

        CalibratedBinaryClassificationMetrics? baseline = null;
        TimeSpan? baselineTime = null;
        if (args.Value("no-baseline") is null)
        {
            (ITransformer baselineModel, TimeSpan time) = ClassicTextBaseline.Fit(ClassicTextBaseline.Binary(ml), split.TrainSet, ClassicTextBaseline.BinaryName);
            baseline = ml.BinaryClassification.Evaluate(baselineModel.Transform(test));
            baselineTime = time;
        }

        ComparisonTable.Write(ClassicTextBaseline.BinaryName,
            [("accuracy", metrics.Accuracy, baseline?.Accuracy), ("AUC", metrics.AreaUnderRocCurve, baseline?.AreaUnderRocCurve), ("F1", metrics.F1Score, baseline?.F1Score)],
            $"{trainClock.Elapsed.TotalMinutes:F1} min", baselineTime);
        AnsiConsole.MarkupLine($"Transformer batch scoring: {testRows.Count / scoreClock.Elapsed.TotalSeconds:N0} reviews/s.");
        AnsiConsole.MarkupLine($"Saved to [bold]{Path.GetFullPath(modelPath)}[/] ({new FileInfo(modelPath).Length / 1024.0 / 1024:F1} MiB); reloaded in a " +
                               $"new MLContext: {(reloadSame ? "[green]same metrics[/]" : "[red]different metrics[/]")}, batch-scored " +
                               $"{testRows.Count:N0} reviews at {testRows.Count / reloadClock.Elapsed.TotalSeconds:N0} rows/s.");

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            sample = "imdb",
            data = dataDir ?? "built-in",
            train_rows = trainRows.Count,
            test_rows = testRows.Count,
            config = new
            {
                d_model = options.Shape.ModelDimension, heads = options.Shape.Heads, layers = options.Shape.Layers, epochs = options.Epochs, batch = options.BatchSize,
                lr = options.LearningRate, dropout = options.Shape.Dropout, weight_decay = options.WeightDecay, label_smoothing = options.LabelSmoothing, vocabulary = tokenizer.VocabularySize, max_length = tokenizer.MaxLength, truncation = tokenizer.Truncation.ToString(),
                device = options.Device, mixed_precision = options.UsesMixedPrecision,
            },
            accuracy = Math.Round(metrics.Accuracy, 4),
            auc = Math.Round(metrics.AreaUnderRocCurve, 4),
            f1 = Math.Round(metrics.F1Score, 4),
            train_seconds = Math.Round(trainClock.Elapsed.TotalSeconds, 1),
            epochs = model.LastTransformer.TrainingHistory.Select(e => new { e.Epoch, loss = Math.Round(e.TrainingLoss, 4), valid_accuracy = e.ValidationMetric, seconds = Math.Round(e.Duration.TotalSeconds, 1), tokens_per_s = Math.Round(e.TokensPerSecond) }),
            score_rows_per_s = Math.Round(testRows.Count / scoreClock.Elapsed.TotalSeconds),
            reload_same_metrics = reloadSame,
            baseline_accuracy = baseline is null ? (double?)null : Math.Round(baseline.Accuracy, 4),
            baseline_auc = baseline is null ? (double?)null : Math.Round(baseline.AreaUnderRocCurve, 4),
            baseline_f1 = baseline is null ? (double?)null : Math.Round(baseline.F1Score, 4),
            baseline_seconds = Math.Round(baselineTime?.TotalSeconds ?? 0, 1),
        }));
        return reloadSame ? 0 : 1;
    }

    /// <summary>The from-scratch recipe (tokenizer and classifier options) the flags select; <paramref name="full"/>: the
    /// real IMDb data rather than the toy corpus. The pretrain sample trains it too, as its 0-minute point.</summary>
    public static (TokenizerOptions Tokenizer, TransformerClassifierOptions Classifier) Recipe(ILookup<string, string> args, bool full, IDataView validation)
    {
        var tokenizer = new TokenizerOptions
        {
            Kind = TokenizerKind.BytePairEncoding,
            VocabularySize = args.Int("vocab") ?? (full ? 8_000 : 1_000),
            LowerCase = true,
            StripHtmlTags = true,                      // IMDb reviews contain "<br /><br />"
            MaxLength = args.Int("max-length") ?? (full ? 512 : 256),
            // Head + tail: reviews often end with the verdict.
            Truncation = args.Truncation() ?? TruncationSide.Middle,
        };
        var options = new TransformerClassifierOptions
        {
            Shape =
            {
                ModelDimension = args.Int("dim") ?? 128,
                Heads = args.Int("heads") ?? 4,
                Layers = args.Int("layers") ?? 2,
                Dropout = args.Double("dropout") ?? 0.3,  // 25k reviews overfit a 1.3M-parameter model quickly
            },
            Epochs = args.Int("epochs") ?? (full ? 2 : 4),
            BatchSize = args.Int("batch") ?? 32,
            LearningRate = args.Double("lr") ?? 5e-4,
            WeightDecay = args.Double("weight-decay") ?? 0.1,
            LabelSmoothing = args.Double("label-smoothing") ?? 0,
            ValidationSet = validation,
            Device = args.Value("device") ?? "cpu",
            MixedPrecision = args.MixedPrecision(),
            CheckpointDirectory = args.Value("checkpoints"),
            ProgressInterval = 10,
            Seed = 1,
        };
        return (tokenizer, options);
    }
}
