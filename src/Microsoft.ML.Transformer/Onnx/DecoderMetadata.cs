using System.Globalization;
using Microsoft.ML.Transformer.LanguageModel;
using Microsoft.ML.Transformer.Seq2Seq;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>What the files of the generating kinds say besides <see cref="OnnxMetadata.Create"/>'s keys: the ids a
/// decoding loop starts and stops with, the most tokens the model's own decoding writes, and which file is the other
/// half of a sequence-to-sequence model.</summary>
internal static class DecoderMetadata
{
    public const string BeginOfSequenceId = "mltransformer.begin_of_sequence_id";
    public const string EndOfSequenceId = "mltransformer.end_of_sequence_id";
    public const string MaxOutputTokens = "mltransformer.max_output_tokens";
    public const string DecoderFile = "mltransformer.decoder_file";
    public const string EncoderFile = "mltransformer.encoder_file";

    /// <param name="tokenizer">The model's tokenizer (null when the export leaves it out).</param>
    public static Dictionary<string, string> LanguageModel(LanguageModelConfig config, TokenizerTransformer? tokenizer)
    {
        // the vocabulary goes once, as the tokenizer's tokens
        var metadata = OnnxMetadata.Create(LanguageModelGraph.Kind, config with { History = [], Tokenizer = config.Tokenizer with { Vocabulary = null } },
            vocabularyFingerprint: null, tokenizer);
        AddSpecialIds(metadata);
        return metadata;
    }

    /// <summary>The encoder's file (with the source tokenizer, when the pipeline holds it) and the decoder step's (with
    /// the target tokenizer), each naming the other.</summary>
    public static (Dictionary<string, string> Encoder, Dictionary<string, string> Decoder) Seq2Seq(Seq2SeqConfig config,
        TokenizerTransformer? sourceTokenizer, TokenizerTransformer? targetTokenizer, string encoderPath, string decoderPath)
    {
        Seq2SeqConfig saved = config with { History = [], TargetTokenizer = config.TargetTokenizer with { Vocabulary = null } };
        var encoder = OnnxMetadata.Create(Seq2SeqGraphs.EncoderKind, saved, vocabularyFingerprint: null, sourceTokenizer);
        encoder[DecoderFile] = Path.GetFileName(decoderPath);
        var decoder = OnnxMetadata.Create(Seq2SeqGraphs.DecoderKind, saved, vocabularyFingerprint: null, targetTokenizer);
        decoder[EncoderFile] = Path.GetFileName(encoderPath);
        decoder[MaxOutputTokens] = config.MaxOutputTokens.ToString(CultureInfo.InvariantCulture);
        AddSpecialIds(decoder);
        return (encoder, decoder);
    }

    private static void AddSpecialIds(Dictionary<string, string> metadata)
    {
        metadata[BeginOfSequenceId] = SpecialTokens.BeginOfSequence.ToString(CultureInfo.InvariantCulture);
        metadata[EndOfSequenceId] = SpecialTokens.EndOfSequence.ToString(CultureInfo.InvariantCulture);
    }
}
