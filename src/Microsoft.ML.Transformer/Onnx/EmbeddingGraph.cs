using Microsoft.ML.Transformer.Modules;
using static Microsoft.ML.Transformer.Onnx.OnnxGraph;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary><see cref="TransformerEmbedding"/> as a graph: token embedding (· √d_model unless BERT's variant) + the
/// position rows of the sequence (+ token type 0) (→ LayerNorm in BERT's variant). Dropout is the identity when scoring.</summary>
internal static class EmbeddingGraph
{
    /// <param name="ids">[batch, sequence] int64.</param>
    /// <param name="vocabularySize">Rows of the token table: the source vocabulary before an encoder, the target one before a decoder.</param>
    /// <param name="start">The position of the first id, a scalar int64 value (a decoder step continues after its
    /// cache); null for 0.</param>
    /// <returns>[batch, sequence, d_model].</returns>
    public static string Write(OnnxGraph graph, string ids, TransformerConfig config, ModuleWeights embedding, int vocabularySize, string? start = null)
    {
        int width = config.ModelDimension;
        string tokens = graph.Weight(embedding.Name("tokens.weight"), embedding.Take("tokens.weight", vocabularySize, width), vocabularySize, width);
        string x = graph.Add("Gather", [tokens, ids]);
        if (config.ScaleEmbeddings) x = graph.Add("Mul", [x, graph.Scalar((float)Math.Sqrt(width))]);
        if (PositionTable(graph, config, embedding) is { } table)
        {
            // The rows start … start + sequence − 1. A position past max_len is outside the table, and the runtime
            // refuses the Gather, as our model refuses a sequence longer than max_len.
            string first = start ?? graph.Int64s([0], scalar: true);
            string length = graph.Add("Squeeze", [graph.Add("Shape", ids, Attribute("start", 1L), Attribute("end", 2L)), graph.Int64s([0])]);
            string positions = graph.Add("Range", [first, graph.Add("Add", [first, length]), graph.Int64s([1], scalar: true)]);
            x = graph.Add("Add", [x, graph.Add("Gather", [table, positions])]);
        }
        if (config.TokenTypeVocabularySize > 0)
        {
            // Without token type ids every position has type 0: the table's first row.
            float[] types = embedding.Take("token_types.weight", config.TokenTypeVocabularySize, width);
            x = graph.Add("Add", [x, graph.Weight(embedding.Name("token_types.weight") + "[0]", types.AsSpan(0, width), width)]);
        }
        return config.EmbeddingLayerNorm ? OnnxLayers.LayerNorm(graph, x, embedding.Child("norm"), config) : x;
    }

    /// <summary>The [max_len, d_model] position table: the learned weights, or the sinusoids (not part of the saved
    /// state: a function of the config, computed as the module computes them); null without positions.</summary>
    private static string? PositionTable(OnnxGraph graph, TransformerConfig config, ModuleWeights embedding)
    {
        int width = config.ModelDimension, length = config.MaxLength;
        switch (config.Positional)
        {
            case PositionalEncodingKind.Learned:
                return graph.Weight(embedding.Name("positions.weight"), embedding.Take("positions.weight", length, width), length, width);
            case PositionalEncodingKind.Sinusoidal or PositionalEncodingKind.SinusoidalConcatenated:
                using (TorchSharp.torch.Tensor table = SinusoidalPositions.Table(length, width, config.Positional == PositionalEncodingKind.SinusoidalConcatenated))
                    return graph.Weight(embedding.Name("sinusoid"), table.data<float>().ToArray(), length, width);
            default:
                return null;
        }
    }
}
