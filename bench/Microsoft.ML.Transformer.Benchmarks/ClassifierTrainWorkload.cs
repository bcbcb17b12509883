using System.Diagnostics;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The classifier-train workload: (warm + steps) × batch synthetic rows in an in-memory <see cref="IDataView"/>, the
/// trainer on it (one epoch, so one Fit is warm + steps optimizer steps), and the raw loop on the very batches the
/// trainer's reader makes of it (same options, same seed, so same rows in the same order and the same padding).
/// </summary>
internal sealed class ClassifierTrainWorkload
{
    private readonly MLContext _ml;
    private readonly IDataView _view;

    public ClassifierTrainWorkload(ClassifierSettings settings, bool fullLength, int warmSteps, int steps)
    {
        (Settings, WarmSteps, Steps) = (settings, warmSteps, steps);
        _ml = new MLContext(seed: settings.Seed);
        int rows = (warmSteps + steps) * settings.Batch;
        _view = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(r => SyntheticTokens.DataRow(r, settings, fullLength)).ToList());
        Batches = Reader().ReadEpoch(0).ToList();
        if (Batches.Count != warmSteps + steps)
            throw new BenchmarkFailedException($"the reader made {Batches.Count} batches of {rows} rows instead of {warmSteps + steps}.");
        Measured = Batches.Skip(warmSteps).ToList();
    }

    public ClassifierSettings Settings { get; }

    public int WarmSteps { get; }

    public int Steps { get; }

    /// <summary>The trainer's batches of epoch 0, in its order; <see cref="Measured"/> are those after the warm steps.</summary>
    public IReadOnlyList<TokenBatch<long>> Batches { get; }

    public IReadOnlyList<TokenBatch<long>> Measured { get; }

    /// <summary>Positions (rows × padded length) of the measured steps.</summary>
    public long MeasuredPositions => Measured.Sum(b => (long)b.Count * b.Length);

    public long MeasuredTokens => Measured.Sum(b => (long)b.Tokens);

    public long AllPositions => Batches.Sum(b => (long)b.Count * b.Length);

    /// <summary>Model FLOPs of the measured steps (<see cref="ModelFlops"/>; the binary model has one logit).</summary>
    public double MeasuredModelFlops => Measured.Sum(b => ModelFlops.ClassifierStep(Settings.Config(), b.Count, b.Length, outputs: 1));

    /// <summary>
    /// One Fit of warm + steps optimizer steps (<see cref="TrainerComparison.TimeFit"/>): the steady time of the last
    /// <see cref="Steps"/> (whole steps of the trainer's loop: batch, forward, loss, backward, clipping, AdamW, progress),
    /// and the whole Fit (with model and optimizer creation, reading into the shuffle pool, the first steps' allocations,
    /// the transformer). <paramref name="allowTF32"/>: TF32 float32 matrix products on CUDA (the trainer's default).
    /// </summary>
    public FitTiming TimeTrainer(bool mixedPrecision, bool allowTF32 = true)
    {
        TransformerClassifierOptions options = Settings.TrainerOptions(epochs: 1, mixedPrecision, allowTF32);
        return TrainerComparison.TimeFit(options, WarmSteps, Steps, () => Fit(options),
            model =>
            {
                if (model.Config.Model != Settings.Config())
                    throw new BenchmarkFailedException($"the trainer built {model.Config.Model}, not the raw loop's model {Settings.Config()}.");
            });
    }

    /// <summary>One Fit of the binary trainer with <paramref name="options"/> on this workload's rows.</summary>
    public TransformerClassifierTransformer Fit(TransformerClassifierOptions options) => _ml.BinaryClassification.Trainers.Transformer(options).Fit(_view);

    /// <summary>The raw loop on the measured batches; the tensors are made from the same arrays inside each step.</summary>
    public double TimeRaw(RawClassifierTraining raw) => TimeRaw(raw, Measured);

    public static double TimeRaw(RawClassifierTraining raw, IEnumerable<TokenBatch<long>> batches)
    {
        long start = Stopwatch.GetTimestamp();
        foreach (TokenBatch<long> batch in batches)
        {
            using var scope = NewDisposeScope();
            raw.Step(batch.IdsTensor(CPU), tensor(Array.ConvertAll(batch.Labels, l => (float)l)));
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The raw loop's model on the settings' device: random, or the encoder's weights when
    /// <see cref="ClassifierSettings.Encoder"/> is set.</summary>
    public RawClassifierTraining CreateRaw(bool mixedPrecision, bool allowTF32 = true)
    {
        var raw = new RawClassifierTraining(Settings.Config(), Settings.Seed, mixedPrecision, device: device(Settings.Device), allowTF32: allowTF32);
        if (Settings.Encoder is { } encoder)
            ModuleState.Import(raw.Model.Body, new TensorSet(((ITransformerEncoderSource)encoder).ExportEncoder().State, "encoder"));
        return raw;
    }

    /// <summary>Time to read every batch of an epoch through the trainer's reader (part of the Fit's fixed cost here).</summary>
    public double ReadSeconds()
    {
        long start = Stopwatch.GetTimestamp();
        int count = Reader().ReadEpoch(0).Count();
        return count > 0 ? Stopwatch.GetElapsedTime(start).TotalSeconds : 0;
    }

    /// <summary>The reader TransformerClassifierTrainer builds for these options (see its Reader method).</summary>
    private TokenBatchReader<long> Reader()
    {
        TransformerClassifierOptions o = Settings.TrainerOptions(epochs: 1, mixedPrecision: true);
        IHost host = ((IHostEnvironment)_ml).Register("bench");
        return new TokenBatchReader<long>(host, _view, new TokenBatchOptions
        {
            TokenColumn = o.TokensColumnName,
            VocabularySize = Settings.Vocabulary,
            MaxLength = Settings.Length,
            PaddingId = SpecialTokens.Pad,
            BatchSize = o.BatchSize,
            ShuffleBufferRows = o.ShuffleBufferRows,
            BucketFactor = o.BucketFactor,
            Seed = o.Seed!.Value,
        }, ClassLabel.Find(host, _view.Schema, o.LabelColumnName, ClassifierKind.Binary));
    }
}
