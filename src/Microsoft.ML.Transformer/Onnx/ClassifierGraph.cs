using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;
using static Microsoft.ML.Transformer.Onnx.OnnxGraph;
using DataType = Microsoft.ML.Transformer.Onnx.Schema.TensorProto.Types.DataType;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>
/// <see cref="TransformerClassifierModel"/> and the scores <see cref="ClassifierBlockMapper"/> makes of its logits, as
/// a graph. Input <c>input_ids</c> [batch, sequence] int64, padded with the model's padding id. Outputs named as the
/// ML.NET columns: binary <c>Score</c> [batch] (the logit), <c>Probability</c> [batch] (its sigmoid) and
/// <c>PredictedLabel</c> [batch] bool (Score &gt; 0); multiclass <c>Score</c> [batch, classes] (softmax probabilities)
/// and <c>PredictedLabel</c> [batch] uint32 (the key: 1 + the index of the first highest probability).
/// </summary>
internal static class ClassifierGraph
{
    /// <summary>The graph's name and the file's <c>mltransformer.kind</c>.</summary>
    public static string Kind(ClassifierConfig config) => config.Kind == ClassifierKind.Binary ? "binary_classifier" : "multiclass_classifier";

    public static OnnxGraph Write(ClassifierConfig config, List<TensorData> state)
    {
        var graph = new OnnxGraph(Kind(config));
        var weights = new TensorSet(state, "ONNX export of the classifier");
        var model = new ModuleWeights(weights);
        TransformerConfig shape = config.Model;
        int width = shape.ModelDimension;

        EncoderGraph.EncodedSequence encoder = EncoderGraph.Write(graph, EncoderGraph.Input(graph), shape, model.Child("body"));
        string pooled = PoolingGraph.Write(graph, config.Pooling, encoder);
        if (config.Pooling == ClassifierPooling.Pooler)
            pooled = graph.Add("Tanh", OnnxLayers.Linear(graph, pooled, model.Child("pooler"), width, width));
        string logits = OnnxLayers.Linear(graph, pooled, model.Child("head"), width, config.Outputs);   // [batch, outputs]
        weights.EnsureAllTaken();

        if (config.Kind == ClassifierKind.Binary)
        {
            string score = graph.Add("Squeeze", [logits, graph.Int64s([1])]);
            graph.Output(score, "Score", DataType.Float, EncoderGraph.Batch);
            graph.Output(graph.Add("Sigmoid", score), "Probability", DataType.Float, EncoderGraph.Batch);
            graph.Output(graph.Add("Greater", [score, graph.Scalar(0f)]), "PredictedLabel", DataType.Bool, EncoderGraph.Batch);
        }
        else
        {
            string probabilities = graph.Add("Softmax", logits, Attribute("axis", -1L));
            graph.Output(probabilities, "Score", DataType.Float, EncoderGraph.Batch, config.ClassCount);
            string best = graph.Add("ArgMax", probabilities, Attribute("axis", 1L), Attribute("keepdims", 0L));
            string key = graph.Add("Cast", graph.Add("Add", [best, graph.Int64s([1], scalar: true)]), Attribute("to", (long)DataType.Uint32));
            graph.Output(key, "PredictedLabel", DataType.Uint32, EncoderGraph.Batch);
        }
        return graph;
    }
}
