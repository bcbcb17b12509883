using System.Runtime.InteropServices;
using Google.Protobuf;
using Microsoft.ML.Transformer.Onnx.Schema;
using Microsoft.ML.Transformer.Serialization;
using DataType = Microsoft.ML.Transformer.Onnx.Schema.TensorProto.Types.DataType;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>
/// An ONNX graph under construction: inputs, nodes (each with one output, named after its operator), weights and
/// constants as initializers, outputs. Values are referred to by name, as in ONNX itself.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly Dictionary<string, int> _opCounts = [];

    public OnnxGraph(string name) => Proto = new GraphProto { Name = name };

    public GraphProto Proto { get; }

    /// <summary>A graph input of <paramref name="type"/>; a dimension is a size or the name of a dynamic axis.</summary>
    public string Input(string name, DataType type, params object[] dimensions)
    {
        Proto.Input.Add(ValueInfo(name, type, dimensions));
        return name;
    }

    /// <summary>Publishes <paramref name="value"/> as the graph output <paramref name="name"/>.</summary>
    public void Output(string value, string name, DataType type, params object[] dimensions)
    {
        Proto.Node.Add(new NodeProto { OpType = "Identity", Name = name, Input = { value }, Output = { name } });
        Proto.Output.Add(ValueInfo(name, type, dimensions));
    }

    /// <summary>Adds a node of operator <paramref name="op"/> and returns the name of its (only) output.</summary>
    public string Add(string op, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        int n = _opCounts[op] = _opCounts.GetValueOrDefault(op) + 1;
        string output = $"{op}_{n}";
        Proto.Node.Add(new NodeProto { OpType = op, Name = output, Input = { inputs }, Output = { output }, Attribute = { attributes } });
        return output;
    }

    public string Add(string op, string input, params AttributeProto[] attributes) => Add(op, [input], attributes);

    /// <summary>A float32 initializer (a weight) of <paramref name="shape"/>.</summary>
    public string Weight(string name, ReadOnlySpan<float> values, params long[] shape)
        => Initializer(name, DataType.Float, MemoryMarshal.AsBytes(values), shape);

    /// <summary>A float32 scalar constant.</summary>
    public string Scalar(float value) => Weight($"const_{Proto.Initializer.Count}", [value]);

    /// <summary>An int64 constant: a 1-D tensor (axes, shapes, slice bounds), or a scalar when <paramref name="scalar"/>.</summary>
    public string Int64s(long[] values, bool scalar = false)
        => Initializer($"const_{Proto.Initializer.Count}", DataType.Int64,
            MemoryMarshal.AsBytes(values.AsSpan()), scalar ? [] : [values.Length]);

    private string Initializer(string name, DataType type, ReadOnlySpan<byte> littleEndian, long[] shape)
    {
        TensorData.RequireLittleEndian();
        Proto.Initializer.Add(new TensorProto { Name = name, DataType = (int)type, Dims = { shape }, RawData = ByteString.CopyFrom(littleEndian) });
        return name;
    }

    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, long[] values) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Ints, Ints = { values } };

    private static ValueInfoProto ValueInfo(string name, DataType type, object[] dimensions)
    {
        var shape = new TensorShapeProto();
        foreach (object dimension in dimensions)
            shape.Dim.Add(dimension switch
            {
                string axis => new TensorShapeProto.Types.Dimension { DimParam = axis },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"A dimension is a size or an axis name, not {dimension}.", nameof(dimensions)),
            });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
