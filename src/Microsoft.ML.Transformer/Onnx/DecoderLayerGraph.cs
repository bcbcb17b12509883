using Microsoft.ML.Transformer.Modules;
using static Microsoft.ML.Transformer.Onnx.OnnxGraph;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary><see cref="DecoderLayer"/> as one incremental step: masked self-attention over the cached keys and values
/// and the new positions', encoder–decoder attention over keys and values computed once from the memory (none in a
/// language model), and the feed-forward network, each in its residual connection (post-LN or pre-LN).</summary>
internal static class DecoderLayerGraph
{
    /// <summary>Encoder–decoder attention's inputs for one layer.</summary>
    /// <param name="KeyBias">[batch, 1, 1, source]: 0 for the source keys attended, −∞ for padding.</param>
    /// <param name="TransposedKeys">[batch, h, d_k, source]: the memory through this layer's W^K, transposed.</param>
    /// <param name="Values">[batch, h, source, d_k]: the memory through this layer's W^V.</param>
    public sealed record CrossAttention(string KeyBias, string TransposedKeys, string Values);

    /// <param name="x">[batch, new, d_model]: the new positions.</param>
    /// <param name="causalBias">[new, past + new]: 0 where a new position may attend (keys up to itself), −∞ after.</param>
    /// <param name="pastKeys">[batch, h, past, d_k]: the keys of the positions before (past may be 0).</param>
    /// <param name="pastValues">[batch, h, past, d_k].</param>
    /// <returns>The layer's output [batch, new, d_model], and the keys and values of every position so far
    /// [batch, h, past + new, d_k]: the next step's past.</returns>
    public static (string Hidden, string Keys, string Values) Write(OnnxGraph graph, string x, string causalBias, string pastKeys, string pastValues,
        CrossAttention? cross, TransformerConfig config, ModuleWeights layer)
    {
        string keys = "", values = "";
        ModuleWeights self = layer.Child("self_attn");
        x = EncoderLayerGraph.Sublayer(graph, x, config, layer.Child("self_sublayer"), y =>
        {
            keys = graph.Add("Concat", [pastKeys, AttentionGraph.Heads(graph, y, self.Child("w_k"), config)], Attribute("axis", 2L));
            values = graph.Add("Concat", [pastValues, AttentionGraph.Heads(graph, y, self.Child("w_v"), config)], Attribute("axis", 2L));
            return AttentionGraph.Attend(graph, AttentionGraph.Heads(graph, y, self.Child("w_q"), config), AttentionGraph.Transposed(graph, keys), values,
                causalBias, config, self);
        });
        if (cross is not null)
        {
            ModuleWeights attention = layer.Child("cross_attn");
            x = EncoderLayerGraph.Sublayer(graph, x, config, layer.Child("cross_sublayer"),
                y => AttentionGraph.Attend(graph, AttentionGraph.Heads(graph, y, attention.Child("w_q"), config), cross.TransposedKeys, cross.Values,
                    cross.KeyBias, config, attention));
        }
        x = EncoderLayerGraph.Sublayer(graph, x, config, layer.Child("ff_sublayer"), y => EncoderLayerGraph.FeedForward(graph, y, config, layer.Child("feed_forward")));
        return (x, keys, values);
    }
}
