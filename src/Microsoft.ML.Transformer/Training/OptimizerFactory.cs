using TorchSharp;
using static TorchSharp.torch;
using TorchSharp.Modules;

namespace Microsoft.ML.Transformer.Training;

/// <summary>AdamW over a model, with weight decay on weight matrices only (<see cref="Training.AdamW"/>: TorchSharp's
/// update with its scalars kept alive).</summary>
internal static class OptimizerFactory
{
    /// <summary>Decay applies to parameters with two or more dimensions except embedding tables: decaying biases,
    /// LayerNorm gains or rarely seen tokens' vectors toward zero only hurts (the usual BERT/GPT practice).</summary>
    public static AdamW AdamW(nn.Module model, TransformerTrainingOptions options)
    {
        var decayed = new List<Parameter>();
        var plain = new List<Parameter>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!parameter.requires_grad) continue;
            bool isMatrix = parameter.dim() >= 2 && !name.Contains("embedding", StringComparison.OrdinalIgnoreCase);
            (isMatrix ? decayed : plain).Add(parameter);
        }
        var groups = new List<TorchSharp.Modules.AdamW.ParamGroup>
        {
            new(decayed, options.EffectiveLearningRate, options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon, options.WeightDecay, false, false),
            new(plain, options.EffectiveLearningRate, options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon, 0, false, false),
        };
        return new AdamW(groups, options.EffectiveLearningRate, options.AdamBeta1, options.AdamBeta2, options.AdamEpsilon, options.WeightDecay);
    }
}
