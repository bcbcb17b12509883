using Microsoft.ML.Transformer.Modules;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// TorchSharp's own <c>nn.TransformerEncoderLayer</c> (libtorch's C++ layer: post-LN, ReLU, sequence-first
/// [L, batch, d_model], key padding mask true = IGNORE) holding the same weights as one of our
/// <see cref="EncoderLayer"/>s, so that both compute the same function and their outputs can be compared.
/// </summary>
internal static class BuiltInEncoderLayer
{
    public static TransformerEncoderLayer CopyOf(EncoderLayer ours, TransformerConfig config)
    {
        if (config.NormFirst || config.Activation != FeedForwardActivation.Relu)
            throw new ArgumentException("The built-in layer is compared in its post-LN, ReLU form only.", nameof(config));
        TransformerEncoderLayer layer = nn.TransformerEncoderLayer(
            config.ModelDimension, config.Heads, config.ResolvedFeedForwardDimension, config.Dropout);
        Dictionary<string, Tensor> source = ours.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        Tensor Stacked(string suffix) => cat([.. "qkv".Select(c => source[$"self_attn.w_{c}.{suffix}"])], 0);   // in_proj = [W_q; W_k; W_v]
        var sources = new Dictionary<string, Func<Tensor>>
        {
            ["self_attn.in_proj_weight"] = () => Stacked("weight"),
            ["self_attn.in_proj_bias"] = () => Stacked("bias"),
            ["self_attn.out_proj.weight"] = () => source["self_attn.w_o.weight"],
            ["self_attn.out_proj.bias"] = () => source["self_attn.w_o.bias"],
            ["linear1.weight"] = () => source["feed_forward.w_1.weight"],
            ["linear1.bias"] = () => source["feed_forward.w_1.bias"],
            ["linear2.weight"] = () => source["feed_forward.w_2.weight"],
            ["linear2.bias"] = () => source["feed_forward.w_2.bias"],
            ["norm1.weight"] = () => source["attn_sublayer.norm.weight"],
            ["norm1.bias"] = () => source["attn_sublayer.norm.bias"],
            ["norm2.weight"] = () => source["ff_sublayer.norm.weight"],
            ["norm2.bias"] = () => source["ff_sublayer.norm.bias"],
        };
        using (no_grad())
        using (NewDisposeScope())
        {
            var targets = layer.named_parameters().ToList();
            if (targets.Count != sources.Count || targets.Any(t => !sources.ContainsKey(t.name)))
                throw new InvalidOperationException("Unexpected parameters in TorchSharp's TransformerEncoderLayer: " +
                    string.Join(", ", targets.Select(t => t.name)));
            foreach (var (name, parameter) in targets) parameter.copy_(sources[name]());
        }
        return layer;
    }
}
