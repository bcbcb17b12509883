using Google.Protobuf;
using Microsoft.ML.Transformer.Onnx.Schema;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>Writes a model's ONNX file: the graph, opset 17 (the first with LayerNormalization), and its metadata.</summary>
internal static class OnnxExport
{
    public const int Opset = 17;

    /// <summary>The IR version that opset 17 came with (ONNX 1.12).</summary>
    public const long IrVersion = 8;

    public const string Embedding = "embedding", PretrainedEncoder = "pretrained_encoder";

    /// <param name="fullPath">The target file, whose folder exists; written atomically.</param>
    public static void Write(ITransformer model, string fullPath, OnnxExportOptions options)
    {
        ExportableModel exportable = ExportableModel.Find(model);
        List<TensorData> state = exportable.Model.ExportWeights();
        TokenizerTransformer? tokenizer = options.IncludeTokenizer ? exportable.Tokenizer : null;
        var (graph, metadata) = exportable.Model switch
        {
            TransformerClassifierTransformer classifier
                => (ClassifierGraph.Write(classifier.Config, state), OnnxMetadata.Classifier(classifier.Config, tokenizer)),
            EmbeddingTransformer embedding
                => (FeaturesGraph.Write(Embedding, embedding.Config.Model, state, embedding.Pooling, embedding.Normalize, embedding.OutputColumnName),
                    OnnxMetadata.Create(Embedding, embedding.Config, embedding.Config.VocabularyFingerprint, tokenizer)),
            PretrainedEncoderTransformer encoder
                => (FeaturesGraph.Write(PretrainedEncoder, encoder.Config.Model, state, EmbeddingPooling.Mean, normalize: false, encoder.FeaturesColumnName),
                    // the vocabulary goes once, as the tokenizer's tokens
                    OnnxMetadata.Create(PretrainedEncoder, encoder.Config with { History = [], Tokenizer = encoder.Config.Tokenizer with { Vocabulary = null } },
                        encoder.Config.VocabularyFingerprint, tokenizer)),
            var other => throw new NotSupportedException($"ONNX export of {other.GetType().Name} is not supported yet."),
        };
        if (options.Quantization == OnnxQuantization.Int8Dynamic)
        {
            Int8DynamicQuantizer.Apply(graph.Proto);
            metadata[OnnxMetadata.Quantization] = "int8_dynamic";
        }
        ModelProto file = Model(graph, metadata);
        TemporarySaveFile.Write(fullPath, file.WriteTo);
    }

    private static ModelProto Model(OnnxGraph graph, Dictionary<string, string> metadata) => new()
    {
        IrVersion = IrVersion,
        OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
        ProducerName = ComponentArchive.LibraryName,
        ProducerVersion = ComponentArchive.LibraryVersion,
        DocString = $"{graph.Proto.Name}: token ids → what the ML.NET model's Transform writes (docs/onnx.md of Microsoft.ML.Transformer)",
        Graph = graph.Proto,
        MetadataProps = { metadata.Select(p => new StringStringEntryProto { Key = p.Key, Value = p.Value }) },
    };
}
