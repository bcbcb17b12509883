using Microsoft.ML.Transformer.Modules;
using static Microsoft.ML.Transformer.Onnx.OnnxGraph;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary><see cref="TransformerEmbedding"/> as a graph: token embedding (· √d_model unless BERT's variant) + the
/// position rows of the sequence (+ token type 0) (→ LayerNorm in BERT's variant). Dropout is the identity when scoring.</summary>
internal static class EmbeddingGraph
{
    /// <param name="ids">[batch, sequence] int64.</param>
    /// <returns>[batch, sequence, d_model].</returns>
    public static string Write(OnnxGraph graph, string ids, TransformerConfig config, ModuleWeights embedding)
    {
        int width = config.ModelDimension;
        int vocabulary = config.SourceVocabularySize;
        string tokens = graph.Weight(embedding.Name("tokens.weight"), embedding.Take("tokens.weight", vocabulary, width), vocabulary, width);
        string x = graph.Add("Gather", [tokens, ids]);
        if (config.ScaleEmbeddings) x = graph.Add("Mul", [x, graph.Scalar((float)Math.Sqrt(width))]);
        if (PositionTable(graph, config, embedding) is { } table)
        {
            // The first `sequence` rows. A longer input leaves the slice at max_len rows, and the Add then fails in the
            // runtime, as our model refuses a row longer than max_len.
            string length = graph.Add("Shape", ids, Attribute("start", 1L), Attribute("end", 2L));
            x = graph.Add("Add", [x, graph.Add("Slice", [table, graph.Int64s([0]), length, graph.Int64s([0])])]);
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
