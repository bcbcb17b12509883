using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// Self-supervised pretraining on IMDb's own text, then fine-tuning: pretrains an encoder with masked language modelling
/// on the 50,000 unlabelled reviews (<c>unsup.tsv.gz</c>) plus the training reviews' text — never the test reviews' —
/// for a time budget (<c>--minutes</c>), saves it as an ML.NET zip, loads it back in a fresh MLContext, fine-tunes a
/// classifier from it on the labelled training reviews with its tokenizer, and evaluates on the test split beside
/// ML.NET's classic baseline. Ends with one JSON line.
/// </summary>
internal static class PretrainSample
{
    public static int Run(ILookup<string, string> args)
    {
        string dataDir = args.Value("data") ?? throw new ArgumentException("pretrain needs --data <imdb folder with unsup.tsv.gz, train.tsv.gz, test.tsv.gz>");
        string encoderPath = args.Value("out") ?? "imdb-encoder.zip";
        int? rows = args.Int("rows");
        double minutes = args.Double("minutes") ?? 60;
        if (args.Int("threads") is { } threads) TorchSharp.torch.set_num_threads(threads);

        var (train, test) = ImdbSplits.Load(dataDir, rows);
        List<Document> corpus = UnlabelledText.Load(Path.Combine(dataDir, "unsup.tsv.gz"), rows);
        corpus.AddRange(train.Select(review => new Document { Text = review.Text }));   // the training texts; never the test texts
        AnsiConsole.MarkupLine($"Pretraining corpus: [bold]{corpus.Count:N0}[/] documents (unlabelled + training reviews).");

        var ml = new MLContext(seed: 1);
        var pretrainClock = Stopwatch.StartNew();
        using (PretrainedEncoderTransformer encoder = Pretrain(ml, args, corpus, minutes))
            ml.Model.SaveAtomically(encoder, ml.Data.LoadFromEnumerable(corpus).Schema, encoderPath);
        pretrainClock.Stop();
        AnsiConsole.MarkupLine($"Saved the encoder to [bold]{Path.GetFullPath(encoderPath)}[/] ({new FileInfo(encoderPath).Length / 1024.0 / 1024:F1} MiB).");
        if (args.Flag("no-finetune")) return 0;

        // a fresh context, as a later process would: the zip holds the encoder and its tokenizer
        var fresh = new MLContext(seed: 1);
        using var pretrained = (PretrainedEncoderTransformer)fresh.Model.Load(encoderPath, out _);
        IDataView labelled = fresh.Data.LoadFromEnumerable(train);
        var split = fresh.Data.TrainTestSplit(labelled, testFraction: 0.1, seed: 1);
        var options = new TransformerClassifierOptions
        {
            InitialEncoder = pretrained,
            Epochs = args.Int("epochs") ?? 2,
            LearningRate = args.Double("finetune-lr") ?? 1e-4,   // a small encoder briefly pretrained takes BERT-small's rate, above BERT-base's 5e-5
            BatchSize = args.Int("batch") ?? 32,
            ValidationSet = split.TestSet,
            Device = args.Value("device") ?? "cpu",
            MixedPrecision = args.MixedPrecision(),
            ProgressInterval = 10,
            Seed = 1,
        };
        var trainClock = Stopwatch.StartNew();
        // no tokenizer given: TransformerOnText tokenizes with the pretrained encoder's
        TransformerChain<TransformerClassifierTransformer> model = TrainingProgressBar.Fit(options, "Fine-tuning", p => $"acc {p.Accuracy:P1}",
            e => $"Fine-tuning epoch {e.Epoch}: loss {e.TrainingLoss:F4}; validation accuracy [bold]{e.ValidationMetric:P2}[/]; {e.Duration.TotalSeconds:F0} s.",
            () => fresh.BinaryClassification.Trainers.TransformerOnText("Text", options: options).Fit(split.TrainSet));
        trainClock.Stop();
        IDataView testView = fresh.Data.LoadFromEnumerable(test);
        CalibratedBinaryClassificationMetrics metrics = fresh.BinaryClassification.Evaluate(model.Transform(testView));

        CalibratedBinaryClassificationMetrics? baseline = null;
        TimeSpan baselineTime = TimeSpan.Zero;
        if (!args.Flag("no-baseline"))
        {
            (ITransformer baselineModel, baselineTime) = ClassicTextBaseline.Fit(ClassicTextBaseline.Binary(fresh), split.TrainSet, ClassicTextBaseline.BinaryName);
            baseline = fresh.BinaryClassification.Evaluate(baselineModel.Transform(testView));
        }
        AnsiConsole.MarkupLine($"Test accuracy: pretrained + fine-tuned [bold]{metrics.Accuracy:F4}[/]" +
                               (baseline is null ? "" : $", {ClassicTextBaseline.BinaryName} {baseline.Accuracy:F4}") + ".");

        EpochSummary? lastPretraining = pretrained.TrainingHistory.LastOrDefault();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            sample = "pretrain",
            data = dataDir,
            pretrain_documents = corpus.Count,
            train_rows = train.Count,
            test_rows = test.Count,
            config = new
            {
                d_model = pretrained.ModelDimension, layers = pretrained.Layers, sequence_length = pretrained.MaxLength, vocabulary = pretrained.VocabularySize,
                minutes, finetune_epochs = options.Epochs, finetune_lr = options.LearningRate, device = options.Device,
            },
            accuracy = Math.Round(metrics.Accuracy, 4),
            auc = Math.Round(metrics.AreaUnderRocCurve, 4),
            pretrain_seconds = Math.Round(pretrainClock.Elapsed.TotalSeconds, 1),
            pretrain_epochs = pretrained.TrainingHistory.Count,
            masked_accuracy = lastPretraining?.ValidationMetric ?? lastPretraining?.TrainingAccuracy,
            masked_loss = lastPretraining?.ValidationLoss ?? lastPretraining?.TrainingLoss,
            train_seconds = Math.Round(trainClock.Elapsed.TotalSeconds, 1),
            baseline_accuracy = baseline is null ? (double?)null : Math.Round(baseline.Accuracy, 4),
            baseline_seconds = Math.Round(baselineTime.TotalSeconds, 1),
        }));
        return 0;
    }

    /// <summary>Masked-language-model pretraining for <paramref name="minutes"/>: epochs enough to fill the budget, a
    /// learning rate that decays as 1/√step after warmup (no run length to plan a cosine on).</summary>
    private static PretrainedEncoderTransformer Pretrain(MLContext ml, ILookup<string, string> args, List<Document> corpus, double minutes)
    {
        var options = new EncoderPretrainingOptions
        {
            Tokenizer = new TokenizerOptions
            {
                VocabularySize = args.Int("vocab") ?? 16_000, LowerCase = true, StripHtmlTags = true,
                MaxRowsForFitting = 20_000,   // the vocabulary from 20,000 reviews; the pretraining reads all
                Truncation = TruncationSide.Middle,   // fine-tuning keeps a review's head and tail: the verdict is often at the end
            },
            Shape =
            {
                ModelDimension = args.Int("dim") ?? 256, Heads = args.Int("heads") ?? 4, Layers = args.Int("layers") ?? 4,
                Activation = FeedForwardActivation.Gelu, Positional = PositionalEncodingKind.Learned, NormFirst = true,
            },
            SequenceLength = args.Int("sequence-length") ?? 256,
            BatchSize = args.Int("pretrain-batch") ?? 32,
            LearningRate = args.Double("lr") ?? 5e-4,
            Schedule = LearningRateSchedule.InverseSquareRoot,
            WarmupSteps = args.Int("warmup") ?? 500,
            Epochs = args.Int("pretrain-epochs") ?? 100,
            TimeLimit = TimeSpan.FromMinutes(minutes),
            Device = args.Value("device") ?? "cpu",
            MixedPrecision = args.MixedPrecision(),
            CheckpointDirectory = args.Value("checkpoints"),
            ProgressInterval = 10,
            Seed = 1,
        };
        AnsiConsole.MarkupLine($"Pretraining: d_model {options.Shape.ModelDimension}, {options.Shape.Layers} layers, sequences of {options.SequenceLength}, " +
                               $"BPE {options.Tokenizer.VocabularySize:N0}, batch {options.BatchSize}, for {minutes} min on {options.Device}, {CommandLine.PrecisionName(options)}.");
        return TrainingProgressBar.Fit(options, "Learning the vocabulary", p => $"masked acc {p.Accuracy:P1}",
            e => $"Pretraining epoch {e.Epoch}: masked-token loss {e.TrainingLoss:F4}, accuracy {e.TrainingAccuracy:P2}; validation " +
                 $"[bold]{e.ValidationMetric:P2}[/], loss {e.ValidationLoss:F4}; {e.TokensPerSecond:N0} tokens/s, {e.Duration.TotalSeconds:F0} s.",
            () => ml.Transforms.Text.PretrainEncoder("Features", "Text", options).Fit(ml.Data.LoadFromEnumerable(corpus)));
    }
}
