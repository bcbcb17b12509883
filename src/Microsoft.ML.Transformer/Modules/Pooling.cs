using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>Sequence [batch, L, d] → one vector per row [batch, d], ignoring padding (isToken: [batch, L] bool).
/// A row without tokens pools to zeros.</summary>
internal static class Pooling
{
    public static Tensor Apply(ClassifierPooling kind, Tensor hidden, Tensor isToken) => kind switch
    {
        ClassifierPooling.ClassToken => hidden.select(1, 0),
        ClassifierPooling.Max => Max(hidden, isToken),
        _ => Mean(hidden, isToken),
    };

    public static Tensor Mean(Tensor hidden, Tensor isToken)
    {
        using var scope = NewDisposeScope();
        Tensor weights = isToken.unsqueeze(-1).to(hidden.dtype);                 // [batch, L, 1]
        Tensor counts = weights.sum(1).clamp_min(KeptScalars.One);                              // [batch, 1]
        return (hidden * weights).sum(1).div_(counts).MoveToOuterDisposeScope();
    }

    public static Tensor Max(Tensor hidden, Tensor isToken)
    {
        using var scope = NewDisposeScope();
        Tensor padding = isToken.logical_not().unsqueeze(-1);
        Tensor maximum = hidden.masked_fill(padding, KeptScalars.NegativeInfinity).amax([1]);
        Tensor empty = isToken.any(1).logical_not().unsqueeze(-1);
        return maximum.masked_fill(empty, KeptScalars.Zero).MoveToOuterDisposeScope();
    }
}
