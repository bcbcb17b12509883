using System.Globalization;
using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The classifier benchmarks' model and batch shape. Defaults are pytorch_ref.py's <c>small</c> config: vocabulary
/// 16,000, d_model 128, 4 heads, 2 layers, d_ff 512, seq 256, batch 32; post-LN, ReLU, dropout 0.1 (the trainer's
/// defaults), attention dropout 0 unless a variant says otherwise. With <c>--encoder DIR</c> the model is an imported
/// checkpoint's (its shape and vocabulary; the trainer fine-tunes it as <c>InitialEncoder</c>).
/// </summary>
internal sealed record ClassifierSettings(int ModelDimension, int Heads, int Layers, int FeedForward, int Vocabulary, int Length,
    int Batch, int Threads, int Seed)
{
    public static ClassifierSettings Small => new(128, 4, 2, 512, 16_000, 256, 32, Environment.ProcessorCount, 1);

    public long PositionsPerStep => (long)Batch * Length;

    /// <summary>The imported checkpoint the model starts from (<c>--encoder</c>), or null for the synthetic shape.</summary>
    public PretrainedEncoder? Encoder { get; init; }

    /// <summary>The folder <see cref="Encoder"/> was read from.</summary>
    public string? EncoderFolder { get; init; }

    /// <summary>The trainer's <c>Device</c> ("cpu" unless gpu-check asks for "cuda"); no CPU fallback.</summary>
    public string Device { get; init; } = "cpu";

    private TransformerConfig? EncoderConfig => Encoder is null ? null : ((ITransformerEncoderSource)Encoder).ExportEncoder().Config;

    /// <summary>Reads the shape options, with <paramref name="defaults"/> for those not given.</summary>
    public static ClassifierSettings Parse(BenchmarkArgs args, ClassifierSettings defaults, bool vocabulary = true)
    {
        var s = new ClassifierSettings(
            args.GetInt("model-dim", defaults.ModelDimension), args.GetInt("heads", defaults.Heads), args.GetInt("layers", defaults.Layers),
            args.GetInt("ff-dim", defaults.FeedForward), vocabulary ? args.GetInt("vocab", defaults.Vocabulary, minimum: 2) : defaults.Vocabulary,
            args.GetInt("seq", defaults.Length, minimum: 2), args.GetInt("batch", defaults.Batch), args.GetInt("threads", defaults.Threads),
            args.GetInt("seed", defaults.Seed, minimum: 0));
        if (s.ModelDimension % s.Heads != 0 || s.ModelDimension % 2 != 0)
            throw new UsageException($"--model-dim ({s.ModelDimension}) must be even and divisible by --heads ({s.Heads}).");
        if (args.GetString("encoder") is not { } folder) return s;
        PretrainedEncoder encoder = new MLContext().Model.LoadPretrainedEncoder(folder);
        TransformerConfig config = ((ITransformerEncoderSource)encoder).ExportEncoder().Config;
        if (s.Length > config.MaxLength) throw new UsageException($"--seq ({s.Length}) exceeds the encoder's {config.MaxLength} positions.");
        return s with
        {
            ModelDimension = config.ModelDimension, Heads = config.Heads, Layers = config.EncoderLayers,
            FeedForward = config.ResolvedFeedForwardDimension, Vocabulary = config.SourceVocabularySize, Encoder = encoder, EncoderFolder = folder,
        };
    }

    /// <summary>The model the trainer builds from <see cref="TrainerOptions"/> (the benchmarks check that it does).</summary>
    public TransformerConfig Config(double attentionDropout = 0) => EncoderConfig ?? new TransformerConfig
    {
        ModelDimension = ModelDimension,
        Heads = Heads,
        EncoderLayers = Layers,
        DecoderLayers = 0,
        FeedForwardDimension = FeedForward,
        Dropout = 0.1,
        AttentionDropout = attentionDropout,
        MaxLength = Length,
        SourceVocabularySize = Vocabulary,
        PaddingId = SpecialTokens.Pad,
    }.Validate();

    /// <summary>The binary trainer's options for this shape and <see cref="Device"/>; every training setting at its default
    /// (TF32 matrix products on CUDA included, unless <paramref name="allowTF32"/> is false).</summary>
    public TransformerClassifierOptions TrainerOptions(int epochs, bool mixedPrecision, bool allowTF32 = true) => new()
    {
        VocabularySize = Vocabulary,
        MaxLength = Length,
        // with an encoder the trainer takes its shape; the default Shape keeps its "Shape is not used" warning quiet
        Shape = Encoder is null ? new() { ModelDimension = ModelDimension, Heads = Heads, Layers = Layers, FeedForwardDimension = FeedForward } : new TransformerClassifierOptions().Shape,
        InitialEncoder = Encoder,
        BatchSize = Batch,
        Epochs = epochs,
        MixedPrecision = mixedPrecision,
        AllowTF32 = allowTF32,
        Device = Device,
        AllowCpuFallback = false,
        Seed = Seed,
    };

    /// <summary>The options that reproduce these settings (for a child process).</summary>
    public IEnumerable<string> ToArgs(bool vocabulary = true) =>
    [
        "--model-dim", Str(ModelDimension), "--heads", Str(Heads), "--layers", Str(Layers), "--ff-dim", Str(FeedForward),
        .. vocabulary ? (string[])["--vocab", Str(Vocabulary)] : [],
        "--seq", Str(Length), "--batch", Str(Batch), "--threads", Str(Threads), "--seed", Str(Seed),
        .. EncoderFolder is null ? (string[])[] : ["--encoder", EncoderFolder],
    ];

    public override string ToString() =>
        (EncoderFolder is null ? "" : $"encoder {EncoderFolder}: ") + $"vocabulary {Vocabulary:N0}, d_model {ModelDimension}, {Heads} heads, {Layers} layer(s), d_ff {FeedForward}, seq {Length}, " +
        $"batch {Batch}, {Threads} thread(s), seed {Seed}";

    public Dictionary<string, object> ToJson() => new()
    {
        ["vocab"] = Vocabulary, ["d_model"] = ModelDimension, ["heads"] = Heads, ["layers"] = Layers, ["d_ff"] = FeedForward,
        ["seq"] = Length, ["batch"] = Batch, ["threads"] = Threads, ["cores"] = Environment.ProcessorCount,
    };

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
