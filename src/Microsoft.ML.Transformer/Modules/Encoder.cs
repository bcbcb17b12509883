using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>The encoder stack: N identical <see cref="EncoderLayer"/>s; with pre-LN, a final LayerNorm (otherwise
/// the last residual sum would leave the stack un-normalized).</summary>
internal sealed class Encoder : nn.Module
{
    private readonly ModuleList<EncoderLayer> layers;
    private readonly LayerNorm? final_norm;

    public Encoder(TransformerConfig config) : base(nameof(Encoder))
    {
        layers = nn.ModuleList(Enumerable.Range(0, config.EncoderLayers).Select(i => new EncoderLayer(config, i)).ToArray());
        if (config.NormFirst) final_norm = nn.LayerNorm(config.ModelDimension, config.LayerNormEpsilon);
        RegisterComponents();
    }

    /// <param name="x">Embedded source [batch, L, d_model].</param>
    /// <param name="mask">Key-padding mask, or null.</param>
    public Tensor Forward(Tensor x, Tensor? mask)
    {
        foreach (EncoderLayer layer in layers)
            x = layer.Forward(x, mask);
        return final_norm is null ? x : final_norm.forward(x);
    }
}
