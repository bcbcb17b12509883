using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.Transformer.Onnx.Schema;
using Microsoft.ML.Transformer.Serialization;
using DataType = Microsoft.ML.Transformer.Onnx.Schema.TensorProto.Types.DataType;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>
/// <see cref="OnnxQuantization.Int8Dynamic"/>: rewrites a written float graph in place, as ONNX Runtime's dynamic
/// quantization does, so that every graph kind gets it without knowing of it.
/// <list type="bullet">
/// <item><c>MatMul(x, W)</c> with W a float [K, N] weight → <c>DynamicQuantizeLinear(x)</c> (uint8, one scale and zero
/// point per call, shared by the products that read the same x) → <c>MatMulInteger</c> with W as int8 (symmetric, one
/// scale per output column) → int32 → <c>Cast</c> float × (x's scale × the column scales). This is the pattern ONNX
/// Runtime's MatMulIntegerToFloat fusion matches, the following bias Add included; other runtimes run it as it is.</item>
/// <item><c>Gather(T, ids)</c> with T a float [V, D] table and ids a graph input (the token embedding) → int8 rows
/// with one scale per row, gathered and rescaled. Tables read at computed indices (the position table) stay float32.</item>
/// </list>
/// Products of two activations (attention scores and values) and every other weight stay float32.
/// </summary>
internal static class Int8DynamicQuantizer
{
    /// <summary>The largest magnitude of a symmetric int8 value (−127 … 127: −128 has no positive counterpart).</summary>
    private const float Levels = 127f;

    public static void Apply(GraphProto graph)
    {
        Dictionary<string, TensorProto> initializers = graph.Initializer.ToDictionary(t => t.Name);
        var quantizedActivations = new Dictionary<string, QuantizedActivation>();
        var graphInputs = graph.Input.Select(i => i.Name).ToHashSet();
        var nodes = new List<NodeProto>(graph.Node.Count * 2);
        foreach (NodeProto node in graph.Node)
        {
            if (node.OpType == "MatMul" && Matrix(initializers, node.Input[1]) is { } weight)
                MatMul(graph, nodes, node, weight, quantizedActivations);
            else if (node.OpType == "Gather" && node.Attribute.All(a => a.Name != "axis" || a.I == 0) && graphInputs.Contains(node.Input[1])
                     && Matrix(initializers, node.Input[0]) is { } table)
                Gather(graph, nodes, node, table);
            else
                nodes.Add(node);
        }
        graph.Node.Clear();
        graph.Node.AddRange(nodes);

        // the float weights now read by no node go
        var read = nodes.SelectMany(n => n.Input).ToHashSet();
        foreach (TensorProto unread in graph.Initializer.Where(t => !read.Contains(t.Name)).ToList())
            graph.Initializer.Remove(unread);
    }

    /// <summary>The uint8 activation, its scale and zero point (scalars), as <c>DynamicQuantizeLinear</c> gives them.</summary>
    private sealed record QuantizedActivation(string Values, string Scale, string ZeroPoint);

    private sealed record FloatMatrix(string Name, float[] Values, int Rows, int Columns);

    private static void MatMul(GraphProto graph, List<NodeProto> nodes, NodeProto matMul, FloatMatrix weight,
        Dictionary<string, QuantizedActivation> quantizedActivations)
    {
        string x = matMul.Input[0], y = matMul.Output[0];
        if (!quantizedActivations.TryGetValue(x, out QuantizedActivation? activation))
        {
            activation = quantizedActivations[x] = new($"{x}_uint8", $"{x}_scale", $"{x}_zero_point");
            nodes.Add(Node("DynamicQuantizeLinear", [x], [activation.Values, activation.Scale, activation.ZeroPoint]));
        }
        var (values, scales) = Quantize(weight, perRow: false);
        string w = Initializer(graph, weight.Name + "_int8", DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), weight.Rows, weight.Columns);
        string wScales = Initializer(graph, weight.Name + "_scales", DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()), weight.Columns);

        nodes.Add(Node("MatMulInteger", [activation.Values, w, activation.ZeroPoint], [$"{y}_int32"]));
        nodes.Add(Node("Cast", [$"{y}_int32"], [$"{y}_unscaled"], OnnxGraph.Attribute("to", (long)DataType.Float)));
        nodes.Add(Node("Mul", [activation.Scale, wScales], [$"{y}_scales"]));   // x's scale first, as ONNX Runtime's fusion expects
        nodes.Add(Node("Mul", [$"{y}_unscaled", $"{y}_scales"], [y]));
    }

    private static void Gather(GraphProto graph, List<NodeProto> nodes, NodeProto gather, FloatMatrix table)
    {
        string ids = gather.Input[1], y = gather.Output[0];
        var (values, scales) = Quantize(table, perRow: true);
        string rows = Initializer(graph, table.Name + "_int8", DataType.Int8, MemoryMarshal.AsBytes(values.AsSpan()), table.Rows, table.Columns);
        string rowScales = Initializer(graph, table.Name + "_scales", DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()), table.Rows, 1);   // [V, 1]: gathered, broadcast over D

        nodes.Add(Node("Gather", [rows, ids], [$"{y}_int8"]));
        nodes.Add(Node("Cast", [$"{y}_int8"], [$"{y}_unscaled"], OnnxGraph.Attribute("to", (long)DataType.Float)));
        nodes.Add(Node("Gather", [rowScales, ids], [$"{y}_scales"]));
        nodes.Add(Node("Mul", [$"{y}_unscaled", $"{y}_scales"], [y]));
    }

    /// <summary>Symmetric int8 with one scale per row (<paramref name="perRow"/>) or per column: scale = max |w| / 127
    /// over the group (1 for a group of zeros), value = round(w / scale).</summary>
    private static (sbyte[] Values, float[] Scales) Quantize(FloatMatrix matrix, bool perRow)
    {
        var (values, rows, columns) = (matrix.Values, matrix.Rows, matrix.Columns);
        var scales = new float[perRow ? rows : columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                int group = perRow ? r : c;
                scales[group] = Math.Max(scales[group], Math.Abs(values[r * columns + c]));
            }
        for (int g = 0; g < scales.Length; g++) scales[g] = scales[g] > 0 ? scales[g] / Levels : 1f;

        var quantized = new sbyte[values.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
            {
                float q = MathF.Round(values[r * columns + c] / scales[perRow ? r : c], MidpointRounding.ToEven);
                quantized[r * columns + c] = (sbyte)Math.Clamp(q, -Levels, Levels);
            }
        return (quantized, scales);
    }

    /// <summary>The float [rows, columns] initializer named <paramref name="name"/>, or null when it is not one.</summary>
    private static FloatMatrix? Matrix(Dictionary<string, TensorProto> initializers, string name)
        => initializers.TryGetValue(name, out TensorProto? tensor) && tensor.DataType == (int)DataType.Float && tensor.Dims.Count == 2
            ? new(name, MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray(), checked((int)tensor.Dims[0]), checked((int)tensor.Dims[1]))
            : null;

    private static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
        => new() { OpType = op, Name = outputs[0], Input = { inputs }, Output = { outputs }, Attribute = { attributes } };

    private static string Initializer(GraphProto graph, string name, DataType type, ReadOnlySpan<byte> littleEndian, params long[] shape)
    {
        TensorData.RequireLittleEndian();
        graph.Initializer.Add(new TensorProto { Name = name, DataType = (int)type, Dims = { shape }, RawData = ByteString.CopyFrom(littleEndian) });
        return name;
    }
}
