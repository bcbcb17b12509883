using System.Diagnostics;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.LanguageModel;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The lm-train workload: one document of exactly enough characters for (warm + steps) × batch windows, in an in-memory
/// <see cref="IDataView"/>; the estimator on it (one epoch, so one Fit is warm + steps optimizer steps); and the raw loop
/// on the very windows the estimator trains on: the character tokenizer fitted as the estimator fits it, the text read as
/// its token stream ([EOS] then the characters), cut by <see cref="TokenWindows"/> with the estimator's context, batch
/// size and seed, epoch 0 (same random offset, same order).
/// </summary>
internal sealed class LanguageModelTrainWorkload : ITrainerWorkload<RawLanguageModelTraining>
{
    private const string TokensColumn = "Tokens";
    private readonly MLContext _ml;
    private readonly IDataView _view;
    private readonly int[] _stream;

    public LanguageModelTrainWorkload(LanguageModelSettings settings, int warmSteps, int steps, string? dataPath, bool rawAccuracy)
    {
        (Settings, WarmSteps, Steps, RawAccuracy) = (settings, warmSteps, steps, rawAccuracy);
        _ml = new MLContext(seed: settings.Seed);
        int windows = (warmSteps + steps) * settings.Batch;
        (string text, Source) = LanguageModelText.Load(dataPath, LanguageModelText.CharactersFor(windows, settings.Context), settings.Seed);
        _view = _ml.Data.LoadFromEnumerable([new TextRow { Text = text }]);

        // The estimator fits TokenizeForTransformer with its Tokenizer options (the characters of the text), then reads the text
        // column as one stream; its special-token and length settings do not change the vocabulary or the stream.
        TokenizerTransformer tokenizer = _ml.Transforms.Text.TokenizeForTransformer(TokensColumn, LanguageModelText.Column,
            settings.EstimatorOptions(mixedPrecision: true).Tokenizer).Fit(_view);
        Vocabulary = tokenizer.VocabularySize;
        _stream = ReadStream(tokenizer);
        Config = settings.Config(Vocabulary);
        Batches = new TokenWindows(_stream, settings.Context, settings.Batch, settings.Seed).Batches(epoch: 0).ToList();
        if (Batches.Count != warmSteps + steps || Batches.Any(b => b.Rows != settings.Batch))
            throw new BenchmarkFailedException($"the text makes {Batches.Count} batches ({string.Join(", ", Batches.Select(b => b.Rows))} windows) " +
                $"instead of {warmSteps + steps} of {settings.Batch}.");
        Measured = Batches.Skip(warmSteps).ToList();
    }

    public LanguageModelSettings Settings { get; }

    public int WarmSteps { get; }

    public int Steps { get; }

    public bool RawAccuracy { get; }

    /// <summary>Where the text comes from.</summary>
    public string Source { get; }

    /// <summary>The character tokenizer's vocabulary, special tokens included.</summary>
    public int Vocabulary { get; }

    /// <summary>Tokens of the stream: [EOS] and the characters.</summary>
    public int StreamTokens => _stream.Length;

    /// <summary>The model the estimator must build (checked after each Fit).</summary>
    public TransformerConfig Config { get; }

    /// <summary>The estimator's batches of epoch 0, in its order; <see cref="Measured"/> are those after the warm steps.</summary>
    public IReadOnlyList<WindowBatch> Batches { get; }

    public IReadOnlyList<WindowBatch> Measured { get; }

    /// <summary>Tokens predicted in the measured steps (every position of every window).</summary>
    public long MeasuredTokens => Measured.Sum(b => (long)b.Tokens);

    long ITrainerWorkload<RawLanguageModelTraining>.MeasuredUnits => MeasuredTokens;

    public long AllTokens => Batches.Sum(b => (long)b.Tokens);

    /// <summary>Model FLOPs of the measured steps (<see cref="ModelFlops"/>).</summary>
    public double MeasuredModelFlops => Measured.Sum(b => ModelFlops.LanguageModelStep(Config, b.Rows, b.Context));

    /// <summary>One Fit of warm + steps optimizer steps (<see cref="TrainerComparison.TimeFit"/>); checks that the estimator
    /// built the raw loop's model and tokenized the text into the raw loop's stream.</summary>
    public FitTiming TimeTrainer(bool mixedPrecision)
    {
        LanguageModelOptions options = Settings.EstimatorOptions(mixedPrecision);
        return TrainerComparison.TimeFit(options, WarmSteps, Steps, () => _ml.Transforms.Text.TrainLanguageModel(LanguageModelText.Column, options).Fit(_view),
            model =>
            {
                if (model.Config.Model != Config)
                    throw new BenchmarkFailedException($"the estimator built {model.Config.Model}, not the raw loop's model {Config}.");
                if (!ReadStream(model.Tokenizer).AsSpan().SequenceEqual(_stream))
                    throw new BenchmarkFailedException("the estimator's tokenizer reads the text into another token stream than the raw loop's.");
            });
    }

    /// <summary>The raw loop on the measured batches.</summary>
    public double TimeRaw(RawLanguageModelTraining raw) => TimeRaw(raw, Measured);

    public void RawFirstStep(RawLanguageModelTraining raw) => raw.Step(Batches[0]);

    public static double TimeRaw(RawLanguageModelTraining raw, IEnumerable<WindowBatch> batches)
    {
        long start = Stopwatch.GetTimestamp();
        foreach (WindowBatch batch in batches) raw.Step(batch);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    public RawLanguageModelTraining CreateRaw(bool mixedPrecision) => new(Config, Settings.EstimatorOptions(mixedPrecision), Settings.Seed, RawAccuracy);

    private int[] ReadStream(TokenizerTransformer tokenizer)
        => TokenStream.Read(((IHostEnvironment)_ml).Register("bench"), _view, LanguageModelText.Column, tokenizer.Tokenizer, "benchmark text",
            CancellationToken.None).Ids;
}
