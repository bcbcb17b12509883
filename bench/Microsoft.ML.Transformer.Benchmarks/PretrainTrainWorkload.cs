using System.Diagnostics;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Pretraining;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The pretrain-train workload: synthetic documents of Zipf-distributed words whose token stream (a [SEP] before each
/// document, one token per word) packs into exactly (warm + steps) batches of full sequences at any epoch offset, in an
/// in-memory <see cref="IDataView"/>; the estimator on it (one epoch, no validation slice, so one Fit is warm + steps
/// optimizer steps); and the raw loop on the very batches the estimator trains on: the tokenizer resolved, the stream
/// read, packed and masked as the estimator does (<see cref="PackedSequences"/> with its seed, epoch 0).
/// </summary>
internal sealed class PretrainTrainWorkload : ITrainerWorkload<RawPretraining>
{
    private readonly MLContext _ml;
    private readonly IDataView _view;

    public PretrainTrainWorkload(PretrainSettings settings, int warmSteps, int steps)
    {
        (Settings, WarmSteps, Steps) = (settings, warmSteps, steps);
        _ml = new MLContext(seed: settings.Seed);
        int perSequence = settings.SequenceLength - 1;
        _view = _ml.Data.LoadFromEnumerable(Documents((long)(warmSteps + steps) * settings.Batch * perSequence + perSequence, settings));

        EncoderPretrainingOptions options = settings.EstimatorOptions(mixedPrecision: true);
        IHost host = ((IHostEnvironment)_ml).Register("bench");
        TokenizerTransformer tokenizer = PretrainingTokenizer.Resolve(host, _view, LanguageModelText.Column, options, settings.SequenceLength);
        Vocabulary = tokenizer.VocabularySize;
        Config = (options.Shape.ToConfig(TransformerStacks.Encoder) with { MaxLength = settings.SequenceLength, SourceVocabularySize = Vocabulary }).Validate();
        using IChannel channel = host.Start("bench");
        PretrainingCorpus corpus = PretrainingCorpus.Read(host, _view, LanguageModelText.Column, tokenizer.Tokenizer, settings.SequenceLength, options, channel);
        StreamTokens = corpus.Train.Length;
        var masking = new DynamicMasking(tokenizer.Tokenizer, options.MaskProbability, options.MaskTokenFraction, options.RandomTokenFraction, settings.Seed);
        Batches = new PackedSequences(corpus.Train, settings.SequenceLength, tokenizer.Tokenizer.ClassificationId, settings.Batch, masking, settings.Seed)
            .Batches(epoch: 0).ToList();
        if (Batches.Count != warmSteps + steps || Batches.Any(b => b.Rows != settings.Batch))
            throw new BenchmarkFailedException($"the text packs into {Batches.Count} batches ({string.Join(", ", Batches.Select(b => b.Rows))} sequences) " +
                $"instead of {warmSteps + steps} of {settings.Batch}.");
        Measured = Batches.Skip(warmSteps).ToList();
    }

    public PretrainSettings Settings { get; }

    public int WarmSteps { get; }

    public int Steps { get; }

    /// <summary>The fitted word vocabulary, special tokens included.</summary>
    public int Vocabulary { get; }

    /// <summary>Tokens of the training stream (words and [SEP]s).</summary>
    public int StreamTokens { get; }

    /// <summary>The model the estimator must build (checked after each Fit).</summary>
    public TransformerConfig Config { get; }

    /// <summary>The estimator's batches of epoch 0, in its order; <see cref="Measured"/> are those after the warm steps.</summary>
    public IReadOnlyList<MaskedBatch> Batches { get; }

    public IReadOnlyList<MaskedBatch> Measured { get; }

    /// <summary>Positions of the measured steps (every position of every sequence; no padding exists).</summary>
    public long MeasuredTokens => Measured.Sum(b => (long)b.Tokens);

    long ITrainerWorkload<RawPretraining>.MeasuredUnits => MeasuredTokens;

    public long AllTokens => Batches.Sum(b => (long)b.Tokens);

    /// <summary>Masked positions of the measured steps (the head and the vocabulary projection run on these only).</summary>
    public long MeasuredMasked => Measured.Sum(b => (long)b.Masked);

    /// <summary>Model FLOPs of the measured steps (<see cref="ModelFlops"/>).</summary>
    public double MeasuredModelFlops => Measured.Sum(b => ModelFlops.MaskedLanguageModelStep(Config, b.Rows, b.Length, b.Masked));

    /// <summary>One Fit of warm + steps optimizer steps (<see cref="TrainerComparison.TimeFit"/>); checks that the estimator
    /// built the raw loop's model.</summary>
    public FitTiming TimeTrainer(bool mixedPrecision)
    {
        EncoderPretrainingOptions options = Settings.EstimatorOptions(mixedPrecision);
        return TrainerComparison.TimeFit(options, WarmSteps, Steps,
            () => _ml.Transforms.Text.PretrainEncoder("Features", LanguageModelText.Column, options).Fit(_view),
            model =>
            {
                if (model.Config.Model != Config)
                    throw new BenchmarkFailedException($"the estimator built {model.Config.Model}, not the raw loop's model {Config}.");
            });
    }

    public double TimeRaw(RawPretraining raw)
    {
        long start = Stopwatch.GetTimestamp();
        foreach (MaskedBatch batch in Measured) raw.Step(batch);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    public void RawFirstStep(RawPretraining raw) => raw.Step(Batches[0]);

    public RawPretraining CreateRaw(bool mixedPrecision) => new(Config, Settings.EstimatorOptions(mixedPrecision), Settings.Seed);

    /// <summary>Documents of 20–300 words (word r drawn with probability ∝ 1/(r + 1), as natural text roughly is) whose
    /// stream — a [SEP] before each document, one token per word — has exactly <paramref name="streamTokens"/> tokens.</summary>
    private static List<TextRow> Documents(long streamTokens, PretrainSettings settings)
    {
        var random = new Random(settings.Seed);
        int words = settings.Vocabulary - 16;   // room for the special tokens: every word fits the vocabulary
        double[] cumulative = new double[words];
        double total = 0;
        for (int r = 0; r < words; r++) cumulative[r] = total += 1.0 / (r + 1);
        var documents = new List<TextRow>();
        var text = new System.Text.StringBuilder();
        for (long left = streamTokens; left > 0;)
        {
            int length = left <= 321 ? (int)(left - 1) : random.Next(20, 301);
            text.Clear();
            for (int w = 0; w < length; w++)
            {
                int index = Array.BinarySearch(cumulative, random.NextDouble() * total);
                AppendWord(text.Append(w == 0 ? "" : " "), index < 0 ? ~index : index);
            }
            documents.Add(new TextRow { Text = text.ToString() });
            left -= 1 + length;   // a random document leaves at least 20 tokens, so the last one has words
        }
        return documents;
    }

    /// <summary>Word <paramref name="index"/> in letters ("a", "b", …, "ba", …): one word to any word tokenizer.</summary>
    private static void AppendWord(System.Text.StringBuilder text, int index)
    {
        int start = text.Length;
        do
        {
            text.Insert(start, (char)('a' + index % 26));
            index /= 26;
        }
        while (index > 0);
    }
}
