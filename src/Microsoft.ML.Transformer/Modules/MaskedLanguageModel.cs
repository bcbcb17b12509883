using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// BERT's masked-language-model objective (Devlin et al. 2019, section 3.1) over the one encoder: token ids with some
/// positions masked → <see cref="TransformerEncoderModel"/> → hidden states, and <see cref="Logits"/>, BERT's head
/// (<see cref="MaskedLanguageModelHead"/>, tied to the token embedding). The head is discarded after pretraining
/// (fine-tuning keeps the encoder, as BERT's users do): its transform lets the last encoder layer stay a representation
/// rather than a vocabulary lookup. It runs on the masked positions only, so it costs little.
/// </summary>
internal sealed class MaskedLanguageModel : nn.Module
{
    private readonly TransformerEncoderModel encoder;
    private readonly MaskedLanguageModelHead predictions;   // BERT's cls.predictions

    /// <param name="seed">Draws the head's weights (from a private generator, as the encoder's), so a seed fixes the run.</param>
    public MaskedLanguageModel(TransformerEncoderModel encoder, long seed) : base(nameof(MaskedLanguageModel))
    {
        this.encoder = encoder;
        predictions = new MaskedLanguageModelHead(encoder.Config.ModelDimension, encoder.Config, encoder.TokenTable.weight!.device, seed);
        RegisterComponents();
    }

    /// <summary>Frees the head's tensors, leaving the encoder (what pretraining returns) alive.</summary>
    public void DisposeHead() => predictions.Dispose();

    /// <summary>The encoder being pretrained (the whole of the model's parameters but the head's).</summary>
    public TransformerEncoderModel Encoder => encoder;

    /// <summary>[batch, L] int64 ids (masked) → last hidden states [batch, L, d_model].</summary>
    public Tensor Forward(Tensor tokenIds) => encoder.Forward(tokenIds).Hidden;

    /// <summary>Hidden states [n, d_model] → logits over the vocabulary [n, V], in the dtype of <paramref name="hidden"/> (float32).</summary>
    public Tensor Logits(Tensor hidden) => predictions.Logits(hidden, encoder.TokenTable);
}
