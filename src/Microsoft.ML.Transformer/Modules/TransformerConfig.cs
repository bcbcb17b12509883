using System.Text.Json.Serialization;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// The shape of a Transformer, as one immutable record (nanoGPT's <c>GPTConfig</c>). Defaults are the paper's base
/// model: d_model 512, h 8, N 6 + 6 layers, d_ff 2048, dropout 0.1. Saved with every trained model.
/// </summary>
internal sealed record TransformerConfig
{
    /// <summary>d_model: the width of every embedding and sub-layer output.</summary>
    public int ModelDimension { get; init; } = 512;

    /// <summary>h: parallel attention heads; each works in d_k = d_v = d_model / h dimensions.</summary>
    public int Heads { get; init; } = 8;

    /// <summary>N for the encoder stack (0 for a decoder-only model, or for embeddings alone).</summary>
    public int EncoderLayers { get; init; } = 6;

    /// <summary>N for the decoder stack (0 for an encoder-only model such as a classifier).</summary>
    public int DecoderLayers { get; init; } = 6;

    /// <summary>d_ff: the inner width of the position-wise feed-forward network; null means 4·d_model.</summary>
    public int? FeedForwardDimension { get; init; }

    public FeedForwardActivation Activation { get; init; } = FeedForwardActivation.Relu;

    /// <summary>P_drop: applied to each sub-layer's output before the residual add, and to embeddings + positions.</summary>
    public double Dropout { get; init; } = 0.1;

    /// <summary>Dropout on the attention weights. 0 by default: anything else sends libtorch's CPU fused attention to
    /// a slow fallback (see docs/model.md).</summary>
    public double AttentionDropout { get; init; }

    /// <summary>max_len: the longest sequence the position encoding covers.</summary>
    public int MaxLength { get; init; } = 512;

    public PositionalEncodingKind Positional { get; init; } = PositionalEncodingKind.Sinusoidal;

    /// <summary>false: post-LN, LayerNorm(x + Sublayer(x)) as in the paper. true: pre-LN, x + Sublayer(LayerNorm(x)),
    /// with a final LayerNorm after the stack (easier to train deep stacks without warmup).</summary>
    public bool NormFirst { get; init; }

    public double LayerNormEpsilon { get; init; } = 1e-5;

    /// <summary>Rows of the source (encoder) embedding table; 0 when there is no encoder.</summary>
    public int SourceVocabularySize { get; init; }

    /// <summary>Rows of the target (decoder) embedding table and of the output projection; 0 when there is no decoder.</summary>
    public int TargetVocabularySize { get; init; }

    /// <summary>Use one embedding table for source and target (needs one shared vocabulary).</summary>
    public bool ShareSourceTargetEmbeddings { get; init; }

    /// <summary>Use the target embedding matrix as the pre-softmax projection (the paper's section 3.4).</summary>
    public bool TieOutputProjection { get; init; }

    /// <summary>The id that marks padding: masked out wherever it appears as a key.</summary>
    public int PaddingId { get; init; }

    /// <summary>Rows of BERT's token-type ("segment") table added to the source embedding; 0 (the default) for none.</summary>
    public int TokenTypeVocabularySize { get; init; }

    /// <summary>BERT: LayerNorm over embeddings + positions (+ token types) before the stack. false (the default) for
    /// the paper's model, which has none.</summary>
    public bool EmbeddingLayerNorm { get; init; }

    /// <summary>Multiply token embeddings by √d_model (the paper's section 3.4). true by default; BERT does not scale.</summary>
    public bool ScaleEmbeddings { get; init; } = true;

    /// <summary>How the token table is drawn when the model is created from random weights (not when weights are loaded).</summary>
    public EmbeddingInitialization EmbeddingInitialization { get; init; }

    /// <summary>d_k = d_v = d_model / h.</summary>
    [JsonIgnore]
    public int HeadDimension => ModelDimension / Heads;

    /// <summary>d_ff in force: <see cref="FeedForwardDimension"/>, or 4·d_model when it is null (as saved configs may hold).</summary>
    [JsonIgnore]
    public int ResolvedFeedForwardDimension => FeedForwardDimension ?? 4 * ModelDimension;

    /// <summary>An embedding table and positions alone: no attention, no stacks, no dropout.</summary>
    public static TransformerConfig EmbeddingOnly(int modelDimension, PositionalEncodingKind positional, int maxLength, int vocabularySize) => new()
    {
        ModelDimension = modelDimension,
        Heads = 1,
        EncoderLayers = 0,
        DecoderLayers = 0,
        Positional = positional,
        MaxLength = maxLength,
        SourceVocabularySize = vocabularySize,
        Dropout = 0,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public TransformerConfig Validate()
    {
        ValidateShape();
        Require(EncoderLayers == 0 || SourceVocabularySize > 0, nameof(SourceVocabularySize), "an encoder needs a source vocabulary size > 0");
        Require(DecoderLayers == 0 || TargetVocabularySize > 0, nameof(TargetVocabularySize), "a decoder needs a target vocabulary size > 0");
        Require(!ShareSourceTargetEmbeddings || SourceVocabularySize == TargetVocabularySize, nameof(ShareSourceTargetEmbeddings),
            $"shared embeddings need one vocabulary, but source has {SourceVocabularySize} and target {TargetVocabularySize} tokens");
        int smallestVocabulary = Math.Min(SourceVocabularySize > 0 ? SourceVocabularySize : int.MaxValue, TargetVocabularySize > 0 ? TargetVocabularySize : int.MaxValue);
        Require(PaddingId >= 0 && PaddingId < smallestVocabulary, nameof(PaddingId), $"must be a valid token id, got {PaddingId}");
        return this;
    }

    /// <summary>The checks that need no data (widths, heads, layers, dropout, positions): what options can be checked
    /// against before any row is read.</summary>
    public void ValidateShape()
    {
        Require(ModelDimension > 0, nameof(ModelDimension), $"must be positive, got {ModelDimension}");
        Require(Heads > 0, nameof(Heads), $"must be positive, got {Heads}");
        Require(ModelDimension % Heads == 0, nameof(ModelDimension),
            $"d_model ({ModelDimension}) must be divisible by the number of heads ({Heads}) so that d_k = d_model / h is whole");
        Require(EncoderLayers >= 0 && DecoderLayers >= 0, nameof(EncoderLayers),
            $"layer counts cannot be negative, got {EncoderLayers} encoder and {DecoderLayers} decoder layers");
        Require(ResolvedFeedForwardDimension > 0, nameof(FeedForwardDimension), $"must be positive, got {ResolvedFeedForwardDimension}");
        Require(Dropout is >= 0 and < 1, nameof(Dropout), $"must be in [0, 1), got {Dropout}");
        Require(AttentionDropout is >= 0 and < 1, nameof(AttentionDropout), $"must be in [0, 1), got {AttentionDropout}");
        Require(MaxLength > 0, nameof(MaxLength), $"must be positive, got {MaxLength}");
        Require(TokenTypeVocabularySize >= 0, nameof(TokenTypeVocabularySize), $"cannot be negative, got {TokenTypeVocabularySize}");
        Require(LayerNormEpsilon > 0, nameof(LayerNormEpsilon), $"must be positive, got {LayerNormEpsilon}");
        Require(Positional is not (PositionalEncodingKind.Sinusoidal or PositionalEncodingKind.SinusoidalConcatenated) || ModelDimension % 2 == 0,
            nameof(ModelDimension), $"sinusoidal positions pair a sine with a cosine, so d_model must be even, got {ModelDimension}");
    }

    private static void Require(bool condition, string setting, string problem)
    {
        if (!condition) throw new ArgumentException($"Invalid Transformer configuration: {setting} {problem}.", setting);
    }
}
