using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The language-model benchmarks' model and batch shape. Defaults are <see cref="LanguageModelOptions"/>' own: context 128,
/// d_model 256, 4 heads, 4 layers, d_ff 4 · d_model, batch 32; pre-LN, learned positions, dropout 0.1, attention dropout 0,
/// output projection tied to the token embedding. The vocabulary is the character tokenizer's, fitted on the text.
/// </summary>
internal sealed record LanguageModelSettings(int ModelDimension, int Heads, int Layers, int? FeedForward, int Context, int Batch, int Threads,
    int Seed)
{
    public static LanguageModelSettings Default => new(256, 4, 4, null, 128, 32, Environment.ProcessorCount, 1);

    /// <summary>d_ff: <see cref="FeedForward"/>, or 4 · d_model when not given (the estimator's default).</summary>
    public int ResolvedFeedForward => FeedForward ?? 4 * ModelDimension;

    /// <summary>Tokens predicted per training step: every position of every window.</summary>
    public long TokensPerStep => (long)Batch * Context;

    /// <summary>Reads the shape options, with <paramref name="defaults"/> for those not given.</summary>
    public static LanguageModelSettings Parse(BenchmarkArgs args, LanguageModelSettings defaults)
    {
        string? feedForward = args.GetString("ff-dim");
        var s = new LanguageModelSettings(
            args.GetInt("model-dim", defaults.ModelDimension), args.GetInt("heads", defaults.Heads), args.GetInt("layers", defaults.Layers),
            feedForward is null ? defaults.FeedForward : args.GetInt("ff-dim", 0), args.GetInt("context", defaults.Context, minimum: 2),
            args.GetInt("batch", defaults.Batch), args.GetInt("threads", defaults.Threads), args.GetInt("seed", defaults.Seed, minimum: 0));
        if (s.ModelDimension % s.Heads != 0)
            throw new UsageException($"--model-dim ({s.ModelDimension}) must be divisible by --heads ({s.Heads}).");
        return s;
    }

    /// <summary>The estimator's options for this shape: one epoch, every other setting at its default (character tokenizer,
    /// AdamW lr 1e-3, β 0.9/0.99, weight decay 0.01 on weight matrices only, clipping at 1, no label smoothing, cosine
    /// schedule).</summary>
    public LanguageModelOptions EstimatorOptions(bool mixedPrecision) => new()
    {
        ContextLength = Context,
        Shape = { ModelDimension = ModelDimension, Heads = Heads, Layers = Layers, FeedForwardDimension = FeedForward },
        BatchSize = Batch,
        Epochs = 1,
        MixedPrecision = mixedPrecision,
        Seed = Seed,
    };

    /// <summary>The model the estimator builds for these settings over a vocabulary of <paramref name="vocabulary"/> tokens
    /// (the benchmarks check that it does).</summary>
    public TransformerConfig Config(int vocabulary) => new TransformerConfig
    {
        ModelDimension = ModelDimension,
        Heads = Heads,
        EncoderLayers = 0,
        DecoderLayers = Layers,
        FeedForwardDimension = FeedForward,
        Dropout = 0.1,
        AttentionDropout = 0,
        MaxLength = Context,
        Positional = PositionalEncodingKind.Learned,
        NormFirst = true,
        TargetVocabularySize = vocabulary,
        TieOutputProjection = true,
        PaddingId = SpecialTokens.Pad,
    }.Validate();

    public override string ToString() =>
        $"context {Context}, d_model {ModelDimension}, {Heads} heads, {Layers} layer(s), d_ff {ResolvedFeedForward}, batch {Batch}, " +
        $"{Threads} thread(s), seed {Seed}";

    public Dictionary<string, object> ToJson() => new()
    {
        ["context"] = Context, ["d_model"] = ModelDimension, ["heads"] = Heads, ["layers"] = Layers, ["d_ff"] = ResolvedFeedForward, ["batch"] = Batch,
        ["threads"] = Threads, ["cores"] = Environment.ProcessorCount,
    };
}

/// <summary>PyTorch reference for the language-model benchmarks: ../shared/reference/pytorch_ref.py has no decoder-only
/// language model (its configs are the classifier's <c>small</c> and <c>tiny</c> and the encoder–decoder <c>s2s</c>) and its
/// README quotes no language-model figure, so there is nothing to run or print beside ours.</summary>
internal static class PyTorchLanguageModelReference
{
    public const string Note = "not measured here: ../shared/reference/pytorch_ref.py has no language-model config (only the classifier's " +
        "small/tiny and the encoder-decoder s2s) and its README quotes no language-model figure";

    public static Dictionary<string, object?> ToJson(string measure) => new()
    {
        ["measure"] = measure, ["measured_here"] = false, ["value"] = null, ["quoted"] = null, ["reason"] = "pytorch_ref.py has no language-model config",
    };
}
