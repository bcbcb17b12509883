using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>Sequence → one vector per row, ignoring padding.</summary>
internal static class Pooling
{
    /// <summary>Mean over the non-padding positions: [batch, L, d] and a [batch, L] "is token" mask → [batch, d].
    /// A row without tokens pools to zeros.</summary>
    public static Tensor Mean(Tensor hidden, Tensor isToken)
    {
        using var scope = NewDisposeScope();
        Tensor weights = isToken.unsqueeze(-1).to(hidden.dtype);                 // [batch, L, 1]
        Tensor counts = weights.sum(1).clamp_min(1);                              // [batch, 1]
        return (hidden * weights).sum(1).div_(counts).MoveToOuterDisposeScope();
    }
}
