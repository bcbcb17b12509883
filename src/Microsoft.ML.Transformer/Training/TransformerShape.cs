using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer;

/// <summary>
/// The shape of the Transformer a trainer builds: d_model, h, N, d_ff, activation, dropout, positions and where
/// LayerNorm sits. Every trainer's options hold one (<c>Shape</c>) with that trainer's defaults already set, so change
/// single settings with a nested initializer — <c>Shape = { ModelDimension = 256, Layers = 4 }</c> — to keep the rest.
/// The data decides the rest of the model (vocabulary sizes, max_len). Checked when the estimator is created.
/// </summary>
public sealed record TransformerShape
{
    /// <summary>d_model: the width of every embedding and sub-layer output.</summary>
    public int ModelDimension { get; set; } = 128;

    /// <summary>h: attention heads; d_model must be divisible by it (d_k = d_model / h).</summary>
    public int Heads { get; set; } = 4;

    /// <summary>N: the layers of the stack (the encoder's for a classifier or a sequence-to-sequence model, the decoder's
    /// for a language model).</summary>
    public int Layers { get; set; } = 2;

    /// <summary>Sequence-to-sequence only: decoder layers when they differ from <see cref="Layers"/>. Default null: as many as
    /// the encoder (the paper's N = 6 for both).</summary>
    public int? DecoderLayers { get; set; }

    /// <summary>d_ff, the feed-forward inner width. Default null: 4 · d_model.</summary>
    public int? FeedForwardDimension { get; set; }

    /// <summary>The feed-forward non-linearity. Default <see cref="FeedForwardActivation.Relu"/> (the paper's).</summary>
    public FeedForwardActivation Activation { get; set; } = FeedForwardActivation.Relu;

    /// <summary>P_drop on sub-layer outputs and on embeddings + positions (and a classifier's pooled vector). Default 0.1.</summary>
    public double Dropout { get; set; } = 0.1;

    /// <summary>Dropout on attention weights. Default 0 (anything else slows CPU attention about 2×).</summary>
    public double AttentionDropout { get; set; }

    /// <summary>Position information. Default <see cref="PositionalEncodingKind.Sinusoidal"/> (the paper's).</summary>
    public PositionalEncodingKind Positional { get; set; } = PositionalEncodingKind.Sinusoidal;

    /// <summary>Pre-LN, x + Sublayer(LayerNorm(x)) (true), instead of the paper's post-LN. Default false.</summary>
    public bool NormFirst { get; set; }

    /// <summary>How the token embedding table is drawn before training. Default <see cref="EmbeddingInitialization.XavierUniform"/>;
    /// <see cref="EmbeddingInitialization.Normal"/> (unit variance after the √d_model scale) put Multi30k translation
    /// about 7 points of validation token accuracy ahead after its first epochs, level by the sixth (docs/seq2seq.md).
    /// Ignored with an initial encoder, whose weights are loaded.</summary>
    public EmbeddingInitialization EmbeddingInitialization { get; set; }

    /// <summary>The model configuration of this shape for <paramref name="stacks"/>; the caller adds what the data decides
    /// (vocabulary sizes, max_len, tying) with <c>with { … }</c>.</summary>
    internal TransformerConfig ToConfig(TransformerStacks stacks) => new()
    {
        ModelDimension = ModelDimension,
        Heads = Heads,
        EncoderLayers = stacks == TransformerStacks.Decoder ? 0 : Layers,
        DecoderLayers = stacks switch { TransformerStacks.Encoder => 0, TransformerStacks.Decoder => Layers, _ => DecoderLayers ?? Layers },
        FeedForwardDimension = FeedForwardDimension,
        Activation = Activation,
        Dropout = Dropout,
        AttentionDropout = AttentionDropout,
        Positional = Positional,
        NormFirst = NormFirst,
        EmbeddingInitialization = EmbeddingInitialization,
        PaddingId = SpecialTokens.Pad,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting a model of <paramref name="stacks"/> cannot have.</summary>
    internal void Validate(TransformerStacks stacks)
    {
        if (Layers < 1) throw new ArgumentException($"Shape.Layers must be at least 1, got {Layers}.", nameof(Layers));
        if (DecoderLayers is not null && stacks != TransformerStacks.EncoderDecoder)
            throw new ArgumentException("Shape.DecoderLayers applies to sequence-to-sequence models only; set Layers.", nameof(DecoderLayers));
        if (DecoderLayers is < 1) throw new ArgumentException($"Shape.DecoderLayers must be at least 1, got {DecoderLayers}.", nameof(DecoderLayers));
        ToConfig(stacks).ValidateShape();
    }
}

/// <summary>Which stacks a model has: an encoder (classifier, features), a decoder (language model) or both.</summary>
internal enum TransformerStacks
{
    Encoder,
    Decoder,
    EncoderDecoder,
}
