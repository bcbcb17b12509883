using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// A decoder-only Transformer language model (the generator of Bloem's "Transformers from scratch"; nanoGPT's GPT): token embedding · √d_model +
/// positions → N decoder layers with causal self-attention and no encoder–decoder attention → linear projection to
/// next-token logits. Position t sees positions ≤ t only, so one pass trains every position at once.
/// </summary>
internal sealed class DecoderOnlyModel : nn.Module
{
    private readonly TransformerEmbedding embedding;
    private readonly Decoder decoder;
    private readonly Linear? output_projection;    // null when tied to the token embedding

    public DecoderOnlyModel(TransformerConfig config, long seed) : base(nameof(DecoderOnlyModel))
    {
        Config = config.Validate();
        if (config.DecoderLayers == 0 || config.EncoderLayers != 0)
            throw new ArgumentException("A decoder-only model needs decoder layers and no encoder layers.", nameof(config));
        embedding = new TransformerEmbedding(config.TargetVocabularySize, config);
        decoder = new Decoder(config, withCrossAttention: false);
        if (!config.TieOutputProjection) output_projection = nn.Linear(config.ModelDimension, config.TargetVocabularySize);
        RegisterComponents();
        ParameterInitialization.Initialize(this, seed, config.EmbeddingInitialization);
    }

    public TransformerConfig Config { get; }

    /// <summary>Token ids [batch, L] → decoder output [batch, L, d_model] (<see cref="Logits"/> projects it, a slice at a
    /// time in the chunked vocabulary loss). With a cache, <paramref name="tokenIds"/> holds only the new positions and
    /// continues from the cached ones.</summary>
    public Tensor Forward(Tensor tokenIds, DecoderCache? cache = null)
    {
        Tensor x = embedding.Forward(tokenIds, cache?.Length ?? 0);
        return decoder.Forward(x, memory: null, sourceMask: null, targetMask: null, cache);
    }

    /// <summary>Decoder output [..., d_model] → next-token logits [..., V] in float32.</summary>
    public Tensor Logits(Tensor hidden) => Autocast.Logits(hidden, Projection);

    /// <summary>What <see cref="Logits"/> multiplies by: the parameters the fused vocabulary loss differentiates.</summary>
    public VocabularyProjection Projection => VocabularyProjection.Of(embedding.TokenTable, output_projection);

    public DecoderCache NewCache() => decoder.NewCache();
}
