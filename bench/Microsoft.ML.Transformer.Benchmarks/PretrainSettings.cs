using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The pretrain-train benchmark's model and batch shape. Defaults are the <c>pretrain</c> sample's: d_model 128, 4 heads,
/// 2 layers, d_ff 4 · d_model, GELU, learned positions, pre-LN, dropout 0.1, packed sequences of 512 tokens, batch 32, a
/// word vocabulary of 8,000 tokens (synthetic words, so the tokenizer costs nothing next to the steps).
/// </summary>
internal sealed record PretrainSettings(int ModelDimension, int Heads, int Layers, int SequenceLength, int Batch, int Vocabulary, int Threads, int Seed)
{
    public static PretrainSettings Default => new(128, 4, 2, 512, 32, 8_000, Environment.ProcessorCount, 1);

    /// <summary>Reads the shape options, with <paramref name="defaults"/> for those not given.</summary>
    public static PretrainSettings Parse(BenchmarkArgs args, PretrainSettings defaults)
    {
        var s = new PretrainSettings(args.GetInt("model-dim", defaults.ModelDimension), args.GetInt("heads", defaults.Heads),
            args.GetInt("layers", defaults.Layers), args.GetInt("seq", defaults.SequenceLength, minimum: 8), args.GetInt("batch", defaults.Batch),
            args.GetInt("vocab", defaults.Vocabulary, minimum: 100), args.GetInt("threads", defaults.Threads), args.GetInt("seed", defaults.Seed, minimum: 0));
        if (s.ModelDimension % s.Heads != 0)
            throw new UsageException($"--model-dim ({s.ModelDimension}) must be divisible by --heads ({s.Heads}).");
        return s;
    }

    /// <summary>The estimator's options: the sample's shape, one epoch, no validation slice (every batch is a training
    /// step), a word tokenizer fitted on the synthetic text, every other setting at its default.</summary>
    public EncoderPretrainingOptions EstimatorOptions(bool mixedPrecision) => new()
    {
        Tokenizer = new TokenizerOptions { Kind = TokenizerKind.Word, VocabularySize = Vocabulary, MinimumFrequency = 1 },
        Shape =
        {
            ModelDimension = ModelDimension, Heads = Heads, Layers = Layers,
            Activation = FeedForwardActivation.Gelu, Positional = PositionalEncodingKind.Learned, NormFirst = true,
        },
        SequenceLength = SequenceLength,
        BatchSize = Batch,
        Epochs = 1,
        ValidationFraction = 0,
        MixedPrecision = mixedPrecision,
        Seed = Seed,
    };

    public override string ToString() =>
        $"sequences of {SequenceLength}, d_model {ModelDimension}, {Heads} heads, {Layers} layer(s), d_ff {4 * ModelDimension}, batch {Batch}, " +
        $"vocabulary {Vocabulary:N0}, {Threads} thread(s), seed {Seed}";

    public Dictionary<string, object> ToJson() => new()
    {
        ["sequence_length"] = SequenceLength, ["d_model"] = ModelDimension, ["heads"] = Heads, ["layers"] = Layers, ["d_ff"] = 4 * ModelDimension,
        ["batch"] = Batch, ["vocab"] = Vocabulary, ["threads"] = Threads, ["cores"] = Environment.ProcessorCount,
    };
}
