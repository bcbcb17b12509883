using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>One encoder layer (the paper's figure 1, left): multi-head self-attention, then the position-wise
/// feed-forward network, each wrapped in residual + LayerNorm. [batch, L, d_model] → [batch, L, d_model].</summary>
internal sealed class EncoderLayer : nn.Module
{
    private readonly MultiHeadAttention self_attn;
    private readonly PositionwiseFeedForward feed_forward;
    private readonly SublayerConnection attn_sublayer, ff_sublayer;

    /// <param name="layer">This layer's index in the stack.</param>
    public EncoderLayer(TransformerConfig config, int layer) : base(nameof(EncoderLayer))
    {
        self_attn = new MultiHeadAttention(config.ModelDimension, config.Heads, AttentionKind.EncoderSelf, layer, config.AttentionDropout);
        feed_forward = new PositionwiseFeedForward(config.ModelDimension, config.ResolvedFeedForwardDimension, config.Activation);
        attn_sublayer = new SublayerConnection(config);
        ff_sublayer = new SublayerConnection(config);
        RegisterComponents();
    }

    /// <param name="x">[batch, L, d_model].</param>
    /// <param name="mask">Key-padding mask (see <see cref="AttentionMasks.KeyPadding"/>), or null.</param>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        x = attn_sublayer.Forward(x, y => self_attn.Forward(y, y, mask));
        return ff_sublayer.Forward(x, feed_forward.forward);
    }
}
