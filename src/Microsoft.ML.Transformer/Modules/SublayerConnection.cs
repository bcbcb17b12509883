using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// The residual connection around every sub-layer, with its LayerNorm and dropout (the paper's sections 3.1, 5.4).
/// Post-LN (paper): LayerNorm(x + Dropout(Sublayer(x))). Pre-LN: x + Dropout(Sublayer(LayerNorm(x))).
/// </summary>
internal sealed class SublayerConnection : nn.Module
{
    private readonly LayerNorm norm;
    private readonly CounterDropout dropout;
    private readonly bool _normFirst;

    public SublayerConnection(TransformerConfig config) : base(nameof(SublayerConnection))
    {
        norm = nn.LayerNorm(config.ModelDimension, config.LayerNormEpsilon);
        dropout = new CounterDropout(config.Dropout);
        _normFirst = config.NormFirst;
        RegisterComponents();
    }

    public Tensor Forward(Tensor x, Func<Tensor, Tensor> sublayer)
        => _normFirst
            ? x.add(dropout.forward(sublayer(norm.forward(x))), KeptScalars.One)   // not x + y: see KeptScalars
            : norm.forward(x.add(dropout.forward(sublayer(x)), KeptScalars.One));
}
