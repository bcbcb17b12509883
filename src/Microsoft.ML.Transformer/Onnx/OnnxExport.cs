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

    /// <param name="fullPath">The target file, whose folder exists; written atomically. A sequence-to-sequence model's
    /// encoder; its decoder step goes beside it (<see cref="Seq2SeqGraphs.DecoderPath"/>), written first.</param>
    public static void Write(ITransformer model, string fullPath, OnnxExportOptions options)
    {
        ExportableModel exportable = ExportableModel.Find(model);
        List<TensorData> state = exportable.Model.ExportWeights();
        TokenizerTransformer? tokenizer = options.IncludeTokenizer ? exportable.Tokenizer : null;
        if (exportable.Model is SequenceToSequenceTransformer seq2seq)
        {
            WriteSeq2Seq(seq2seq, state, tokenizer, options.IncludeTokenizer ? seq2seq.TargetTokenizer : null, fullPath, options);
            return;
        }
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
            LanguageModelTransformer languageModel
                => (LanguageModelGraph.Write(languageModel.Config.Model, state), DecoderMetadata.LanguageModel(languageModel.Config, tokenizer)),
            var other => throw new NotSupportedException($"ONNX export of {other.GetType().Name} is not supported yet."),
        };
        WriteFile(fullPath, graph, metadata, options, exportable.Model is LanguageModelTransformer
            ? "one decoding step of a language model, its key/value cache in and out"
            : "token ids → what the ML.NET model's Transform writes");
    }

    /// <summary>The decoder step beside <paramref name="encoderPath"/>, then the encoder: the named file is replaced
    /// only once both are complete.</summary>
    private static void WriteSeq2Seq(SequenceToSequenceTransformer model, List<TensorData> state, TokenizerTransformer? sourceTokenizer,
        TokenizerTransformer? targetTokenizer, string encoderPath, OnnxExportOptions options)
    {
        string decoderPath = Seq2SeqGraphs.DecoderPath(encoderPath);
        var (encoder, decoder) = Seq2SeqGraphs.Write(model.Config.Model, state);
        var (encoderMetadata, decoderMetadata) = DecoderMetadata.Seq2Seq(model.Config, sourceTokenizer, targetTokenizer, encoderPath, decoderPath);
        WriteFile(decoderPath, decoder, decoderMetadata, options, $"the decoder step of a sequence-to-sequence model, its key/value cache in and out; its encoder is {Path.GetFileName(encoderPath)}");
        WriteFile(encoderPath, encoder, encoderMetadata, options, $"the encoder of a sequence-to-sequence model; its decoder step is {Path.GetFileName(decoderPath)}");
    }

    /// <summary>Writes one graph atomically, its matrix products rewritten to int8 first when the options ask.</summary>
    private static void WriteFile(string fullPath, OnnxGraph graph, Dictionary<string, string> metadata, OnnxExportOptions options, string description)
    {
        if (options.Quantization == OnnxQuantization.Int8Dynamic)
        {
            Int8DynamicQuantizer.Apply(graph.Proto);
            metadata[OnnxMetadata.Quantization] = "int8_dynamic";
        }
        TemporarySaveFile.Write(fullPath, Model(graph, metadata, description).WriteTo);
    }

    private static ModelProto Model(OnnxGraph graph, Dictionary<string, string> metadata, string description) => new()
    {
        IrVersion = IrVersion,
        OpsetImport = { new OperatorSetIdProto { Domain = "", Version = Opset } },
        ProducerName = ComponentArchive.LibraryName,
        ProducerVersion = ComponentArchive.LibraryVersion,
        DocString = $"{graph.Proto.Name}: {description} (docs/onnx.md of Microsoft.ML.Transformer)",
        Graph = graph.Proto,
        MetadataProps = { metadata.Select(p => new StringStringEntryProto { Key = p.Key, Value = p.Value }) },
    };
}
