using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// Glorot/Xavier uniform initialization of every weight matrix (as the Annotated Transformer does), except token
/// embedding tables when <see cref="EmbeddingInitialization.Normal"/> is asked for; zero biases, LayerNorm at identity —
/// drawn from a private generator so that a seed fixes the model without touching libtorch's global random state.
/// </summary>
internal static class ParameterInitialization
{
    public static void Initialize(nn.Module module, long seed, EmbeddingInitialization tokenTables = EmbeddingInitialization.XavierUniform)
    {
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)seed);
        var layerNorms = module.named_modules().Where(m => m.module is TorchSharp.Modules.LayerNorm).Select(m => m.name).ToHashSet();
        foreach (var (name, parameter) in module.named_parameters())
        {
            if (tokenTables == EmbeddingInitialization.Normal && IsTokenTable(name))
            {
                // N(0, 1/d_model): unit variance once TransformerEmbedding multiplies by √d_model
                using Tensor normal = randn(parameter.shape, parameter.dtype, parameter.device, generator: generator);
                using Scalar std = 1.0 / Math.Sqrt(parameter.shape[1]);
                parameter.copy_(normal.mul_(std));
            }
            else if (parameter.dim() > 1)
            {
                // U(−a, a), a = √(6 / (fan_in + fan_out)); for a [out, in] matrix fan_in = in, fan_out = out.
                double bound = Math.Sqrt(6.0 / (parameter.shape[0] + parameter.shape[1]));
                // (nn.init.uniform_ ignores its generator argument in TorchSharp 0.107; torch.rand honours it.)
                using Tensor uniform = rand(parameter.shape, parameter.dtype, parameter.device, generator: generator);
                using Scalar width = 2 * bound, shift = bound;   // alive through the native calls (KeptScalars says why)
                parameter.copy_(uniform.mul_(width).sub_(shift));
            }
            else if (IsBias(name) && !layerNorms.Contains(Owner(name)))
                parameter.zero_();
            // LayerNorm gains and biases start at identity (1, 0) by construction.
        }
    }

    private static bool IsTokenTable(string name) => Is(name, $"{TransformerEmbedding.TokenTableName}.weight");

    private static bool IsBias(string name) => Is(name, "bias");

    // Whether a parameter's dotted name ends in the component path `leaf`; a module's own parameters have bare names
    // ("bias" when the module is itself a Linear).
    private static bool Is(string name, string leaf) => name == leaf || name.EndsWith($".{leaf}", StringComparison.Ordinal);

    private static string Owner(string name) => name.Contains('.') ? name[..name.LastIndexOf('.')] : "";
}
