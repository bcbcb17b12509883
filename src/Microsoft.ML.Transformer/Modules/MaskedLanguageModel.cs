using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// BERT's masked-language-model objective (Devlin et al. 2019, section 3.1) over the one encoder: token ids with some
/// positions masked → <see cref="TransformerEncoderModel"/> → hidden states, and <see cref="Logits"/>, BERT's head:
/// logits = LayerNorm(GELU(h·W + b))·Eᵀ + b_out, the projection onto the vocabulary tied to the token embedding E.
/// The head is discarded after pretraining (fine-tuning keeps the encoder, as BERT's users do): the transform lets the
/// last encoder layer stay a representation rather than a vocabulary lookup, and the bias holds the token frequencies.
/// It runs on the masked positions only, so it costs little.
/// </summary>
internal sealed class MaskedLanguageModel : nn.Module
{
    private readonly TransformerEncoderModel encoder;
    private readonly TorchSharp.Modules.Linear transform;          // BERT's cls.predictions.transform.dense
    private readonly TorchSharp.Modules.LayerNorm transform_norm;  // … .transform.LayerNorm
    private readonly TorchSharp.Modules.Parameter output_bias;     // cls.predictions.bias: one logit offset per token

    /// <param name="seed">Draws the head's weights (from a private generator, as the encoder's), so a seed fixes the run.</param>
    public MaskedLanguageModel(TransformerEncoderModel encoder, long seed) : base(nameof(MaskedLanguageModel))
    {
        this.encoder = encoder;
        TransformerConfig config = encoder.Config;
        var device = encoder.TokenTable.weight!.device;
        transform = nn.Linear(config.ModelDimension, config.ModelDimension, device: device);
        transform_norm = nn.LayerNorm(config.ModelDimension, config.LayerNormEpsilon, device: device);
        output_bias = new TorchSharp.Modules.Parameter(zeros(config.SourceVocabularySize, device: device));
        ParameterInitialization.XavierUniform(transform, seed);
        RegisterComponents();
    }

    /// <summary>Frees the head's tensors, leaving the encoder (what pretraining returns) alive.</summary>
    public void DisposeHead()
    {
        transform.Dispose();
        transform_norm.Dispose();
        output_bias.Dispose();
    }

    /// <summary>The encoder being pretrained (the whole of the model's parameters).</summary>
    public TransformerEncoderModel Encoder => encoder;

    /// <summary>[batch, L] int64 ids (masked) → last hidden states [batch, L, d_model].</summary>
    public Tensor Forward(Tensor tokenIds) => encoder.Forward(tokenIds).Hidden;

    /// <summary>Hidden states [n, d_model] → logits over the vocabulary [n, V]: the head's transform, then the token
    /// embedding (tied) plus the output bias, in the dtype of <paramref name="hidden"/> (float32).</summary>
    public Tensor Logits(Tensor hidden)
    {
        Tensor transformed = transform_norm.forward(Autocast.Restore(nn.functional.gelu(Autocast.Project(transform, hidden)), hidden));
        return Autocast.Logits(transformed, encoder.TokenTable, outputProjection: null).add(output_bias, KeptScalars.One);
    }
}
