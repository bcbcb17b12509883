using Microsoft.ML.Transformer.Modules;
using static Microsoft.ML.Transformer.Onnx.OnnxGraph;
using DataType = Microsoft.ML.Transformer.Onnx.Schema.TensorProto.Types.DataType;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary><see cref="TransformerEncoderModel"/> as a graph: token ids → embedding → N encoder layers (→ the final
/// LayerNorm of pre-LN). As in the model, padding is recognised by its id: the padding id is masked wherever it appears
/// as a key, and a row of padding alone attends to its first position so that softmax stays finite.</summary>
internal static class EncoderGraph
{
    public const string InputIds = "input_ids", Batch = "batch", Sequence = "sequence";

    /// <summary>The graph input <c>input_ids</c>: [batch, sequence] int64, both axes dynamic.</summary>
    public static string Input(OnnxGraph graph) => graph.Input(InputIds, DataType.Int64, Batch, Sequence);

    /// <param name="Hidden">[batch, sequence, d_model].</param>
    /// <param name="IsToken">[batch, sequence] bool: not the padding id.</param>
    /// <param name="NoToken">[batch, 1] bool: a row of padding alone.</param>
    /// <param name="Attended">[batch, sequence] bool: the keys attended (<see cref="EncoderGraph.Attended"/>).</param>
    public sealed record EncodedSequence(string Hidden, string IsToken, string NoToken, string Attended);

    /// <param name="ids">[batch, sequence] int64.</param>
    /// <param name="embeddingName">The embedding's module in the state (a sequence-to-sequence model's <c>source_embedding</c>).</param>
    public static EncodedSequence Write(OnnxGraph graph, string ids, TransformerConfig config, ModuleWeights model, string embeddingName = "embedding")
    {
        string isToken = graph.Add("Not", graph.Add("Equal", [ids, graph.Int64s([config.PaddingId], scalar: true)]));
        string tokenCount = graph.Add("ReduceSum", [graph.Add("Cast", isToken, Attribute("to", (long)DataType.Int64)), graph.Int64s([1])],
            Attribute("keepdims", 1L));
        string noToken = graph.Add("Equal", [tokenCount, graph.Int64s([0], scalar: true)]);
        string attended = Attended(graph, isToken, noToken);
        string keyBias = KeyBias(graph, attended);

        string x = EmbeddingGraph.Write(graph, ids, config, model.Child(embeddingName), config.SourceVocabularySize);
        ModuleWeights encoder = model.Child("encoder");
        for (int i = 0; i < config.EncoderLayers; i++)
            x = EncoderLayerGraph.Write(graph, x, keyBias, config, encoder.Child($"layers.{i}"));
        if (config.NormFirst) x = OnnxLayers.LayerNorm(graph, x, encoder.Child("final_norm"), config);
        return new(x, isToken, noToken, attended);
    }

    /// <summary><see cref="AttentionMasks.KeyPadding"/>: [batch, sequence] bool, true where a key is attended (a token,
    /// or the first position of a row of padding alone).</summary>
    public static string Attended(OnnxGraph graph, string isToken, string noToken)
    {
        string axis1 = graph.Int64s([1]);
        string first = graph.Add("Or", [graph.Add("Slice", [isToken, graph.Int64s([0]), graph.Int64s([1]), axis1]), noToken]);
        string rest = graph.Add("Slice", [isToken, graph.Int64s([1]), graph.Int64s([long.MaxValue]), axis1]);
        return graph.Add("Concat", [first, rest], Attribute("axis", 1L));
    }

    /// <summary>A key mask [batch, keys] bool as an additive bias [batch, 1, 1, keys]: 0 where a key is attended, −∞
    /// where it is not (softmax then gives it exactly 0, as the masked fill does).</summary>
    public static string KeyBias(OnnxGraph graph, string attended)
    {
        string bias = graph.Add("Where", [attended, graph.Scalar(0f), graph.Scalar(float.NegativeInfinity)]);
        return graph.Add("Unsqueeze", [bias, graph.Int64s([1, 2])]);
    }
}
