using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// Self-supervised pretraining on IMDb's own text, then fine-tuning: pretrains an encoder with masked language modelling
/// (or ELECTRA's replaced-token detection: <c>--objective electra</c>) on the 50,000 unlabelled reviews (<c>unsup.tsv.gz</c>) plus the training reviews' text — never the test reviews' —
/// for a time budget (<c>--minutes</c>), saves it as an ML.NET zip, loads it back in a fresh MLContext, fine-tunes a
/// classifier from it on the labelled training reviews with its tokenizer, and evaluates on the test split beside
/// ML.NET's classic baseline (and, with <c>--from-scratch</c>, the <c>imdb</c> sample's classifier trained without
/// pretraining). <c>--curve 15,30,60</c> pretrains once, stopping and resuming from its checkpoint at each point, and
/// fine-tunes the encoder of every point. Ends with one JSON line.
/// </summary>
internal static class PretrainSample
{
    public static int Run(ILookup<string, string> args)
    {
        string dataDir = args.Value("data") ?? throw new ArgumentException("pretrain needs --data <imdb folder with unsup.tsv.gz, train.tsv.gz, test.tsv.gz>");
        string encoderPath = args.Value("out") ?? "imdb-encoder.zip";
        int? rows = args.Int("rows");
        double[] points = args.List<double>("curve") ?? [args.Double("minutes") ?? 60];
        if (points.Length == 0 || points.Zip(points.Skip(1)).Any(p => p.Second <= p.First) || points[0] <= 0)
            throw new ArgumentException("--curve takes increasing positive minutes, e.g. 15,30,60");
        if (args.Int("threads") is { } threads) TorchSharp.torch.set_num_threads(threads);

        var (train, test) = ImdbSplits.Load(dataDir, rows);
        List<Document> corpus = UnlabelledText.Load(Path.Combine(dataDir, "unsup.tsv.gz"), rows);
        corpus.AddRange(train.Select(review => new Document { Text = review.Text }));   // the training texts; never the test texts
        AnsiConsole.MarkupLine($"Pretraining corpus: [bold]{corpus.Count:N0}[/] documents (unlabelled + training reviews).");

        var memory = new List<ProcessMemory>();
        if (args.Value("encoders") is not null && args.Value("from") is not null)
            throw new ArgumentException("--from continues pretraining an encoder; --encoders skips pretraining: give one of them");
        List<PretrainingStage> stages = args.List<string>("encoders") is { } saved
            ? [.. saved.Select(path => SavedStage(path, args.Int("sequence-length")))]   // fine-tune encoders pretrained before, as the curve's points
            : PretrainCurve(args, corpus, points, encoderPath, memory);
        bool fineTune = !args.Flag("no-finetune");

        // each fine-tuning in a fresh context, as a later process would: the zip holds the encoder and its tokenizer
        List<FineTuned> results = fineTune ? [.. stages.Select(stage => FineTune(args, stage, train, test))] : [];
        PretrainingStage last = stages[^1];
        FineTuned? final = results.LastOrDefault();

        var reference = new MLContext(seed: 1);
        var split = reference.Data.TrainTestSplit(reference.Data.LoadFromEnumerable(train), testFraction: 0.1, seed: 1);
        IDataView testView = reference.Data.LoadFromEnumerable(test);
        (double Accuracy, double Seconds)? scratch = fineTune && args.Flag("from-scratch") ? FromScratch(args, reference, split, testView) : null;
        CalibratedBinaryClassificationMetrics? baseline = null;
        TimeSpan baselineTime = TimeSpan.Zero;
        if (fineTune && !args.Flag("no-baseline"))
        {
            (ITransformer baselineModel, baselineTime) = ClassicTextBaseline.Fit(ClassicTextBaseline.Binary(reference), split.TrainSet, ClassicTextBaseline.BinaryName);
            baseline = reference.BinaryClassification.Evaluate(baselineModel.Transform(testView));
        }

        var table = new Table().AddColumns("pretraining", "masked-token accuracy", "replaced-token accuracy", "test accuracy", "AUC", "fine-tuning");
        if (scratch is { } s) table.AddRow("none (imdb sample, from scratch)", "", "", $"{s.Accuracy:F4}", "", $"{s.Seconds / 60:F1} min");
        foreach (FineTuned r in results)
            table.AddRow(r.Stage.Epochs == 0 ? "0 min (as imported)" : $"{r.Stage.Minutes} min ({ObjectiveName(r.Stage.Objective)})", $"{r.Stage.MaskedAccuracy:P2}", $"{r.Stage.ReplacedTokenAccuracy:P2}", $"[bold]{r.Accuracy:F4}[/]",
                $"{r.Auc:F4}", $"{r.Seconds / 60:F1} min");
        if (baseline is not null)
            table.AddRow(ClassicTextBaseline.BinaryName, "", "", $"{baseline.Accuracy:F4}", $"{baseline.AreaUnderRocCurve:F4}", $"{baselineTime.TotalMinutes:F1} min");
        if (fineTune) AnsiConsole.Write(table);

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            sample = "pretrain",
            data = dataDir,
            pretrain_documents = corpus.Count,
            train_rows = train.Count,
            test_rows = test.Count,
            config = new
            {
                d_model = last.Encoder.ModelDimension, layers = last.Encoder.Layers, sequence_length = last.Encoder.SequenceLength,
                vocabulary = last.Encoder.Vocabulary, minutes = last.Minutes, finetune_epochs = final?.Epochs, finetune_lr = final?.LearningRate,
                finetune_sequence_length = final?.SequenceLength, truncation = final?.Truncation.ToString().ToLowerInvariant(),
                from = args.Value("from"), device = args.Value("device") ?? "cpu", objective = ObjectiveName(last.Objective), positions = Positions(args).ToString().ToLowerInvariant(),
            },
            // null without fine-tuning (--no-finetune)
            accuracy = Rounded(final?.Accuracy, 4),
            auc = Rounded(final?.Auc, 4),
            pretrain_seconds = Math.Round(last.Seconds, 1),
            pretrain_epochs = last.Epochs,
            masked_accuracy = last.MaskedAccuracy,
            masked_loss = last.MaskedLoss,
            replaced_token_accuracy = last.ReplacedTokenAccuracy,
            replaced_share = last.ReplacedShare,
            train_seconds = Rounded(final?.Seconds, 1),
            curve = stages.Select(stage => (Stage: stage, Tuned: results.FirstOrDefault(r => r.Stage == stage))).Select(p => new
            {
                minutes = p.Stage.Minutes, pretrain_seconds = Math.Round(p.Stage.Seconds, 1), masked_accuracy = p.Stage.MaskedAccuracy,
                replaced_token_accuracy = p.Stage.ReplacedTokenAccuracy, accuracy = Rounded(p.Tuned?.Accuracy, 4), auc = Rounded(p.Tuned?.Auc, 4),
                train_seconds = Rounded(p.Tuned?.Seconds, 1),
            }),
            rss_mib_epochs = memory.Select(m => Math.Round(m.ResidentMiB)),
            peak_rss_mib_epochs = memory.Select(m => Rounded(m.PeakResidentMiB, 0)),
            // where the resident memory sits at each epoch's end: the .NET GC's committed heap, glibc malloc's bytes in use and free in its heaps
            managed_mib_epochs = memory.Select(m => Math.Round(m.ManagedCommittedMiB)),
            malloc_in_use_mib_epochs = memory.Select(m => Rounded(m.NativeInUseMiB, 0)),
            malloc_free_mib_epochs = memory.Select(m => Rounded(m.NativeFreeMiB, 0)),
            scratch_accuracy = scratch is null ? (double?)null : Math.Round(scratch.Value.Accuracy, 4),
            scratch_seconds = scratch is null ? (double?)null : Math.Round(scratch.Value.Seconds, 1),
            baseline_accuracy = baseline is null ? (double?)null : Math.Round(baseline.Accuracy, 4),
            baseline_seconds = baseline is null ? (double?)null : Math.Round(baselineTime.TotalSeconds, 1),
        }));
        return 0;
    }

    /// <summary>Pretrains once, stopping at each of <paramref name="points"/> (minutes) and resuming from the run's
    /// checkpoint; saves the encoder of every point and logs the process's memory after every epoch into <paramref name="memory"/>.</summary>
    private static List<PretrainingStage> PretrainCurve(ILookup<string, string> args, List<Document> corpus, double[] points, string encoderPath,
        List<ProcessMemory> memory)
    {
        var stages = new List<PretrainingStage>();
        // Every point after the first resumes the run from its checkpoint: one pretraining run, stopped at each point.
        string? checkpoints = args.Value("checkpoints");
        string? scratchCheckpoints = checkpoints is null && points.Length > 1 ? Directory.CreateTempSubdirectory("imdb-pretrain-").FullName : null;
        var pretrainClock = new Stopwatch();
        // --from: continued (domain-adaptive) pretraining of that encoder, loaded once for every stage
        ITransformerEncoderSource? initial = args.Value("from") is { } from ? EncoderFiles.Load(new MLContext(seed: 1), from, "from") : null;
        try
        {
            double done = 0;
            foreach (double minutes in points)
            {
                string path = points.Length == 1 ? encoderPath : PathForPoint(encoderPath, minutes);
                var ml = new MLContext(seed: 1);
                pretrainClock.Start();
                using (PretrainedEncoderTransformer encoder = Pretrain(ml, args, corpus, minutes - done, checkpoints ?? scratchCheckpoints, memory, initial))
                {
                    ml.Model.SaveAtomically(encoder, ml.Data.LoadFromEnumerable(corpus).Schema, path);
                    pretrainClock.Stop();
                    stages.Add(PretrainingStage.Of(encoder, minutes, path, pretrainClock.Elapsed.TotalSeconds));
                }
                AnsiConsole.MarkupLine($"Saved the encoder after {minutes} min to [bold]{Path.GetFullPath(path)}[/] ({new FileInfo(path).Length / 1024.0 / 1024:F1} MiB).");
                done = minutes;
            }
        }
        finally
        {
            if (scratchCheckpoints is not null) Directory.Delete(scratchCheckpoints, recursive: true);
            (initial as IDisposable)?.Dispose();
        }
        return stages;
    }

    /// <summary>An encoder zip saved by an earlier run, as a point of the curve: its minutes are its epochs' training time;
    /// or a checkpoint folder (imported), the 0-minute point of continued pretraining (<c>--from</c>), fine-tuned at
    /// <paramref name="sequenceLength"/> tokens (null: all its positions).</summary>
    private static PretrainingStage SavedStage(string path, int? sequenceLength)
    {
        if (Directory.Exists(path))
        {
            var (modelDimension, layers, maxLength, vocabulary) = EncoderFiles.Shape(new MLContext(seed: 1).Model.LoadPretrainedEncoder(path));
            return new(0, path, 0, 0, PretrainingObjective.MaskedLanguageModel, null, null, null, null, new EncoderShape(modelDimension, layers, sequenceLength ?? maxLength, vocabulary));
        }
        using var encoder = (PretrainedEncoderTransformer)new MLContext(seed: 1).Model.Load(path, out _);
        double seconds = encoder.TrainingHistory.Sum(e => e.Duration.TotalSeconds);
        return PretrainingStage.Of(encoder, Math.Round(seconds / 60, 1), path, seconds);
    }

    /// <summary>Pretraining (masked language modelling, or ELECTRA's replaced-token detection with <c>--objective electra</c>,
    /// <c>--generator-fraction</c>, <c>--discriminator-weight</c>) for <paramref name="minutes"/> more minutes (resuming from
    /// <paramref name="checkpoints"/> when it holds this run's checkpoint): epochs enough to fill the budget, a learning
    /// rate that decays as 1/√step after warmup (no run length to plan a cosine on). Logs the process's memory at each
    /// epoch's end into <paramref name="memory"/>. With <paramref name="initial"/> (<c>--from</c>), continues pretraining
    /// that encoder: its shape and tokenizer, the shape and vocabulary flags unused.</summary>
    private static PretrainedEncoderTransformer Pretrain(MLContext ml, ILookup<string, string> args, List<Document> corpus, double minutes,
        string? checkpoints, List<ProcessMemory> memory, ITransformerEncoderSource? initial)
    {
        var (modelDimension, layers, _, vocabulary) = initial is null ? (args.Int("dim") ?? 128, 0, 0, 0) : EncoderFiles.Shape(initial);
        var options = new EncoderPretrainingOptions
        {
            Objective = Objective(args),
            Tokenizer = new TokenizerOptions
            {
                VocabularySize = args.Int("vocab") ?? 8_000, LowerCase = true, StripHtmlTags = true,
                MaxRowsForFitting = 20_000,   // the vocabulary from 20,000 reviews; the pretraining reads all
                Truncation = TruncationSide.Middle,   // fine-tuning keeps a review's head and tail: the verdict is often at the end
            },
            // the imdb sample's from-scratch shape: fine-tuning it costs what training it from scratch costs
            Shape =
            {
                ModelDimension = args.Int("dim") ?? 128, Heads = args.Int("heads") ?? 4, Layers = args.Int("layers") ?? 2,
                Activation = FeedForwardActivation.Gelu, Positional = Positions(args), NormFirst = true,
            },
            SequenceLength = args.Int("sequence-length") ?? 512,
            BatchSize = args.Int("pretrain-batch") ?? 32,
            // InverseSquareRoot is the paper's formula, rate = LearningRate · d_model^-0.5 · min(step^-0.5, step · warmup^-1.5):
            // its peak, at the end of warmup, is LearningRate / √(d_model · warmup). --lr gives the peak.
            LearningRate = PeakRate(args) * Math.Sqrt(modelDimension * (double)Warmup(args)),
            Schedule = LearningRateSchedule.InverseSquareRoot,
            WarmupSteps = Warmup(args),
            Epochs = args.Int("pretrain-epochs") ?? 100,
            TimeLimit = TimeSpan.FromMinutes(minutes),
            Device = args.Value("device") ?? "cpu",
            MixedPrecision = args.MixedPrecision(),
            CheckpointDirectory = checkpoints,
            ProgressInterval = 10,
            Seed = 1,
            InitialEncoder = initial,
        };
        // ELECTRA's validation metric, the discriminator's accuracy, can fall as the generator gets better: keep the last weights
        if (options.Objective == PretrainingObjective.ReplacedTokenDetection) options.KeepBestModel = false;
        if (args.Double("generator-fraction") is { } fraction) options.GeneratorSizeFraction = fraction;
        if (args.Double("discriminator-weight") is { } weight) options.DiscriminatorLossWeight = weight;
        string model = initial is null
            ? $"d_model {options.Shape.ModelDimension}, {options.Shape.Layers} layers, {options.Shape.Positional} positions, BPE {options.Tokenizer.VocabularySize:N0}"
            : $"continuing {args.Value("from")} (d_model {modelDimension}, {layers} layers, its vocabulary of {vocabulary:N0})";
        AnsiConsole.MarkupLine($"Pretraining ({ObjectiveName(options.Objective)}): {Markup.Escape(model)}, sequences of {options.SequenceLength}, " +
                               $"batch {options.BatchSize}, peak rate {PeakRate(args)} after {options.WarmupSteps} steps, for {minutes} min on {options.Device}, {CommandLine.PrecisionName(options)}.");
        string accuracy = options.Objective == PretrainingObjective.MaskedLanguageModel ? "masked-token" : "replaced-token";
        return TrainingProgressBar.Fit(options, "Learning the vocabulary", p => $"{accuracy} acc {p.Accuracy:P1}",
            e =>
            {
                memory.Add(ProcessMemory.Now());
                string generator = e.ValidationDetails.TryGetValue(ReplacedTokenDetectionMetrics.GeneratorAccuracy, out double g)
                    ? $", generator {g:P2} (replaced {e.ValidationDetails[ReplacedTokenDetectionMetrics.ReplacedShare]:P1})" : "";
                return $"Pretraining epoch {e.Epoch}: loss {e.TrainingLoss:F4}, {accuracy} accuracy {e.TrainingAccuracy:P2}; validation " +
                       $"[bold]{e.ValidationMetric:P2}[/], loss {e.ValidationLoss:F4}{generator}; {e.TokensPerSecond:N0} tokens/s, {e.Duration.TotalSeconds:F0} s; {memory[^1]}.";
            },
            () => ml.Transforms.Text.PretrainEncoder("Features", "Text", options).Fit(ml.Data.LoadFromEnumerable(corpus)));
    }

    /// <summary><c>--objective mlm</c> (the default) or <c>electra</c>.</summary>
    private static PretrainingObjective Objective(ILookup<string, string> args) => args.Value("objective")?.ToLowerInvariant() switch
    {
        null or "mlm" => PretrainingObjective.MaskedLanguageModel,
        "electra" => PretrainingObjective.ReplacedTokenDetection,
        var other => throw new ArgumentException($"--objective takes mlm or electra, not '{other}'"),
    };

    /// <summary><c>--positions learned</c> (the default, BERT's) or <c>sinusoidal</c> (the paper's fixed table).</summary>
    private static PositionalEncodingKind Positions(ILookup<string, string> args) => args.Value("positions")?.ToLowerInvariant() switch
    {
        null or "learned" => PositionalEncodingKind.Learned,
        "sinusoidal" => PositionalEncodingKind.Sinusoidal,
        var other => throw new ArgumentException($"--positions takes learned or sinusoidal, not '{other}'"),
    };

    private static string ObjectiveName(PretrainingObjective objective) => objective == PretrainingObjective.MaskedLanguageModel ? "mlm" : "electra";

    /// <summary>The pretraining's peak learning rate: a small pre-LN model takes a high one, as short-budget BERT recipes do.</summary>
    private static double PeakRate(ILookup<string, string> args) => args.Double("lr") ?? 1e-3;

    private static int Warmup(ILookup<string, string> args) => args.Int("warmup") ?? 500;

    /// <summary>Loads the encoder of <paramref name="stage"/> in a fresh MLContext and fine-tunes a classifier from it on
    /// 90 % of the training reviews (10 % validation), tokenizing with the encoder's own tokenizer; evaluates on the test reviews.</summary>
    private static FineTuned FineTune(ILookup<string, string> args, PretrainingStage stage, List<Review> train, List<Review> test)
    {
        var fresh = new MLContext(seed: 1);
        ITransformerEncoderSource pretrained = EncoderFiles.Load(fresh, stage.Path, "encoders");
        using var owned = pretrained as IDisposable;
        // the encoder's own vocabulary, cut to --sequence-length tokens (default: the encoder's own length — its pretraining
        // length, or a checkpoint's positions) keeping each review's head and tail (--truncate): the verdict is often at the end
        TokenizerOptions own = pretrained switch
        {
            PretrainedEncoder imported => imported.TokenizerOptions,
            PretrainedEncoderTransformer pretrainedHere => pretrainedHere.TokenizerOptions,
            _ => throw new ArgumentException($"--encoders: {stage.Path} brings no tokenizer."),
        };
        TokenizerOptions tokenizer = own with
        {
            MaxLength = args.Int("sequence-length") ?? own.MaxLength,
            Truncation = args.Truncation() ?? TruncationSide.Middle,
        };
        var split = fresh.Data.TrainTestSplit(fresh.Data.LoadFromEnumerable(train), testFraction: 0.1, seed: 1);
        var options = new TransformerClassifierOptions
        {
            InitialEncoder = pretrained,
            Epochs = args.Int("epochs") ?? 2,
            LearningRate = args.Double("finetune-lr") ?? 2e-4,   // a small encoder briefly pretrained takes a rate above BERT-base's 5e-5
            BatchSize = args.Int("batch") ?? 32,
            ValidationSet = split.TestSet,
            Device = args.Value("device") ?? "cpu",
            MixedPrecision = args.MixedPrecision(),
            ProgressInterval = 10,
            Seed = 1,
        };
        var clock = Stopwatch.StartNew();
        TransformerChain<TransformerClassifierTransformer> model = TrainingProgressBar.Fit(options, $"Fine-tuning ({stage.Minutes} min encoder)", p => $"acc {p.Accuracy:P1}",
            e => $"Fine-tuning the {stage.Minutes}-minute encoder, epoch {e.Epoch}: loss {e.TrainingLoss:F4}; validation accuracy [bold]{e.ValidationMetric:P2}[/]; {e.Duration.TotalSeconds:F0} s.",
            () => fresh.BinaryClassification.Trainers.TransformerOnText("Text", tokenizer, options).Fit(split.TrainSet));
        clock.Stop();
        using TransformerClassifierTransformer classifier = model.LastTransformer;
        CalibratedBinaryClassificationMetrics metrics = fresh.BinaryClassification.Evaluate(model.Transform(fresh.Data.LoadFromEnumerable(test)));
        AnsiConsole.MarkupLine($"Pretrained {stage.Minutes} min + fine-tuned: test accuracy [bold]{metrics.Accuracy:F4}[/], AUC {metrics.AreaUnderRocCurve:F4}.");
        return new FineTuned(stage, metrics.Accuracy, metrics.AreaUnderRocCurve, clock.Elapsed.TotalSeconds, options.Epochs!.Value, options.LearningRate!.Value,
            tokenizer.MaxLength, tokenizer.Truncation);
    }

    /// <summary>The imdb sample's classifier with its defaults, trained on the same split without pretraining: the curve's
    /// 0-minute point. Only the device and precision flags apply (the others belong to pretraining here).</summary>
    private static (double Accuracy, double Seconds) FromScratch(ILookup<string, string> args, MLContext ml, DataOperationsCatalog.TrainTestData split, IDataView test)
    {
        ILookup<string, string> deviceFlags = args.Where(g => g.Key is "device" or "fp32" or "bf16").SelectMany(g => g.Select(v => (g.Key, v))).ToLookup(p => p.Key, p => p.v);
        var (tokenizer, options) = ImdbSentimentSample.Recipe(deviceFlags, full: true, split.TestSet);
        var clock = Stopwatch.StartNew();
        TransformerChain<TransformerClassifierTransformer> model = TrainingProgressBar.Fit(options, "From scratch: learning the vocabulary", p => $"acc {p.Accuracy:P1}",
            e => $"From scratch, epoch {e.Epoch}: loss {e.TrainingLoss:F4}; validation accuracy [bold]{e.ValidationMetric:P2}[/]; {e.Duration.TotalSeconds:F0} s.",
            () => ml.BinaryClassification.Trainers.TransformerOnText("Text", tokenizer, options).Fit(split.TrainSet));
        clock.Stop();
        using TransformerClassifierTransformer classifier = model.LastTransformer;
        double accuracy = ml.BinaryClassification.Evaluate(model.Transform(test)).Accuracy;
        AnsiConsole.MarkupLine($"From scratch (no pretraining): test accuracy [bold]{accuracy:F4}[/].");
        return (accuracy, clock.Elapsed.TotalSeconds);
    }

    private static double? Rounded(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    /// <summary>"imdb-encoder.zip" at 15 minutes: "imdb-encoder-15min.zip".</summary>
    private static string PathForPoint(string path, double minutes)
        => Path.Combine(Path.GetDirectoryName(path) ?? "", $"{Path.GetFileNameWithoutExtension(path)}-{minutes.ToString(CultureInfo.InvariantCulture)}min{Path.GetExtension(path)}");

    /// <summary>A point of the curve: the encoder saved at <see cref="Path"/> after <see cref="Minutes"/>, with its last epoch's
    /// figures. Masked-token accuracy and loss are the encoder's (MLM) or the generator's (ELECTRA); the replaced-token
    /// accuracy (ELECTRA's discriminator) is read against 1 − <see cref="ReplacedShare"/>. Validation figures where there are.</summary>
    private sealed record PretrainingStage(double Minutes, string Path, double Seconds, int Epochs, PretrainingObjective Objective, double? MaskedAccuracy,
        double? MaskedLoss, double? ReplacedTokenAccuracy, double? ReplacedShare, EncoderShape Encoder)
    {
        public static PretrainingStage Of(PretrainedEncoderTransformer encoder, double minutes, string path, double seconds)
        {
            EpochSummary? last = encoder.TrainingHistory.LastOrDefault();
            double? accuracy = last?.ValidationMetric ?? last?.TrainingAccuracy, loss = last?.ValidationLoss ?? last?.TrainingLoss;
            // the length pretrained on and fine-tuned at: an encoder continued from a checkpoint keeps all its positions
            var shape = new EncoderShape(encoder.ModelDimension, encoder.Layers, encoder.TokenizerOptions.MaxLength, encoder.VocabularySize);
            if (encoder.Objective == PretrainingObjective.MaskedLanguageModel)
                return new(minutes, path, seconds, encoder.TrainingHistory.Count, encoder.Objective, accuracy, loss, null, null, shape);
            double? Detail(string name) => last is not null && last.ValidationDetails.TryGetValue(name, out double value) ? value : null;
            return new(minutes, path, seconds, encoder.TrainingHistory.Count, encoder.Objective, Detail(ReplacedTokenDetectionMetrics.GeneratorAccuracy),
                Detail(ReplacedTokenDetectionMetrics.GeneratorLoss), accuracy, Detail(ReplacedTokenDetectionMetrics.ReplacedShare), shape);
        }
    }

    private sealed record EncoderShape(int ModelDimension, int Layers, int SequenceLength, int Vocabulary);

    private sealed record FineTuned(PretrainingStage Stage, double Accuracy, double Auc, double Seconds, int Epochs, double LearningRate,
        int SequenceLength, TruncationSide Truncation);
}
