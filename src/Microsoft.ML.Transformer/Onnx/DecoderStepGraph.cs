using Microsoft.ML.Transformer.Modules;
using static Microsoft.ML.Transformer.Onnx.OnnxGraph;
using DataType = Microsoft.ML.Transformer.Onnx.Schema.TensorProto.Types.DataType;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>
/// A decoder stack's incremental step (<see cref="Decoder"/> with its <see cref="DecoderCache"/>), as a language model
/// and a sequence-to-sequence model decode: the new token ids, and each layer's self-attention keys and values of the
/// positions before them, in; the next-token logits of the new positions, and the keys and values with the new
/// positions appended, out. The new positions are numbered after the past ones (the past length is the past keys'
/// third axis), and each attends to the past and to the new positions up to itself. A first step passes past keys and
/// values of length 0.
/// </summary>
internal static class DecoderStepGraph
{
    public const string InputIds = "input_ids", Logits = "logits";

    /// <summary>The dynamic axes: rows, new positions, cached positions, and both together.</summary>
    public const string Batch = "batch", New = "new", Past = "past", Total = "past_plus_new";

    public static string PastKey(int layer) => $"past_key_{layer}";

    public static string PastValue(int layer) => $"past_value_{layer}";

    public static string PresentKey(int layer) => $"present_key_{layer}";

    public static string PresentValue(int layer) => $"present_value_{layer}";

    /// <summary>Writes the step into <paramref name="graph"/>: its inputs <c>input_ids</c> [batch, new] int64 and
    /// <c>past_key_i</c>, <c>past_value_i</c> [batch, h, past, d_k] float for each layer i; its outputs <c>logits</c>
    /// [batch, new, V] float and <c>present_key_i</c>, <c>present_value_i</c> [batch, h, past + new, d_k].</summary>
    /// <param name="model">The network's state (<see cref="DecoderOnlyModel"/>'s or <see cref="EncoderDecoder"/>'s names).</param>
    /// <param name="embeddingName">The decoder's embedding module: <c>embedding</c> or <c>target_embedding</c>.</param>
    /// <param name="cross">Each layer's encoder–decoder attention inputs; null for a language model.</param>
    public static void Write(OnnxGraph graph, TransformerConfig config, ModuleWeights model, string embeddingName,
        IReadOnlyList<DecoderLayerGraph.CrossAttention>? cross)
    {
        int layers = config.DecoderLayers;
        string ids = graph.Input(InputIds, DataType.Int64, Batch, New);
        string[] pastKeys = [.. Enumerable.Range(0, layers).Select(i => CacheInput(graph, PastKey(i), config))];
        string[] pastValues = [.. Enumerable.Range(0, layers).Select(i => CacheInput(graph, PastValue(i), config))];
        string pastLength = Scalar(graph, graph.Add("Shape", pastKeys[0], Attribute("start", 2L), Attribute("end", 3L)));

        ModuleWeights embedding = model.Child(embeddingName), decoder = model.Child("decoder");
        string x = EmbeddingGraph.Write(graph, ids, config, embedding, config.TargetVocabularySize, pastLength);
        string causalBias = CausalBias(graph, ids, pastLength);
        var presents = new List<(string Value, string Name)>();
        for (int i = 0; i < layers; i++)
        {
            (x, string keys, string values) = DecoderLayerGraph.Write(graph, x, causalBias, pastKeys[i], pastValues[i], cross?[i], config,
                decoder.Child($"layers.{i}"));
            presents.Add((keys, PresentKey(i)));
            presents.Add((values, PresentValue(i)));
        }
        if (config.NormFirst) x = OnnxLayers.LayerNorm(graph, x, decoder.Child("final_norm"), config);

        // Tied (section 3.4): the token table the embedding wrote, transposed (ONNX Runtime folds the constant once).
        string logits = config.TieOutputProjection
            ? graph.Add("MatMul", [x, graph.Add("Transpose", embedding.Name("tokens.weight"), Attribute("perm", new long[] { 1, 0 }))])
            : OnnxLayers.Linear(graph, x, model.Child("output_projection"), config.ModelDimension, config.TargetVocabularySize);
        graph.Output(logits, Logits, DataType.Float, Batch, New, config.TargetVocabularySize);
        foreach (var (value, name) in presents)
            graph.Output(value, name, DataType.Float, Batch, config.Heads, Total, config.HeadDimension);
    }

    private static string CacheInput(OnnxGraph graph, string name, TransformerConfig config)
        => graph.Input(name, DataType.Float, Batch, config.Heads, Past, config.HeadDimension);

    /// <summary>[new, past + new]: new position i (at past + i) attends to keys 0 … past + i (<see cref="AttentionMasks.Causal"/>).</summary>
    private static string CausalBias(OnnxGraph graph, string ids, string pastLength)
    {
        string newLength = Scalar(graph, graph.Add("Shape", ids, Attribute("start", 1L), Attribute("end", 2L)));
        string total = graph.Add("Add", [pastLength, newLength]);
        string one = graph.Int64s([1], scalar: true);
        string queries = graph.Add("Unsqueeze", [graph.Add("Range", [pastLength, total, one]), graph.Int64s([1])]);   // [new, 1]
        string keys = graph.Add("Range", [graph.Int64s([0], scalar: true), total, one]);                              // [past + new]
        return graph.Add("Where", [graph.Add("LessOrEqual", [keys, queries]), graph.Scalar(0f), graph.Scalar(float.NegativeInfinity)]);
    }

    /// <summary>A one-element 1-D int64 value (a Shape slice) as a scalar.</summary>
    private static string Scalar(OnnxGraph graph, string value) => graph.Add("Squeeze", [value, graph.Int64s([0])]);
}
