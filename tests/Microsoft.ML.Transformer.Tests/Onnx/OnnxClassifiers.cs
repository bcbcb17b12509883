using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tests.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Onnx;

/// <summary>Small classifiers with every weight perturbed away from its initial value (LayerNorm scales and biases
/// included, which start at 1 and 0), and ONNX Runtime runs of their exported files.</summary>
internal static class OnnxClassifiers
{
    public const int Vocabulary = 40;

    /// <summary>The tiny model shape of the module tests, with <paramref name="change"/> applied.</summary>
    public static TransformerConfig Shape(Func<TransformerConfig, TransformerConfig>? change = null)
    {
        TransformerConfig shape = TinyModels.Config() with { DecoderLayers = 0, TargetVocabularySize = 0, MaxLength = 24, SourceVocabularySize = Vocabulary };
        return change is null ? shape : change(shape);
    }

    /// <summary>A classifier of <paramref name="classes"/> classes (2: binary), its weights drawn from <paramref name="seed"/>.</summary>
    public static TransformerClassifierTransformer Create(MLContext ml, TransformerConfig shape, ClassifierPooling pooling, int classes = 2, int seed = 1)
    {
        bool binary = classes == 2;
        var config = new ClassifierConfig
        {
            Kind = binary ? ClassifierKind.Binary : ClassifierKind.Multiclass,
            TokensColumnName = "Tokens",
            Model = shape.Validate(),
            Pooling = pooling,
            ClassCount = classes,
            ClassNames = binary ? null : [.. Enumerable.Range(0, classes).Select(c => $"class{c}")],
        };
        return new TransformerClassifierTransformer(ml, config, Perturbed(new TransformerClassifierModel(config.Model, pooling, config.Outputs, seed), seed));
    }

    /// <summary>The module with N(0, 0.3²) noise from <paramref name="seed"/> added to every parameter.</summary>
    public static TModule Perturbed<TModule>(TModule module, int seed) where TModule : nn.Module
    {
        var generator = new Generator((ulong)seed);
        using (no_grad())
            foreach (var (_, parameter) in module.named_parameters())
                parameter.add_(randn(parameter.shape, generator: generator).mul_(0.3));
        return module;
    }

    /// <summary>Rows of 1 to <paramref name="maxLength"/> ids, none of them the padding id.</summary>
    public static int[][] Rows(int count, int maxLength, int paddingId, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, random.Next(1, maxLength + 1))
            .Select(_ => { int id; do id = random.Next(Vocabulary); while (id == paddingId); return id; }).ToArray())];
    }

    /// <summary>The rows right-padded with <paramref name="paddingId"/> to <paramref name="length"/> (default: the longest).</summary>
    public static (long[] Ids, int Length) Pad(IReadOnlyList<int[]> rows, int paddingId, int? length = null)
    {
        int width = length ?? rows.Max(r => r.Length);
        var ids = new long[rows.Count * width];
        Array.Fill(ids, paddingId);
        for (int r = 0; r < rows.Count; r++)
            for (int i = 0; i < rows[r].Length; i++) ids[r * width + i] = rows[r][i];
        return (ids, width);
    }

    /// <summary>ONNX Runtime's outputs for one padded batch, by name.</summary>
    public static Dictionary<string, Array> Run(string onnxFile, long[] ids, int length)
    {
        using var session = new InferenceSession(onnxFile);
        using var input = OrtValue.CreateTensorValueFromMemory(ids, [ids.Length / length, length]);
        using var runOptions = new RunOptions();
        string[] names = [.. session.OutputNames];
        using var outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { ["input_ids"] = input }, names);
        var result = new Dictionary<string, Array>();
        for (int i = 0; i < names.Length; i++)
        {
            OrtValue value = outputs[i];
            result[names[i]] = value.GetTensorTypeAndShape().ElementDataType switch
            {
                TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
                TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray(),
                TensorElementType.UInt32 => value.GetTensorDataAsSpan<uint>().ToArray(),
                var other => throw new InvalidOperationException($"Unexpected output type {other} of {names[i]}."),
            };
        }
        return result;
    }

    public static double MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        return expected.Zip(actual).Max(p => Math.Abs((double)p.First - p.Second));
    }
}
