using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// One decoder layer (the paper's figure 1, right): masked multi-head self-attention (position t sees positions ≤ t),
/// encoder–decoder attention (queries from the decoder, keys and values from the encoder output), and the
/// feed-forward network, each wrapped in residual + LayerNorm. A decoder-only language model leaves out the middle one.
/// </summary>
internal sealed class DecoderLayer : nn.Module
{
    private readonly MultiHeadAttention self_attn;
    private readonly MultiHeadAttention? cross_attn;
    private readonly PositionwiseFeedForward feed_forward;
    private readonly SublayerConnection self_sublayer, ff_sublayer;
    private readonly SublayerConnection? cross_sublayer;

    /// <param name="layer">This layer's index in the stack.</param>
    public DecoderLayer(TransformerConfig config, int layer, bool withCrossAttention) : base(nameof(DecoderLayer))
    {
        self_attn = new MultiHeadAttention(config.ModelDimension, config.Heads, AttentionKind.DecoderSelf, layer, config.AttentionDropout);
        self_sublayer = new SublayerConnection(config);
        if (withCrossAttention)
        {
            cross_attn = new MultiHeadAttention(config.ModelDimension, config.Heads, AttentionKind.EncoderDecoder, layer, config.AttentionDropout);
            cross_sublayer = new SublayerConnection(config);
        }
        feed_forward = new PositionwiseFeedForward(config.ModelDimension, config.ResolvedFeedForwardDimension, config.Activation);
        ff_sublayer = new SublayerConnection(config);
        RegisterComponents();
    }

    /// <param name="x">[batch, L_t, d_model]: the new target positions (all of them in training, one per step when
    /// decoding with a cache).</param>
    /// <param name="memory">[batch, L_s, d_model] encoder output; null for a decoder-only model.</param>
    /// <param name="sourceMask">Key-padding mask over the memory.</param>
    /// <param name="targetMask">Key-padding mask over the target (combined with the causal mask), or null.</param>
    public Tensor Forward(Tensor x, Tensor? memory, Tensor? sourceMask, Tensor? targetMask,
        (AttentionCache Self, AttentionCache? Cross)? cache = null)
    {
        x = self_sublayer.Forward(x, y => self_attn.Forward(y, y, targetMask, causal: true, cache?.Self));
        if (cross_attn is not null)
        {
            if (memory is null && cache?.Cross?.Keys is null)
                throw new ArgumentNullException(nameof(memory), "Encoder–decoder attention needs the encoder output.");
            x = cross_sublayer!.Forward(x, y => cross_attn.Forward(y, memory!, sourceMask, causal: false, cache?.Cross));
        }
        return ff_sublayer.Forward(x, feed_forward.forward);
    }
}
