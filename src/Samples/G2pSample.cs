using Microsoft.ML;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// Grapheme-to-phoneme on the CMU Pronouncing Dictionary: characters of a word → ARPAbet phonemes with the
/// encoder–decoder Transformer. A stable 90/5/5 split by word; trained on every pronunciation of the training words,
/// validated on the validation words; each test word decoded once (greedy, then beam search) and scored against all
/// its pronunciations (the cmusphinx g2p-seq2seq convention): WER = share of words wrong, PER = phoneme edits to the
/// closest pronunciation; both with stress digits, and without them as published CMUdict results are.
/// <c>--stressless</c> trains and tests on the dictionary without stress, as those published results do (the task they
/// report), so only the stressless figures exist then.
/// </summary>
internal static class G2pSample
{
    private const string DataHint = "g2p needs the CMU Pronouncing Dictionary: --data <folder with cmudict.dict.gz>, e.g. --data ../shared/data/cmudict " +
                                    "(cmudict.dict from the cmusphinx/cmudict repository on GitHub, gzipped).";

    public sealed class Pronunciation
    {
        public string Word { get; set; } = "";

        public string Phonemes { get; set; } = "";
    }

    public sealed class Spelling
    {
        public string Word { get; set; } = "";
    }

    public static readonly Seq2SeqDefaults Defaults = new()
    {
        // The cmusphinx g2p-seq2seq Transformer's shape (2 + 2 layers, d_model 256, d_ff 512) trains at 2.1x the tokens/s
        // of 3 + 3 layers with d_ff 1024, so 15 epochs fit the 30 minutes on 2 cores where about 6 of the bigger
        // model would. A peak rate of 1e-3 beat 1.5e-3 by 2 points of WER (docs/seq2seq.md has the measured WER/PER).
        // Dropout 0: in that budget the model is far from overfitting.
        ModelDimension = 256, Heads = 4, Layers = 2, FeedForward = 512, Epochs = 15, BatchSize = 128, LearningRate = 1e-3, Dropout = 0,
        ModelPath = "g2p.zip",
    };

    public static int Run(ILookup<string, string> args)
    {
        string dataDir = args.Value("data") ?? throw new ArgumentException(DataHint);
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"CMUdict folder not found: {dataDir}. {DataHint}");
        Seq2SeqSettings settings = Seq2SeqSettings.Parse(args, Defaults);
        bool stressless = args.Flag("stressless");
        var (trainWords, validWords, testWords) = LoadSplits(dataDir, settings.Rows, stressless);

        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Pairs(trainWords));
        IDataView valid = ml.Data.LoadFromEnumerable(Pairs(validWords));
        IDataView test = ml.Data.LoadFromEnumerable(testWords.Select(w => new Spelling { Word = w.Word }));

        settings.Options.Target = new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxLength = 32 };
        var sourceTokenizer = ml.Transforms.Text.TokenizeForTransformer(Seq2SeqSample.SourceTokens, nameof(Pronunciation.Word),
            new TokenizerOptions { Kind = TokenizerKind.Character, MinimumFrequency = 1, MaxLength = 32 }).Fit(train);
        SequenceToSequenceOptions o = settings.Options;
        AnsiConsole.MarkupLine($"Transformer: d_model {o.Shape.ModelDimension}, {o.Shape.Heads} heads, {o.Shape.Layers} + {o.Shape.DecoderLayers} layers, " +
                               $"{sourceTokenizer.Tokenizer.VocabularySize} characters → phonemes, {o.Epochs} epochs of batch {o.BatchSize}, lr {o.LearningRate} " +
                               $"{o.Schedule}, dropout {o.Shape.Dropout}, on {o.Device} ({settings.Threads} threads), {CommandLine.PrecisionName(o)}.");

        string? modelPath = args.Value("model");
        using TrainedSeq2Seq trained = modelPath is not null ? Seq2SeqSample.Load(ml, modelPath)
            : Seq2SeqSample.Train(ml, sourceTokenizer, train, valid, nameof(Pronunciation.Phonemes), o);
        IReadOnlyList<string>[] validReferences = [.. validWords.Select(w => (IReadOnlyList<string>)[.. w.Pronunciations.Select(CmuDict.WithoutStress)])];
        var (chosenBeam, decodingTrials) = Seq2SeqSample.ChooseBeam(args, trained, ml.Data.LoadFromEnumerable(validWords.Select(w => new Spelling { Word = w.Word })),
            settings.Beam, predictions => -Seq2SeqMetrics.Pronunciations([.. predictions.Select(CmuDict.WithoutStress)], validReferences).Wer, "−WER without stress");
        IReadOnlyList<string>[] references = [.. testWords.Select(w => w.Pronunciations)];
        Decoded greedy = Seq2SeqSample.Decode(trained, test, trained.Model.Decoding);
        Decoded beam = Seq2SeqSample.Decode(trained, test, chosenBeam);
        // Without stress in training there is no with-stress figure: null in the JSON, "—" in the table.
        var (greedyWer, greedyPer) = stressless ? (double.NaN, double.NaN) : Seq2SeqMetrics.Pronunciations(greedy.Predictions, references);
        var (beamWer, beamPer) = stressless ? (double.NaN, double.NaN) : Seq2SeqMetrics.Pronunciations(beam.Predictions, references);
        // Published CMUdict results (cmusphinx g2p-seq2seq, Phonetisaurus) are without stress: the same predictions, digits removed.
        IReadOnlyList<string>[] stresslessReferences = [.. references.Select(r => (IReadOnlyList<string>)[.. r.Select(CmuDict.WithoutStress)])];
        var (greedyWerStressless, greedyPerStressless) = Seq2SeqMetrics.Pronunciations([.. greedy.Predictions.Select(CmuDict.WithoutStress)], stresslessReferences);
        var (beamWerStressless, beamPerStressless) = Seq2SeqMetrics.Pronunciations([.. beam.Predictions.Select(CmuDict.WithoutStress)], stresslessReferences);

        Seq2SeqSample.ShowExamples(Enumerable.Range(0, Math.Min(12, testWords.Count)).Select(i => (testWords[i].Word, greedy.Predictions[i],
            beam.Predictions[i], string.Join(" | ", testWords[i].Pronunciations))), "CMUdict");
        var table = new Table().AddColumn($"test: {testWords.Count:N0} words").AddColumn("WER").AddColumn("PER")
            .AddColumn("WER without stress").AddColumn("PER without stress").AddColumn("words/s");
        table.AddRow("greedy", $"[bold]{Percent(greedyWer)}[/]", Percent(greedyPer), $"{greedyWerStressless:P2}", $"{greedyPerStressless:P2}", $"{greedy.RowsPerSecond:N0}");
        table.AddRow($"beam {chosenBeam.BeamSize} (length penalty {chosenBeam.LengthPenalty})", $"[bold]{Percent(beamWer)}[/]", Percent(beamPer), $"{beamWerStressless:P2}", $"{beamPerStressless:P2}",
            $"{beam.RowsPerSecond:N0}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Training: {trained.TrainingTime.TotalMinutes:F1} min, {trained.TokensPerSecond:N0} tokens/s.");

        var (same, reloaded) = modelPath is null ? Seq2SeqSample.SaveAndReload(ml, trained, train.Schema, settings.ModelPath, test, greedy.Predictions) : (true, greedy);
        Seq2SeqSample.WriteJson(new
        {
            sample = "g2p",
            data = dataDir,
            train_words = trainWords.Count,
            train_pairs = trainWords.Sum(w => w.Pronunciations.Count),
            valid_words = validWords.Count,
            test_words = testWords.Count,
            config = settings.Describe(new { stressless }),
            loaded_model = modelPath,
            chosen_beam = chosenBeam.BeamSize,
            chosen_length_penalty = chosenBeam.LengthPenalty,
            decoding_trials = decodingTrials,
            wer_greedy = Rounded(greedyWer),
            per_greedy = Rounded(greedyPer),
            wer_beam = Rounded(beamWer),
            per_beam = Rounded(beamPer),
            wer_greedy_stressless = Math.Round(greedyWerStressless, 4),
            per_greedy_stressless = Math.Round(greedyPerStressless, 4),
            wer_beam_stressless = Math.Round(beamWerStressless, 4),
            per_beam_stressless = Math.Round(beamPerStressless, 4),
            averaging = trained.Averaging,
            train_seconds = Math.Round(trained.TrainingTime.TotalSeconds, 1),
            tokens_per_s = Math.Round(trained.TokensPerSecond),
            decode_rows_per_s_greedy = Math.Round(greedy.RowsPerSecond, 1),
            decode_rows_per_s_beam = Math.Round(beam.RowsPerSecond, 1),
            reload_rows_per_s = Math.Round(reloaded.RowsPerSecond, 1),
            reload_same_predictions = same,
            epochs = trained.Epochs,
        });
        return same ? 0 : 1;
    }

    private static string Percent(double share) => double.IsNaN(share) ? "—" : $"{share:P2}";

    private static double? Rounded(double share) => double.IsNaN(share) ? null : Math.Round(share, 4);

    /// <summary>The three sides of the split (stress removed when <paramref name="stressless"/>); with
    /// <paramref name="rows"/>, that many training words and 1/18 of it each for validation and test, picked evenly
    /// through the (alphabetical) dictionary.</summary>
    private static (List<CmuWord> Train, List<CmuWord> Valid, List<CmuWord> Test) LoadSplits(string dataDir, int? rows, bool stressless)
    {
        List<CmuWord> words = CmuDict.Load(Path.Combine(dataDir, "cmudict.dict.gz"));
        if (stressless) words = [.. words.Select(CmuDict.WithoutStress)];
        List<CmuWord> Side(CmuDict.Split side, int? count) => Spread([.. words.Where(w => CmuDict.SideOf(w.Word) == side)], count);
        var split = (Side(CmuDict.Split.Train, rows), Side(CmuDict.Split.Validation, rows / 18), Side(CmuDict.Split.Test, rows / 18));
        AnsiConsole.MarkupLine($"CMUdict: {words.Count:N0} words; [bold]{split.Item1.Count:N0}[/] training, {split.Item2.Count:N0} validation and " +
                               $"[bold]{split.Item3.Count:N0}[/] test words (split by a hash of the word)" +
                               (stressless ? $"; without stress: {split.Item1.Sum(w => w.Pronunciations.Count):N0} training pronunciations." : "."));
        return split;
    }

    private static List<CmuWord> Spread(List<CmuWord> words, int? count)
        => count is not { } n || n >= words.Count ? words : [.. Enumerable.Range(0, Math.Max(n, 1)).Select(i => words[(int)((long)i * words.Count / Math.Max(n, 1))])];

    private static IEnumerable<Pronunciation> Pairs(IEnumerable<CmuWord> words)
        => words.SelectMany(w => w.Pronunciations.Select(p => new Pronunciation { Word = w.Word, Phonemes = p }));
}
