using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// The pre-softmax linear map of a model's last hidden states to vocabulary logits, z = h · Wᵀ + b: the token embedding
/// matrix when tied (section 3.4; no bias), else the output projection's weight and bias. The fused vocabulary loss
/// reads the parameters themselves, to work out their gradients.
/// </summary>
/// <param name="Weight">[V, d_model], a parameter.</param>
/// <param name="Bias">[V], a parameter, or null.</param>
internal readonly record struct VocabularyProjection(Tensor Weight, Tensor? Bias)
{
    public static VocabularyProjection Of(TorchSharp.Modules.Embedding tokenTable, TorchSharp.Modules.Linear? outputProjection)
        => outputProjection is null ? new(tokenTable.weight!, null) : new(outputProjection.weight!, outputProjection.bias);
}
