using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// The fixed position table of the paper's section 3.5: PE(pos, 2i) = sin(pos / 10000^(2i/d_model)),
/// PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model)). Each dimension pair is a sinusoid whose wavelength grows
/// geometrically from 2π to 10000·2π, so PE(pos + k) is a linear function of PE(pos).
/// </summary>
internal static class SinusoidalPositions
{
    /// <summary>The table [maxLength, dModel], computed in float64 and returned as <paramref name="dtype"/>.</summary>
    /// <param name="concatenated">false: sin and cos interleaved (the paper). true: all sines then all cosines
    /// (tensor2tensor's layout, pictured in the Illustrated Transformer), same frequencies.</param>
    public static Tensor Table(int maxLength, int dModel, bool concatenated, ScalarType dtype = ScalarType.Float32)
    {
        if (dModel % 2 != 0) throw new ArgumentException($"Sinusoidal positions need an even d_model, got {dModel}.", nameof(dModel));
        using var scope = NewDisposeScope();
        Tensor position = arange(maxLength, dtype: ScalarType.Float64).unsqueeze(1);                     // [L, 1]
        Tensor twoI = arange(0, dModel, 2, dtype: ScalarType.Float64);                                   // 2i
        Tensor angle = position / pow(10000.0, twoI / dModel);                                           // pos / 10000^(2i/d)
        Tensor table = concatenated
            ? cat([angle.sin(), angle.cos()], 1)                                                         // [sin… | cos…]
            : stack([angle.sin(), angle.cos()], 2).reshape(maxLength, dModel);                           // sin, cos, sin, cos…
        return table.to(dtype).MoveToOuterDisposeScope();
    }
}
