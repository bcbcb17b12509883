using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>The decoder stack: N identical <see cref="DecoderLayer"/>s (with or without encoder–decoder attention);
/// with pre-LN, a final LayerNorm.</summary>
internal sealed class Decoder : nn.Module
{
    private readonly ModuleList<DecoderLayer> layers;
    private readonly LayerNorm? final_norm;

    public Decoder(TransformerConfig config, bool withCrossAttention) : base(nameof(Decoder))
    {
        WithCrossAttention = withCrossAttention;
        layers = nn.ModuleList(Enumerable.Range(0, config.DecoderLayers).Select(i => new DecoderLayer(config, i, withCrossAttention)).ToArray());
        if (config.NormFirst) final_norm = nn.LayerNorm(config.ModelDimension, config.LayerNormEpsilon);
        RegisterComponents();
    }

    public bool WithCrossAttention { get; }

    /// <summary>An empty cache for incremental decoding with this stack.</summary>
    public DecoderCache NewCache() => new(layers.Count, WithCrossAttention);

    /// <param name="x">Embedded target positions [batch, L_t, d_model] (only the new ones when a cache is given).</param>
    /// <param name="memory">Encoder output [batch, L_s, d_model]; null for decoder-only, or once the cache holds it.</param>
    public Tensor Forward(Tensor x, Tensor? memory, Tensor? sourceMask, Tensor? targetMask,
        DecoderCache? cache = null)
    {
        for (int i = 0; i < layers.Count; i++)
            x = layers[i].Forward(x, memory, sourceMask, targetMask, cache?[i]);
        return final_norm is null ? x : final_norm.forward(x);
    }
}
