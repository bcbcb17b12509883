using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Scoring;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>
/// What the exported file says about itself in its <c>metadata_props</c> (ONNX Runtime: <c>ModelMetadata.CustomMetadataMap</c>):
/// the model's kind and config, and the tokenizer a consumer needs to make the input ids. Values are text; lists and
/// records are JSON in the save format's spelling (camelCase, enums by name).
/// </summary>
internal static class OnnxMetadata
{
    public const string Kind = "mltransformer.kind";
    public const string Config = "mltransformer.config";
    public const string PaddingId = "mltransformer.padding_id";
    public const string MaxLength = "mltransformer.max_length";
    public const string ClassNames = "mltransformer.class_names";
    public const string VocabularyFingerprint = "mltransformer.vocabulary_fingerprint";
    public const string TokenizerOptions = "mltransformer.tokenizer.options";
    public const string TokenizerTokens = "mltransformer.tokenizer.tokens";
    public const string TokenizerMerges = "mltransformer.tokenizer.merges";
    public const string Quantization = "mltransformer.quantization";

    private static readonly JsonSerializerOptions Json = new(ComponentArchive.Json) { WriteIndented = false };

    /// <param name="kind">What the graph computes: <c>binary_classifier</c>, <c>multiclass_classifier</c>, <c>embedding</c>, <c>pretrained_encoder</c>.</param>
    /// <param name="config">The model's config as its zip saves it, less what is no part of the model (the training history).</param>
    public static Dictionary<string, string> Create(string kind, IModelConfig config, string? vocabularyFingerprint, TokenizerTransformer? tokenizer)
    {
        var metadata = new Dictionary<string, string>
        {
            [Kind] = kind,
            [Config] = JsonSerializer.Serialize(config, config.GetType(), Json),
            [PaddingId] = config.Model.PaddingId.ToString(CultureInfo.InvariantCulture),
            [MaxLength] = config.Model.MaxLength.ToString(CultureInfo.InvariantCulture),
        };
        if (vocabularyFingerprint is not null) metadata[VocabularyFingerprint] = vocabularyFingerprint;
        if (tokenizer is not null) AddTokenizer(metadata, tokenizer);
        return metadata;
    }

    public static Dictionary<string, string> Classifier(ClassifierConfig config, TokenizerTransformer? tokenizer)
    {
        var metadata = Create(ClassifierGraph.Kind(config), config with { History = [] }, config.VocabularyFingerprint, tokenizer);
        if (config.ClassNames is { } names) metadata[ClassNames] = JsonSerializer.Serialize(names, Json);
        return metadata;
    }

    /// <summary>The tokenizer's options; every token in id order, for the kinds that learned or read their vocabulary
    /// (a pretrained kind, gpt2, cl100k_base or o200k_base, is named by its options); and a byte-pair encoder's merges,
    /// as the save format's <c>bpe.merges</c> pairs.</summary>
    private static void AddTokenizer(Dictionary<string, string> metadata, TokenizerTransformer tokenizer)
    {
        metadata[TokenizerOptions] = JsonSerializer.Serialize(tokenizer.Options with { VocabularyPath = null }, Json);
        TextTokenizer vocabulary = tokenizer.Tokenizer;
        if (vocabulary is not PretrainedTokenizer)
            metadata[TokenizerTokens] = JsonSerializer.Serialize(Enumerable.Range(0, vocabulary.VocabularySize).Select(vocabulary.IdToToken), Json);
        if (vocabulary is ByteLevelBpeTokenizer bpe)
            metadata[TokenizerMerges] = JsonSerializer.Serialize(bpe.Merges.Select(m => new[] { m.Left, m.Right }), Json);
    }
}
