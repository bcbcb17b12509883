using Microsoft.ML.Transformer.Attention;
using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Classification;

/// <summary>The classifier's side of <see cref="IAttentionSource"/>: one row through the encoder with an
/// <see cref="AttentionRecorder"/>.</summary>
internal static class ClassifierAttention
{
    public static AttentionRecord Record(TransformerClassifierModel model, int[] tokenIds, TextTokenizer tokenizer)
    {
        TransformerConfig config = model.Config;
        if (config.EncoderLayers == 0) throw new ArgumentException("The classifier has no encoder layers, so no attention.");
        AttentionInput.Check(tokenIds, config.SourceVocabularySize, config.MaxLength, "classifier");
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        using var recorder = new AttentionRecorder();
        Device device = model.Device();
        using (recorder.Attach(model)) model.Forward(AttentionInput.Row(tokenIds, device));
        string[] tokens = AttentionTokens.Readable(tokenizer, tokenIds);
        return AttentionRecord.FromRecorder(recorder, AttentionKind.EncoderSelf, tokens, tokens);
    }
}
