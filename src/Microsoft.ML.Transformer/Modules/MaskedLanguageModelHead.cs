using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// BERT's masked-language-model head (<c>cls.predictions</c>, Devlin et al. 2019): hidden states → logits over the
/// vocabulary, LayerNorm(GELU(h·W + b))·Eᵀ + b_out, the projection tied to the token embedding E (given at each call,
/// so that it stays the encoder's parameter only). The transform maps the hidden width to E's (d_model): ELECTRA's
/// smaller generator uses it to reach the embedding it shares with the discriminator. The bias holds the token frequencies.
/// </summary>
internal sealed class MaskedLanguageModelHead : nn.Module
{
    private readonly TorchSharp.Modules.Linear transform;          // cls.predictions.transform.dense
    private readonly TorchSharp.Modules.LayerNorm transform_norm;  // … .transform.LayerNorm
    private readonly TorchSharp.Modules.Parameter output_bias;     // cls.predictions.bias: one logit offset per token

    /// <param name="inputDimension">Width of the hidden states read (d_model for BERT; the generator's for ELECTRA).</param>
    /// <param name="config">The embedding's shape: d_model, the vocabulary size, the LayerNorm epsilon.</param>
    /// <param name="seed">Draws the transform's weights (from a private generator), so a seed fixes the run.</param>
    public MaskedLanguageModelHead(int inputDimension, TransformerConfig config, Device device, long seed) : base(nameof(MaskedLanguageModelHead))
    {
        transform = nn.Linear(inputDimension, config.ModelDimension, device: device);
        transform_norm = nn.LayerNorm(config.ModelDimension, config.LayerNormEpsilon, device: device);
        output_bias = new TorchSharp.Modules.Parameter(zeros(config.SourceVocabularySize, device: device));
        ParameterInitialization.Initialize(transform, seed);
        RegisterComponents();
    }

    /// <summary>Hidden states [n, width] → logits over the vocabulary [n, V] through <paramref name="tokenTable"/> (tied),
    /// in the dtype of <paramref name="hidden"/> (float32).</summary>
    public Tensor Logits(Tensor hidden, TorchSharp.Modules.Embedding tokenTable)
    {
        Tensor transformed = transform_norm.forward(Autocast.Restore(nn.functional.gelu(Autocast.Project(transform, hidden)), hidden));
        return Autocast.Logits(transformed, VocabularyProjection.Of(tokenTable, null)).add(output_bias, KeptScalars.One);
    }
}
