using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// Text classification on any folder with train.tsv.gz and test.tsv.gz (<see cref="TsvClassificationData"/>): binary
/// or multiclass by the training labels (<see cref="ClassLabels"/>). Trains the Transformer with the library's defaults
/// (from scratch, or fine-tuning a pretrained encoder with --encoder), and ML.NET's classic baseline on the same split;
/// prints both side by side, saves the model, reloads it in a new MLContext, checks the reloaded model predicts the
/// same, and ends with one JSON line.
/// </summary>
internal static class ClassifySample
{
    public static int Run(ILookup<string, string> args)
    {
        string dataDir = args.Value("data") ?? throw new ArgumentException("classify needs --data <folder with train.tsv.gz and test.tsv.gz>");
        string modelPath = args.Value("out") ?? "classify.zip";
        var (trainRows, testRows) = TsvClassificationData.LoadFolder(dataDir, args.Int("rows"));
        ClassLabels labels = ClassLabels.Detect(trainRows.Select(r => r.Label));
        labels.CheckKnown(testRows, Path.Combine(dataDir, TsvClassificationData.TestFile));
        int emptyTrain = trainRows.Count(r => string.IsNullOrWhiteSpace(r.Text)), emptyTest = testRows.Count(r => string.IsNullOrWhiteSpace(r.Text));
        AnsiConsole.MarkupLine($"Loaded [bold]{trainRows.Count:N0}[/] training and [bold]{testRows.Count:N0}[/] test rows " +
                               $"({emptyTrain:N0} and {emptyTest:N0} with empty text, kept).");
        AnsiConsole.MarkupLine(Markup.Escape(labels.IsBinary
            ? $"Binary: '{labels.TrueLabel}' = true, '{labels.FalseLabel}' = false."
            : $"Multiclass, {labels.Classes.Length} classes: {string.Join(", ", labels.Classes)}."));

        var ml = new MLContext(seed: 1);
        if (args.Int("threads") is { } threads) TorchSharp.torch.set_num_threads(threads);
        var task = TextClassificationTask.Create(ml, labels, trainRows, testRows);
        string? encoderPath = args.Value("encoder");
        ITransformerEncoderSource? encoder = encoderPath is null ? null : EncoderFiles.Load(ml, encoderPath, "encoder");
        TokenizerOptions? tokenizer = encoder switch
        {
            null => new TokenizerOptions(),
            PretrainedEncoder imported => imported.TokenizerOptions,   // its WordPiece: options rebuild it from vocab.txt
            _ => null,   // an encoder pretrained here: TransformerOnText takes its fitted tokenizer as it is
        };
        if (args.Int("max-length") is { } maxLength)
            tokenizer = tokenizer is null
                ? throw new ArgumentException("--max-length cannot change the tokenizer of an encoder pretrained here: its length is the encoder's.")
                : tokenizer with { MaxLength = maxLength };
        TokenizerOptions shown = tokenizer ?? ((PretrainedEncoderTransformer)encoder!).TokenizerOptions;
        var options = new TransformerClassifierOptions
        {
            InitialEncoder = encoder,   // the encoder's shape and weights; fine-tuning defaults for what is left unset
            Epochs = args.Int("epochs"),
            Device = args.Value("device") ?? "cpu",
            ProgressInterval = 10,
            Seed = 1,
        };
        if (args.Int("batch") is { } batch) options.BatchSize = batch;
        if (args.Double("lr") is { } lr) options.LearningRate = lr;
        AnsiConsole.MarkupLine(Markup.Escape($"Transformer {(encoder is null ? "from scratch" : $"fine-tuned from {encoderPath}")}: {shown.Kind} tokenizer, " +
                                             $"max {shown.MaxLength} tokens, {(options.Epochs is { } e ? $"{e} epoch(s)" : "epochs chosen by the trainer")} on {options.Device}."));

        var trainClock = Stopwatch.StartNew();
        ITransformer model = TrainingProgressBar.Fit(options, "Preparing", p => $"acc {p.Accuracy:P1}",
            e => $"Epoch {e.Epoch}: training loss {e.TrainingLoss:F4}, accuracy {e.TrainingAccuracy:P2}" +
                 (e.ValidationMetric is { } v ? $"; validation accuracy [bold]{v:P2}[/]{(e.IsBest ? " (best)" : "")}" : "") +
                 $"; {e.TokensPerSecond:N0} tokens/s, {e.Duration.TotalSeconds:F0} s.",
            () => task.Transformer(tokenizer, options).Fit(task.Train));
        trainClock.Stop();
        IReadOnlyList<EpochSummary> history = Parts(model).OfType<TransformerClassifierTransformer>().Single().TrainingHistory;

        IDataView scored = ml.Data.Cache(model.Transform(task.Test));
        string[] predictions = task.Predictions(scored);
        ClassifierScores scores = task.Evaluate(scored);

        ml.Model.SaveAtomically(model, task.Train.Schema, modelPath);
        ITransformer reloaded = new MLContext().Model.Load(modelPath, out _);
        var scoreClock = Stopwatch.StartNew();
        IDataView rescored = ml.Data.Cache(reloaded.Transform(task.Test));
        string[] reloadedPredictions = task.Predictions(rescored);
        scoreClock.Stop();
        bool reloadSame = reloadedPredictions.SequenceEqual(predictions) && task.Evaluate(rescored) == scores;
        long truncatedTest = Parts(reloaded).OfType<TokenizerTransformer>().Sum(t => t.TruncatedRowCount);
        double rowsPerSecond = testRows.Count / scoreClock.Elapsed.TotalSeconds;

        ClassifierScores? baseline = null;
        TimeSpan? baselineTime = null;
        if (!args.Flag("no-baseline"))
        {
            (ITransformer baselineModel, TimeSpan time) = ClassicTextBaseline.Fit(task.Baseline(), task.Train, task.BaselineName);
            (baseline, baselineTime) = (task.Evaluate(baselineModel.Transform(task.Test)), time);
        }

        ComparisonTable.Write(task.BaselineName,
            [("accuracy", scores.Accuracy, baseline?.Accuracy), (task.QualityName, scores.Quality, baseline?.Quality)],
            $"{ComparisonTable.Duration(trainClock.Elapsed)} ({history.Count} epoch{(history.Count == 1 ? "" : "s")})", baselineTime);
        AnsiConsole.MarkupLine($"Saved to [bold]{Path.GetFullPath(modelPath)}[/] ({new FileInfo(modelPath).Length / 1024.0 / 1024:F1} MiB); reloaded in a " +
                               $"new MLContext: {(reloadSame ? "[green]same predictions and metrics[/]" : "[red]different predictions or metrics[/]")}, " +
                               $"scored {testRows.Count:N0} test rows at {rowsPerSecond:N0} rows/s ({truncatedTest:N0} truncated to {shown.MaxLength} tokens).");

        string quality = labels.IsBinary ? "auc" : "macro_f1";
        var json = new Dictionary<string, object?>
        {
            ["sample"] = "classify",
            ["data"] = dataDir,
            ["task"] = task.Name,
            ["classes"] = labels.Classes.Length,
            ["labels"] = labels.Classes,
            ["true_label"] = labels.TrueLabel,
            ["train_rows"] = trainRows.Count,
            ["test_rows"] = testRows.Count,
            ["empty_train_rows"] = emptyTrain,
            ["empty_test_rows"] = emptyTest,
            ["truncated_test_rows"] = truncatedTest,
            ["encoder"] = encoderPath is null ? null : Path.GetFileName(Path.TrimEndingDirectorySeparator(encoderPath)),
            ["max_length"] = shown.MaxLength,
            ["epochs"] = history.Count,
            ["accuracy"] = Math.Round(scores.Accuracy, 4),
            [quality] = Math.Round(scores.Quality, 4),
            ["baseline_accuracy"] = baseline is null ? null : Math.Round(baseline.Accuracy, 4),
            ["baseline_" + quality] = baseline is null ? null : Math.Round(baseline.Quality, 4),
            ["train_seconds"] = Math.Round(trainClock.Elapsed.TotalSeconds, 1),
            ["baseline_seconds"] = baselineTime is { } t ? Math.Round(t.TotalSeconds, 1) : null,
            ["rows_per_second"] = Math.Round(rowsPerSecond),
            ["reload_same_metrics"] = reloadSame,
            ["epoch_history"] = history.Select(e => new
            {
                epoch = e.Epoch, loss = Math.Round(e.TrainingLoss, 4), valid_accuracy = e.ValidationMetric is { } v ? Math.Round(v, 4) : (double?)null,
                seconds = Math.Round(e.Duration.TotalSeconds, 1), tokens_per_s = Math.Round(e.TokensPerSecond),
            }),
        };
        Console.WriteLine(JsonSerializer.Serialize(json));
        return reloadSame ? 0 : 1;
    }

    /// <summary>The transformers of a model, nested chains (a TransformerOnText estimator's tokenizer + classifier) opened.</summary>
    private static IEnumerable<ITransformer> Parts(ITransformer model)
        => model is IEnumerable<ITransformer> chain ? chain.SelectMany(Parts) : [model];
}
