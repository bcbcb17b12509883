using System.Diagnostics;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Seq2Seq;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The seq2seq-train workload: (warm + steps) × batch synthetic pairs of a fixed size in an in-memory <see cref="IDataView"/>,
/// the estimator on it (one epoch, so one Fit is warm + steps optimizer steps), and the raw loop on the very batches the
/// estimator's reader makes of it (same target tokenizer, same reader options, same seed: same rows in the same order).
/// </summary>
internal sealed class Seq2SeqTrainWorkload : ITrainerWorkload<RawSeq2SeqTraining>
{
    /// <summary>The hidden column the estimator's target tokenizer writes (SequenceToSequenceEstimator.TargetTokensColumn).</summary>
    private const string TargetTokensColumn = "__Seq2SeqTargetTokens__";
    private readonly MLContext _ml;
    private readonly IDataView _view;
    private readonly TokenizerTransformer _targetTokenizer;

    public Seq2SeqTrainWorkload(Seq2SeqSettings settings, int warmSteps, int steps, bool rawAccuracy = false)
    {
        (Settings, WarmSteps, Steps, RawAccuracy) = (settings, warmSteps, steps, rawAccuracy);
        _ml = new MLContext(seed: settings.Seed);
        int rows = (warmSteps + steps) * settings.Batch;
        _view = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(r => SyntheticPairs.Pair(r, settings)).ToList());
        _targetTokenizer = SyntheticPairs.TargetTokenizer(_ml, settings.Vocabulary, settings.TargetLength);
        Config = settings.Config(settings.TargetLength);
        Batches = Reader().ReadEpoch(0).ToList();
        if (Batches.Count != warmSteps + steps)
            throw new BenchmarkFailedException($"the reader made {Batches.Count} batches of {rows} rows instead of {warmSteps + steps}.");
        if (Batches.Any(b => b.Tokens != b.Count * settings.SourceLength || TeacherForcing.TargetTokens(b) != b.Count * settings.TargetLength))
            throw new BenchmarkFailedException("a batch does not hold full-length sources and targets.");
        Measured = Batches.Skip(warmSteps).ToList();
    }

    public Seq2SeqSettings Settings { get; }

    public int WarmSteps { get; }

    public int Steps { get; }

    /// <summary>Whether the raw loop also counts correct tokens, as the trainer does.</summary>
    public bool RawAccuracy { get; }

    /// <summary>The model the estimator must build (checked after each Fit).</summary>
    public Modules.TransformerConfig Config { get; }

    /// <summary>The estimator's batches of epoch 0, in its order; <see cref="Measured"/> are those after the warm steps.</summary>
    public IReadOnlyList<TokenBatch<int[]>> Batches { get; }

    public IReadOnlyList<TokenBatch<int[]>> Measured { get; }

    /// <summary>Predicted positions (target tokens + [EOS], what the loss is over) of the measured steps.</summary>
    public long MeasuredTargetPositions => Measured.Sum(b => (long)TeacherForcing.TargetTokens(b) + b.Count);

    /// <summary>Source + target tokens of the measured steps (what the trainer's TokensPerSecond counts).</summary>
    public long MeasuredTokens => Measured.Sum(b => (long)b.Tokens + TeacherForcing.TargetTokens(b));

    long ITrainerWorkload<RawSeq2SeqTraining>.MeasuredUnits => MeasuredTargetPositions;

    public long AllTargetPositions => Batches.Sum(b => (long)TeacherForcing.TargetTokens(b) + b.Count);

    /// <summary>Model FLOPs of the measured steps (<see cref="ModelFlops"/>): every row has the full source and target
    /// lengths (checked when the batches are made); the decoder reads [BOS] + the target.</summary>
    public double MeasuredModelFlops => Measured.Sum(b => ModelFlops.Seq2SeqStep(Config, b.Count, Settings.SourceLength, Settings.TargetLength + 1));

    /// <summary>
    /// One Fit of warm + steps optimizer steps (<see cref="TrainerComparison.TimeFit"/>): the steady time of the last
    /// <see cref="Steps"/> (whole steps of the trainer's loop: batch, teacher forcing, forward, loss, token accuracy, backward,
    /// clipping, AdamW, learning rate, progress), the whole Fit (with the target tokenizer, model and optimizer creation,
    /// the shuffle pool, the first steps, building the transformer), and the step-1 loss.
    /// </summary>
    public FitTiming TimeTrainer(bool mixedPrecision)
    {
        SequenceToSequenceOptions options = Settings.EstimatorOptions(_targetTokenizer, epochs: 1, mixedPrecision);
        return TrainerComparison.TimeFit(options, WarmSteps, Steps,
            () => _ml.Transforms.Text.SequenceToSequence("Prediction", SyntheticPairs.SourceColumn, SyntheticPairs.TargetColumn, options).Fit(_view),
            model =>
            {
                if (model.Config.Model != Config)
                    throw new BenchmarkFailedException($"the estimator built {model.Config.Model}, not the raw loop's model {Config}.");
            });
    }

    /// <summary>The raw loop on the measured batches.</summary>
    public double TimeRaw(RawSeq2SeqTraining raw) => TimeRaw(raw, Measured);

    public void RawFirstStep(RawSeq2SeqTraining raw) => raw.Step(Batches[0]);

    public static double TimeRaw(RawSeq2SeqTraining raw, IEnumerable<TokenBatch<int[]>> batches)
    {
        long start = Stopwatch.GetTimestamp();
        foreach (TokenBatch<int[]> batch in batches) raw.Step(batch);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The raw loop, with the estimator's optimizer settings for this precision.</summary>
    public RawSeq2SeqTraining CreateRaw(bool mixedPrecision)
        => new(Config, Settings.EstimatorOptions(_targetTokenizer, epochs: 1, mixedPrecision), Settings.Seed, RawAccuracy);

    /// <summary>The reader SequenceToSequenceEstimator builds for these options (see its Reader method), on the target
    /// tokenizer's output as the estimator makes it.</summary>
    private TokenBatchReader<int[]> Reader()
    {
        SequenceToSequenceOptions o = Settings.EstimatorOptions(_targetTokenizer, epochs: 1, mixedPrecision: true);
        var tokenizer = new TokenizerTransformer(_ml, TargetTokensColumn, SyntheticPairs.TargetColumn, _targetTokenizer.Options, _targetTokenizer.Tokenizer);
        IHost host = ((IHostEnvironment)_ml).Register("bench");
        IDataView data = tokenizer.Transform(_view);
        return new TokenBatchReader<int[]>(host, data, new TokenBatchOptions
        {
            TokenColumn = SyntheticPairs.SourceColumn,
            VocabularySize = Settings.Vocabulary,
            MaxLength = Settings.SourceLength,
            TruncateSource = true,
            LengthMultiple = Seq2SeqTrainingTask.LengthMultiple(TorchSharp.torch.CPU),
            PaddingId = SpecialTokens.Pad,
            BatchSize = o.BatchSize,
            ShuffleBufferRows = o.ShuffleBufferRows,
            BucketFactor = o.BucketFactor,
            Seed = o.Seed!.Value,
        }, new TargetSequence(host, data.Schema, TargetTokensColumn, Settings.Vocabulary, Settings.TargetLength, SpecialTokens.Pad));
    }
}
