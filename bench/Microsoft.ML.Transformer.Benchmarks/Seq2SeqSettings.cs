using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The sequence-to-sequence benchmarks' model and data shape. Defaults: vocabulary 8,000 (source and target), d_model 256,
/// 4 heads, 3 + 3 layers, d_ff 1024 (the estimator's defaults, 4 · d_model), sources of 24 tokens, targets of 24 tokens,
/// batch 64; post-LN, ReLU, dropout 0.1, attention dropout 0, tied output projection (the estimator's defaults).
/// </summary>
internal sealed record Seq2SeqSettings(int ModelDimension, int Heads, int EncoderLayers, int DecoderLayers, int FeedForward, int Vocabulary,
    int SourceLength, int TargetLength, int Batch, int Threads, int Seed)
{
    public static Seq2SeqSettings Default => new(256, 4, 3, 3, 1024, 8_000, 24, 24, 64, Environment.ProcessorCount, 1);

    /// <summary>The estimator's <c>Device</c> ("cpu" unless gpu-check asks for "cuda"); no CPU fallback.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Reads the shape options, with <paramref name="defaults"/> for those not given.</summary>
    public static Seq2SeqSettings Parse(BenchmarkArgs args, Seq2SeqSettings defaults)
    {
        var s = new Seq2SeqSettings(
            args.GetInt("model-dim", defaults.ModelDimension), args.GetInt("heads", defaults.Heads),
            args.GetInt("enc-layers", defaults.EncoderLayers), args.GetInt("dec-layers", defaults.DecoderLayers),
            args.GetInt("ff-dim", defaults.FeedForward), args.GetInt("vocab", defaults.Vocabulary, minimum: SpecialTokens.Count + 2),
            args.GetInt("src-len", defaults.SourceLength), args.GetInt("tgt-len", defaults.TargetLength), args.GetInt("batch", defaults.Batch),
            args.GetInt("threads", defaults.Threads), args.GetInt("seed", defaults.Seed, minimum: 0));
        if (s.ModelDimension % s.Heads != 0 || s.ModelDimension % 2 != 0)
            throw new UsageException($"--model-dim ({s.ModelDimension}) must be even and divisible by --heads ({s.Heads}).");
        return s;
    }

    /// <summary>
    /// The model the estimator builds for these settings when the target tokenizer's MaxLength is
    /// <paramref name="targetMaxLength"/> (max_len = max(source max length, target max length + 1): [BOS] + the target).
    /// The benchmarks check that the estimator does build it.
    /// </summary>
    public TransformerConfig Config(int targetMaxLength) => new TransformerConfig
    {
        ModelDimension = ModelDimension,
        Heads = Heads,
        EncoderLayers = EncoderLayers,
        DecoderLayers = DecoderLayers,
        FeedForwardDimension = FeedForward,
        Dropout = 0.1,
        AttentionDropout = 0,
        MaxLength = Math.Max(SourceLength, targetMaxLength + 1),
        Positional = PositionalEncodingKind.Sinusoidal,
        NormFirst = false,
        SourceVocabularySize = Vocabulary,
        TargetVocabularySize = Vocabulary,
        ShareSourceTargetEmbeddings = false,
        TieOutputProjection = true,
        PaddingId = SpecialTokens.Pad,
    }.Validate();

    /// <summary>The estimator's options for this shape and <see cref="Device"/>, with the given target tokenizer; every
    /// training setting at its default (AdamW lr 5e-4, β2 0.98, weight decay 0.01, clipping at 1, label smoothing 0.1, cosine schedule).</summary>
    public SequenceToSequenceOptions EstimatorOptions(TokenizerTransformer targetTokenizer, int epochs, bool mixedPrecision) => new()
    {
        TargetTokenizer = targetTokenizer,
        Shape =
        {
            ModelDimension = ModelDimension,
            Heads = Heads,
            Layers = EncoderLayers,
            DecoderLayers = DecoderLayers,
            FeedForwardDimension = FeedForward,
        },
        SourceVocabularySize = Vocabulary,
        SourceMaxLength = SourceLength,
        BatchSize = Batch,
        Epochs = epochs,
        MixedPrecision = mixedPrecision,
        Device = Device,
        AllowCpuFallback = false,
        Seed = Seed,
    };

    public override string ToString() =>
        $"vocabulary {Vocabulary:N0} (source and target), d_model {ModelDimension}, {Heads} heads, {EncoderLayers}+{DecoderLayers} layers, " +
        $"d_ff {FeedForward}, source {SourceLength} tokens, target {TargetLength} tokens, batch {Batch}, {Threads} thread(s), seed {Seed}";

    public Dictionary<string, object> ToJson() => new()
    {
        ["vocab"] = Vocabulary, ["d_model"] = ModelDimension, ["heads"] = Heads, ["enc_layers"] = EncoderLayers, ["dec_layers"] = DecoderLayers,
        ["d_ff"] = FeedForward, ["src_len"] = SourceLength, ["tgt_len"] = TargetLength, ["batch"] = Batch, ["threads"] = Threads,
        ["cores"] = Environment.ProcessorCount,
    };
}
