using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;
using DataType = Microsoft.ML.Transformer.Onnx.Schema.TensorProto.Types.DataType;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>
/// <see cref="EncoderDecoder"/> as two graphs, as <see cref="Seq2Seq.GreedySearch"/> and beam search run it: the
/// encoder, once per source, and the decoder step (<see cref="DecoderStepGraph"/>), once per generated token.
/// Encoder: <c>input_ids</c> [batch, sequence] int64 (source ids, padded with the padding id) → <c>memory</c>
/// [batch, sequence, d_model], <c>source_mask</c> [batch, sequence] bool (the keys attended: the tokens, or the first
/// position of a row of padding alone) and, for each decoder layer i, <c>cross_key_i</c> and <c>cross_value_i</c>
/// [batch, h, sequence, d_k]: the memory through that layer's encoder–decoder W^K and W^V, computed once per source as
/// the model's cache does. Decoder step: those (less the memory) and the step's inputs → <c>logits</c> and the presents.
/// </summary>
internal static class Seq2SeqGraphs
{
    public const string EncoderKind = "seq2seq_encoder", DecoderKind = "seq2seq_decoder";

    public const string Memory = "memory", SourceMask = "source_mask";

    /// <summary>The source axis of the decoder step's inputs.</summary>
    public const string Source = "source";

    public static string CrossKey(int layer) => $"cross_key_{layer}";

    public static string CrossValue(int layer) => $"cross_value_{layer}";

    /// <summary>The decoder step's file beside the encoder's: <c>model.onnx</c> → <c>model.decoder.onnx</c>.</summary>
    public static string DecoderPath(string encoderPath)
        => Path.Combine(Path.GetDirectoryName(encoderPath) ?? "",
            Path.GetFileNameWithoutExtension(encoderPath) + ".decoder" + Path.GetExtension(encoderPath));

    public static (OnnxGraph Encoder, OnnxGraph Decoder) Write(TransformerConfig config, List<TensorData> state)
    {
        // One set for both graphs: between them they must use every weight.
        var weights = new TensorSet(state, "ONNX export of the sequence-to-sequence model");
        var model = new ModuleWeights(weights);
        ModuleWeights decoderLayers = model.Child("decoder").Child("layers");
        int layers = config.DecoderLayers, heads = config.Heads, headWidth = config.HeadDimension;
        const string batch = EncoderGraph.Batch, sequence = EncoderGraph.Sequence;

        var encoder = new OnnxGraph(EncoderKind);
        EncoderGraph.EncodedSequence source = EncoderGraph.Write(encoder, EncoderGraph.Input(encoder), config, model, "source_embedding");
        encoder.Output(source.Hidden, Memory, DataType.Float, batch, sequence, config.ModelDimension);
        encoder.Output(source.Attended, SourceMask, DataType.Bool, batch, sequence);
        for (int i = 0; i < layers; i++)
        {
            ModuleWeights attention = decoderLayers.Child($"{i}").Child("cross_attn");
            encoder.Output(AttentionGraph.Heads(encoder, source.Hidden, attention.Child("w_k"), config), CrossKey(i), DataType.Float, batch, heads, sequence, headWidth);
            encoder.Output(AttentionGraph.Heads(encoder, source.Hidden, attention.Child("w_v"), config), CrossValue(i), DataType.Float, batch, heads, sequence, headWidth);
        }

        var decoder = new OnnxGraph(DecoderKind);
        string keyBias = EncoderGraph.KeyBias(decoder, decoder.Input(SourceMask, DataType.Bool, batch, Source));
        DecoderLayerGraph.CrossAttention[] cross = [.. Enumerable.Range(0, layers).Select(i => new DecoderLayerGraph.CrossAttention(keyBias,
            AttentionGraph.Transposed(decoder, decoder.Input(CrossKey(i), DataType.Float, batch, heads, Source, headWidth)),
            decoder.Input(CrossValue(i), DataType.Float, batch, heads, Source, headWidth)))];
        DecoderStepGraph.Write(decoder, config, model, "target_embedding", cross);
        weights.EnsureAllTaken();
        return (encoder, decoder);
    }
}
