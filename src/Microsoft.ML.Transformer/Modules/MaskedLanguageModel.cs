using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// BERT's masked-language-model objective (Devlin et al. 2019, section 3.1) over the one encoder: token ids with some
/// positions masked → <see cref="TransformerEncoderModel"/> → hidden states, and <see cref="Logits"/>, a projection onto
/// the vocabulary tied to the token embedding (logits = h · Eᵀ). The head is the tied projection alone, without BERT's
/// dense + GELU + LayerNorm transform and output bias: it adds no parameter, so what pretraining learns is all in the
/// encoder that fine-tuning keeps, and it is the smallest head that trains (ELECTRA's generator and the language model
/// here tie the same way).
/// </summary>
internal sealed class MaskedLanguageModel : nn.Module
{
    private readonly TransformerEncoderModel encoder;

    public MaskedLanguageModel(TransformerEncoderModel encoder) : base(nameof(MaskedLanguageModel))
    {
        this.encoder = encoder;
        RegisterComponents();
    }

    /// <summary>The encoder being pretrained (the whole of the model's parameters).</summary>
    public TransformerEncoderModel Encoder => encoder;

    /// <summary>[batch, L] int64 ids (masked) → last hidden states [batch, L, d_model].</summary>
    public Tensor Forward(Tensor tokenIds) => encoder.Forward(tokenIds).Hidden;

    /// <summary>Hidden states [n, d_model] → logits over the vocabulary [n, V] through the token embedding (tied), in
    /// the dtype of <paramref name="hidden"/> (float32).</summary>
    public Tensor Logits(Tensor hidden) => Autocast.Logits(hidden, encoder.TokenTable, outputProjection: null);
}
