using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// Hand-made mixed precision (TorchSharp 0.107 has no autocast). Inside <see cref="Enable"/>, the linear maps and the
/// attention matmuls run in a reduced dtype (bf16: AMX on recent Xeons, tensor cores on GPUs), while parameters,
/// optimizer state, residual sums, LayerNorm, softmax and the loss stay in float32. Casting the whole model to bf16
/// instead would round away small Adam updates. The setting is per thread, like <c>torch.autocast</c>, and only
/// matters while the forward pass runs (the casts are recorded for backward).
/// </summary>
internal static class Autocast
{
    [ThreadStatic]
    private static ScalarType? s_dtype;

    /// <summary>The reduced dtype in force on this thread, or null for full precision.</summary>
    public static ScalarType? Current => s_dtype;

    /// <summary>Runs the enclosed forward passes in <paramref name="dtype"/> where it is safe; null leaves full precision.</summary>
    public static IDisposable Enable(ScalarType? dtype)
    {
        ScalarType? previous = s_dtype;
        s_dtype = dtype;
        return new Restorer(previous);
    }

    /// <summary>x·Wᵀ + b: in the reduced dtype when one is in force (the output stays reduced, for the next matmul).</summary>
    public static Tensor Project(Linear layer, Tensor x) => Project(x, layer.weight!, layer.bias);

    /// <summary>x·Wᵀ + b with a weight that is not a <see cref="Linear"/>'s (a tied embedding matrix).</summary>
    public static Tensor Project(Tensor x, Tensor weight, Tensor? bias)
        => s_dtype is { } dtype
            ? nn.functional.linear(x.to(dtype), weight.to(dtype), bias?.to(dtype))
            : nn.functional.linear(x, weight, bias);

    /// <summary>The pre-softmax projection of a decoder's output (<see cref="VocabularyProjection"/>), in float32 like
    /// <paramref name="hidden"/>.</summary>
    public static Tensor Logits(Tensor hidden, VocabularyProjection projection)
        => Restore(Project(hidden, projection.Weight, projection.Bias), hidden);

    /// <summary>Back to <paramref name="like"/>'s dtype (float32) before residual adds, LayerNorm, softmax or the loss.</summary>
    public static Tensor Restore(Tensor x, Tensor like) => x.dtype == like.dtype ? x : x.to(like.dtype);

    private sealed class Restorer(ScalarType? previous) : IDisposable
    {
        public void Dispose() => s_dtype = previous;
    }
}
