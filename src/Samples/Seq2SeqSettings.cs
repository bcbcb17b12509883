using Microsoft.ML.Transformer;

namespace Samples;

/// <summary>A sample's own defaults for the flags every sequence-to-sequence sample takes.</summary>
internal sealed record Seq2SeqDefaults
{
    public int ModelDimension { get; init; } = 256;
    public int Heads { get; init; } = 4;
    public int Layers { get; init; } = 3;
    public int? FeedForward { get; init; }
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 64;
    public int? BatchTokens { get; init; }
    public double LearningRate { get; init; } = 1e-3;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;
    public int? WarmupSteps { get; init; }
    public double Dropout { get; init; } = 0.1;
    public EmbeddingInitialization EmbeddingInitialization { get; init; }
    public double LabelSmoothing { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.01;
    public int BeamSize { get; init; } = 4;
    public double LengthPenalty { get; init; } = 0.6;
    public int AverageLastEpochs { get; init; } = 1;
    public required string ModelPath { get; init; }
}

/// <summary>
/// The flags the sequence-to-sequence samples share, read over a sample's defaults: --epochs --dim --heads --layers --ff
/// --batch --batch-tokens --lr --schedule cosine|noam --warmup --dropout --embedding-init xavier|normal --label-smoothing --weight-decay --fp32|--bf16 --threads --device --seed
/// --average N (checkpoint averaging of the last N epochs) --beam --length-penalty --checkpoints --rows --out.
/// </summary>
internal sealed record Seq2SeqSettings(SequenceToSequenceOptions Options, DecodingOptions Beam, int? Rows, string ModelPath, int Threads)
{
    public static Seq2SeqSettings Parse(ILookup<string, string> args, Seq2SeqDefaults defaults)
    {
        int threads = args.Int("threads") ?? TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(threads);
        var options = new SequenceToSequenceOptions
        {
            Shape =
            {
                ModelDimension = args.Int("dim") ?? defaults.ModelDimension,
                Heads = args.Int("heads") ?? defaults.Heads,
                Layers = args.Int("layers") ?? defaults.Layers,
                DecoderLayers = args.Int("layers") ?? defaults.Layers,
                FeedForwardDimension = args.Int("ff") ?? defaults.FeedForward,
                Dropout = args.Double("dropout") ?? defaults.Dropout,
                EmbeddingInitialization = args.Value("embedding-init") is { } init ? Initialization(init) : defaults.EmbeddingInitialization,
            },
            Epochs = args.Int("epochs") ?? defaults.Epochs,
            BatchSize = args.Int("batch") ?? defaults.BatchSize,
            BatchTokens = args.Int("batch-tokens") ?? defaults.BatchTokens,
            LearningRate = args.Double("lr") ?? defaults.LearningRate,
            Schedule = args.Value("schedule") is { } schedule ? Schedule(schedule) : defaults.Schedule,
            WarmupSteps = args.Int("warmup") ?? defaults.WarmupSteps,
            LabelSmoothing = args.Double("label-smoothing") ?? defaults.LabelSmoothing,
            WeightDecay = args.Double("weight-decay") ?? defaults.WeightDecay,
            AverageLastEpochs = args.Int("average") ?? defaults.AverageLastEpochs,
            MixedPrecision = args.MixedPrecision(),
            Device = args.Value("device") ?? "cpu",
            CheckpointDirectory = args.Value("checkpoints"),
            Seed = args.Int("seed") ?? 1,
            ProgressInterval = 20,
        };
        var beam = new DecodingOptions { BeamSize = args.Int("beam") ?? defaults.BeamSize, LengthPenalty = args.Double("length-penalty") ?? defaults.LengthPenalty };
        return new Seq2SeqSettings(options, beam, args.Int("rows"), args.Value("out") ?? defaults.ModelPath, threads);
    }

    /// <summary>"cosine" (warmup + cosine decay) or "noam" (the paper's warmup + inverse square root; --lr is its scale factor).</summary>
    private static LearningRateSchedule Schedule(string name) => name.ToLowerInvariant() switch
    {
        "cosine" => LearningRateSchedule.Cosine,
        "noam" or "inverse-sqrt" => LearningRateSchedule.InverseSquareRoot,
        "linear" => LearningRateSchedule.Linear,
        "constant" => LearningRateSchedule.Constant,
        _ => throw new ArgumentException($"--schedule must be cosine, noam, linear or constant, not '{name}'."),
    };

    /// <summary>--embedding-init's names: "xavier" (Glorot uniform, the library's default) or "normal" (N(0, 1/d_model),
    /// unit variance after the √d_model scale); the JSON line writes the same names.</summary>
    private static readonly Dictionary<string, EmbeddingInitialization> Initializations = new()
    {
        ["xavier"] = EmbeddingInitialization.XavierUniform,
        ["normal"] = EmbeddingInitialization.Normal,
    };

    private static EmbeddingInitialization Initialization(string name) => Initializations.TryGetValue(name.ToLowerInvariant(), out var initialization)
        ? initialization
        : throw new ArgumentException($"--embedding-init must be xavier or normal, not '{name}'.");

    /// <summary>The settings for the JSON line.</summary>
    public object Describe(object? extra = null) => new
    {
        d_model = Options.Shape.ModelDimension, heads = Options.Shape.Heads, encoder_layers = Options.Shape.Layers, decoder_layers = Options.Shape.DecoderLayers,
        d_ff = Options.Shape.FeedForwardDimension ?? 4 * Options.Shape.ModelDimension, epochs = Options.Epochs, batch = Options.BatchSize, batch_tokens = Options.BatchTokens, lr = Options.LearningRate,
        schedule = Options.Schedule.ToString(), warmup = Options.WarmupSteps, dropout = Options.Shape.Dropout,
        embedding_init = Initializations.Single(p => p.Value == Options.Shape.EmbeddingInitialization).Key, label_smoothing = Options.LabelSmoothing,
        weight_decay = Options.WeightDecay, average_last_epochs = Options.AverageLastEpochs, mixed_precision = Options.UsesMixedPrecision, device = Options.Device, threads = Threads, seed = Options.Seed,
        beam = Beam.BeamSize, length_penalty = Beam.LengthPenalty, rows = Rows, extra,
    };
}
