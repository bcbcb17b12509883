using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>The two parametrised layers every graph uses, as TorchSharp computes them: <c>nn.Linear</c> and <c>nn.LayerNorm</c>.</summary>
internal static class OnnxLayers
{
    /// <summary>x·Wᵀ + b over the last axis. The weight, [outputs, inputs] in the state, is written transposed so that
    /// one MatMul takes it as it is.</summary>
    public static string Linear(OnnxGraph graph, string x, ModuleWeights linear, int inputs, int outputs)
    {
        float[] weight = linear.Take("weight", outputs, inputs);
        var transposed = new float[weight.Length];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++) transposed[i * outputs + o] = weight[o * inputs + i];
        string w = graph.Weight(linear.Name("weight") + ".T", transposed, inputs, outputs);
        string b = graph.Weight(linear.Name("bias"), linear.Take("bias", outputs), outputs);
        return graph.Add("Add", [graph.Add("MatMul", [x, w]), b]);
    }

    /// <summary>LayerNorm over d_model with the model's ε (opset 17's LayerNormalization).</summary>
    public static string LayerNorm(OnnxGraph graph, string x, ModuleWeights norm, TransformerConfig config)
    {
        int width = config.ModelDimension;
        string scale = graph.Weight(norm.Name("weight"), norm.Take("weight", width), width);
        string bias = graph.Weight(norm.Name("bias"), norm.Take("bias", width), width);
        return graph.Add("LayerNormalization", [x, scale, bias],
            OnnxGraph.Attribute("axis", -1L), OnnxGraph.Attribute("epsilon", (float)config.LayerNormEpsilon));
    }
}
