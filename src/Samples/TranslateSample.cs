using Microsoft.ML;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// English → German translation on Multi30k (task 1) with the encoder–decoder Transformer: byte-level BPE (by default
/// one vocabulary learned on both languages, with source, target and output embeddings shared), trained on the 29k
/// training pairs, validated on val, evaluated on test 2016 (Flickr) by corpus BLEU, computed as sacreBLEU computes it,
/// of the detokenized output against the raw German references, greedy and with beam search.
/// </summary>
internal static class TranslateSample
{
    private const string DataHint = "translate needs Multi30k task 1 (raw): --data <folder with train, val and test_2016_flickr .en.gz/.de.gz>, " +
                                    "e.g. --data ../shared/data/multi30k (data/task1/raw of the multi30k/dataset repository on GitHub).";

    public static readonly Seq2SeqDefaults Defaults = new()
    {
        ModelDimension = 256, Heads = 4, Layers = 3, Epochs = 15, BatchSize = 128, LearningRate = 1e-3, Dropout = 0.1, ModelPath = "translate-en-de.zip",
    };

    public static int Run(ILookup<string, string> args)
    {
        string dataDir = args.Value("data") ?? throw new ArgumentException(DataHint);
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"Multi30k folder not found: {dataDir}. {DataHint}");
        Seq2SeqSettings settings = Seq2SeqSettings.Parse(args, Defaults);
        List<TranslationPair> trainPairs = Multi30kData.Load(dataDir, Multi30kData.Train, settings.Rows);
        List<TranslationPair> validPairs = Multi30kData.Load(dataDir, Multi30kData.Validation);
        List<TranslationPair> testPairs = Multi30kData.Load(dataDir, Multi30kData.Test);
        AnsiConsole.MarkupLine($"Multi30k en→de: [bold]{trainPairs.Count:N0}[/] training, {validPairs.Count:N0} validation and [bold]{testPairs.Count:N0}[/] test (2016 Flickr) pairs.");

        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(trainPairs);
        IDataView valid = ml.Data.LoadFromEnumerable(validPairs);
        IDataView test = ml.Data.LoadFromEnumerable(testPairs.Select(p => new TranslationPair { English = p.English }));

        int vocabulary = args.Int("vocab") ?? 8_000;
        bool shared = !args.Flag("separate-vocabularies");
        bool lowerCase = args.Flag("lowercase");   // train on lowercased text, as the anchor's data is
        string? modelPath = args.Value("model");
        using TrainedSeq2Seq trained = modelPath is not null ? Seq2SeqSample.Load(ml, modelPath) : Train(ml, settings, trainPairs, train, valid, vocabulary, shared, lowerCase);
        string[] validReferences = [.. validPairs.Select(p => p.German)];
        // a model that writes lowercase (trained with --lowercase, or loaded) is chosen for by lowercased BLEU: its
        // mixed-case BLEU only counts the case it cannot write
        bool writesLowercase = trained.Model.TargetTokenizer.Tokenizer.LowerCase;
        var (chosenBeam, decodingTrials) = Seq2SeqSample.ChooseBeam(args, trained, valid, settings.Beam,
            predictions => Seq2SeqMetrics.Bleu(predictions, validReferences, lowercase: writesLowercase).Score, writesLowercase ? "BLEU (-lc)" : "BLEU");
        string[] references = [.. testPairs.Select(p => p.German)];
        Decoded greedy = Seq2SeqSample.Decode(trained, test, trained.Model.Decoding);
        Decoded beam = Seq2SeqSample.Decode(trained, test, chosenBeam);
        BleuScore greedyBleu = Seq2SeqMetrics.Bleu(greedy.Predictions, references);
        BleuScore beamBleu = Seq2SeqMetrics.Bleu(beam.Predictions, references);
        BleuScore greedyBleuLowercase = Seq2SeqMetrics.Bleu(greedy.Predictions, references, lowercase: true);
        BleuScore beamBleuLowercase = Seq2SeqMetrics.Bleu(beam.Predictions, references, lowercase: true);

        Seq2SeqSample.ShowExamples(Enumerable.Range(0, Math.Min(6, testPairs.Count)).Select(i => (testPairs[i].English, greedy.Predictions[i],
            beam.Predictions[i], testPairs[i].German)), "reference");
        var table = new Table().AddColumn($"test 2016: {testPairs.Count:N0} sentences").AddColumn("BLEU").AddColumn("details").AddColumn("sentences/s");
        table.AddRow("greedy", $"[bold]{greedyBleu.Score:F2}[/]", Markup.Escape(greedyBleu.ToString()), $"{greedy.RowsPerSecond:N1}");
        table.AddRow($"beam {chosenBeam.BeamSize} (length penalty {chosenBeam.LengthPenalty})", $"[bold]{beamBleu.Score:F2}[/]", Markup.Escape(beamBleu.ToString()), $"{beam.RowsPerSecond:N1}");
        table.AddRow("greedy, lowercased (-lc)", $"{greedyBleuLowercase.Score:F2}", Markup.Escape(greedyBleuLowercase.ToString()), "");
        table.AddRow($"beam {chosenBeam.BeamSize}, lowercased (-lc)", $"[bold]{beamBleuLowercase.Score:F2}[/]", Markup.Escape(beamBleuLowercase.ToString()), "");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Training: {trained.TrainingTime.TotalMinutes:F1} min, {trained.TokensPerSecond:N0} tokens/s.");

        var (same, reloaded) = modelPath is null ? Seq2SeqSample.SaveAndReload(ml, trained, train.Schema, settings.ModelPath, test, greedy.Predictions) : (true, greedy);
        Seq2SeqSample.WriteJson(new
        {
            sample = "translate",
            data = dataDir,
            train_pairs = trainPairs.Count,
            valid_pairs = validPairs.Count,
            test_pairs = testPairs.Count,
            config = settings.Describe(new { bpe = vocabulary, shared_vocabulary = shared, lowercase = writesLowercase }),
            loaded_model = modelPath,
            chosen_beam = chosenBeam.BeamSize,
            chosen_length_penalty = chosenBeam.LengthPenalty,
            decoding_trials = decodingTrials,
            bleu_greedy = Math.Round(greedyBleu.Score, 2),
            bleu_beam = Math.Round(beamBleu.Score, 2),
            bleu_beam_detail = beamBleu.ToString(),
            bleu_greedy_lc = Math.Round(greedyBleuLowercase.Score, 2),
            bleu_beam_lc = Math.Round(beamBleuLowercase.Score, 2),
            bleu_beam_lc_detail = beamBleuLowercase.ToString(),
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

    /// <summary>Learns the BPE vocabulary (shared: one on the English and the German sentences, fed through the source
    /// column; the model then shares its embeddings) and trains the model.</summary>
    private static TrainedSeq2Seq Train(MLContext ml, Seq2SeqSettings settings, List<TranslationPair> trainPairs, IDataView train, IDataView valid,
        int vocabulary, bool shared, bool lowerCase)
    {
        var bpe = new TokenizerOptions { Kind = TokenizerKind.BytePairEncoding, VocabularySize = vocabulary, MaxLength = 128, LowerCase = lowerCase };
        SequenceToSequenceOptions o = settings.Options;
        TokenizerTransformer sourceTokenizer = null!;
        AnsiConsole.Status().Start("Learning the BPE vocabulary…", _ =>
        {
            IDataView text = shared ? ml.Data.LoadFromEnumerable(trainPairs.SelectMany(p => new[] { p, new TranslationPair { English = p.German } })) : train;
            sourceTokenizer = ml.Transforms.Text.TokenizeForTransformer(Seq2SeqSample.SourceTokens, nameof(TranslationPair.English), bpe).Fit(text);
        });
        if (shared)
        {
            o.TargetTokenizer = sourceTokenizer;
            o.ShareEmbeddings = true;
        }
        else o.Target = bpe;
        AnsiConsole.MarkupLine($"Transformer: d_model {o.Shape.ModelDimension}, {o.Shape.Heads} heads, {o.Shape.Layers} + {o.Shape.DecoderLayers} layers, " +
                               $"{(shared ? "one shared" : "per-language")} BPE {vocabulary:N0}, {o.Epochs} epochs of batch {o.BatchSize}, lr {o.LearningRate} " +
                               $"{o.Schedule}, dropout {o.Shape.Dropout}, {o.Shape.EmbeddingInitialization} token embeddings, on {o.Device} ({settings.Threads} threads), {CommandLine.PrecisionName(o)}.");
        return Seq2SeqSample.Train(ml, sourceTokenizer, train, valid, nameof(TranslationPair.German), o);
    }
}
