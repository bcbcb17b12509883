using Microsoft.ML.Transformer.Attention;
using Microsoft.ML.Transformer.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>
/// The sequence-to-sequence side of <see cref="IAttentionSource"/>: decode the source with the transformer's own
/// decoding settings (what scoring outputs), then run the model once more, teacher-forced on [BOS] + that output, with
/// an <see cref="AttentionRecorder"/>. Without a cache this pass computes exactly the weights each decoding step saw.
/// </summary>
internal static class Seq2SeqAttention
{
    public static AttentionRecording Record(SequenceToSequenceTransformer transformer, int[] tokenIds, TextTokenizer tokenizer)
    {
        Seq2SeqConfig config = transformer.Config;
        int[] source = tokenIds.Length > config.SourceMaxLength ? tokenIds[..config.SourceMaxLength] : tokenIds;   // scoring cuts too
        AttentionInput.Check(source, config.Model.SourceVocabularySize, config.SourceMaxLength, "sequence-to-sequence model");
        EncoderDecoder model = transformer.Model;
        using var scope = NewDisposeScope();
        using var inference = no_grad();
        Device device = model.Device();
        Tensor sourceIds = AttentionInput.Row(source, device);
        int[] output = transformer.DecodeIds(sourceIds)[0].Tokens;
        int[] decoderInput = [SpecialTokens.BeginOfSequence, .. output];

        using var recorder = new AttentionRecorder();
        using (recorder.Attach(model))
        {
            var (memory, sourceMask) = model.Encode(sourceIds);
            model.Decode(AttentionInput.Row(decoderInput, device), memory, sourceMask);
        }

        string[] sourceTokens = AttentionTokens.Readable(tokenizer, source);
        string[] targetTokens = AttentionTokens.Readable(transformer.TargetTokenizer.Tokenizer, decoderInput);
        return new AttentionRecording(
        [
            AttentionRecord.FromRecorder(recorder, AttentionKind.EncoderSelf, sourceTokens, sourceTokens),
            AttentionRecord.FromRecorder(recorder, AttentionKind.DecoderSelf, targetTokens, targetTokens),
            AttentionRecord.FromRecorder(recorder, AttentionKind.EncoderDecoder, targetTokens, sourceTokens),
        ], transformer.TargetTokenizer.Decode(output));
    }
}
