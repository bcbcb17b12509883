using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// The paper's full model (figure 1): source embedding → encoder stack; target embedding → decoder stack attending to
/// the encoder output → linear projection to target-vocabulary logits (softmax is left to the loss or the decoder).
/// </summary>
internal sealed class EncoderDecoder : nn.Module
{
    private readonly TransformerEmbedding source_embedding, target_embedding;
    private readonly Encoder encoder;
    private readonly Decoder decoder;
    private readonly Linear? output_projection;    // null when tied to the target embedding

    public EncoderDecoder(TransformerConfig config, long seed) : base(nameof(EncoderDecoder))
    {
        Config = config.Validate();
        if (config.EncoderLayers == 0 || config.DecoderLayers == 0)
            throw new ArgumentException("An encoder–decoder model needs encoder and decoder layers.", nameof(config));
        source_embedding = new TransformerEmbedding(config.SourceVocabularySize, config);
        target_embedding = new TransformerEmbedding(config.TargetVocabularySize, config,
            config.ShareSourceTargetEmbeddings ? source_embedding.TokenTable : null);
        encoder = new Encoder(config);
        decoder = new Decoder(config, withCrossAttention: true);
        if (!config.TieOutputProjection) output_projection = nn.Linear(config.ModelDimension, config.TargetVocabularySize);
        RegisterComponents();
        ParameterInitialization.Initialize(this, seed, config.EmbeddingInitialization);
    }

    public TransformerConfig Config { get; }

    // Decode and Forward stop at the decoder output: the chunked vocabulary loss projects it to logits a slice at a time.

    /// <summary>Source token ids [batch, L_s] → (memory [batch, L_s, d_model], source key-padding mask).</summary>
    public (Tensor Memory, Tensor SourceMask) Encode(Tensor sourceIds)
    {
        Tensor sourceMask = AttentionMasks.KeyPadding(sourceIds, Config.PaddingId);
        return (encoder.Forward(source_embedding.Forward(sourceIds), sourceMask), sourceMask);
    }

    /// <summary>Target ids [batch, L_t] (shifted right: starting with [BOS]) → decoder output [batch, L_t, d_model].
    /// With a cache, <paramref name="targetIds"/> holds only the new positions.</summary>
    public Tensor Decode(Tensor targetIds, Tensor? memory, Tensor sourceMask, DecoderCache? cache = null)
    {
        Tensor x = target_embedding.Forward(targetIds, cache?.Length ?? 0);
        return decoder.Forward(x, memory, sourceMask, targetMask: null, cache);
    }

    /// <summary>Teacher-forced pass: the decoder output for every target position.</summary>
    public Tensor Forward(Tensor sourceIds, Tensor targetIds)
    {
        var (memory, sourceMask) = Encode(sourceIds);
        return Decode(targetIds, memory, sourceMask);
    }

    public DecoderCache NewCache() => decoder.NewCache();

    /// <summary>Decoder output [..., d_model] → target-vocabulary logits [..., V] in float32 (the loss and the decoder's
    /// softmax need full precision).</summary>
    public Tensor Logits(Tensor hidden) => Autocast.Logits(hidden, Projection);

    /// <summary>What <see cref="Logits"/> multiplies by: the parameters the fused vocabulary loss differentiates.</summary>
    public VocabularyProjection Projection => VocabularyProjection.Of(target_embedding.TokenTable, output_projection);
}
