using System.Text.Json;
using Microsoft.ML.Transformer.Modules;

namespace Microsoft.ML.Transformer.Pretrained;

/// <summary>
/// A checkpoint's <c>config.json</c> (Hugging Face's <c>BertConfig</c> keys) as our <see cref="TransformerConfig"/>:
/// BERT's variant of the encoder (learned positions, token types, embedding LayerNorm, no √d_model scaling, post-LN).
/// </summary>
internal static class HuggingFaceConfig
{
    public const string FileName = "config.json";

    public static (TransformerConfig Config, CheckpointNameMap Names) Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"The checkpoint folder '{folder}' has no {FileName}.", path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (JsonException e) { throw new ModelFormatException($"{path} is not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ModelFormatException($"{path} is not a JSON object.");
            string modelType = String(root, path, "model_type", null);
            if (modelType != BertNames.Map.ModelType)
                throw new ModelFormatException($"{path}: model_type '{modelType}' is not supported; supported: bert.");
            string positions = String(root, path, "position_embedding_type", "absolute");
            if (positions != "absolute")
                throw new ModelFormatException($"{path}: position_embedding_type '{positions}' is not supported; supported: absolute.");
            var config = new TransformerConfig
            {
                ModelDimension = Int(root, path, "hidden_size", null),
                Heads = Int(root, path, "num_attention_heads", null),
                EncoderLayers = Int(root, path, "num_hidden_layers", null),
                DecoderLayers = 0,
                FeedForwardDimension = Int(root, path, "intermediate_size", null),
                Activation = Activation(String(root, path, "hidden_act", "gelu"), path),
                Dropout = Number(root, path, "hidden_dropout_prob", 0.1),
                // Attention dropout stays 0: any other value sends libtorch's CPU fused attention to a slow path.
                MaxLength = Int(root, path, "max_position_embeddings", 512),
                Positional = PositionalEncodingKind.Learned,
                LayerNormEpsilon = Number(root, path, "layer_norm_eps", 1e-12),
                SourceVocabularySize = Int(root, path, "vocab_size", null),
                PaddingId = Int(root, path, "pad_token_id", 0),
                TokenTypeVocabularySize = Int(root, path, "type_vocab_size", 2),
                EmbeddingLayerNorm = true,
                ScaleEmbeddings = false,
            };
            ModelFormatException.ThrowIfInvalid(path, "the model's settings", () => config.Validate());
            return (config, BertNames.Map);
        }
    }

    private static FeedForwardActivation Activation(string name, string path) => name switch
    {
        "gelu" => FeedForwardActivation.Gelu,   // Hugging Face's "gelu" is the exact erf form
        "relu" => FeedForwardActivation.Relu,
        _ => throw new ModelFormatException($"{path}: hidden_act '{name}' is not supported; supported: gelu (erf), relu."),
    };

    private static int Int(JsonElement root, string path, string key, int? fallback)
        => Find(root, key) is not { } e ? fallback ?? throw Missing(path, key)
            : e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw Wrong(path, key, "an integer", e);

    private static double Number(JsonElement root, string path, string key, double fallback)
        => Find(root, key) is not { } e ? fallback
            : e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw Wrong(path, key, "a number", e);

    private static string String(JsonElement root, string path, string key, string? fallback)
        => Find(root, key) is not { } e ? fallback ?? throw Missing(path, key)
            : e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Wrong(path, key, "a string", e);

    private static JsonElement? Find(JsonElement root, string key)
        => root.TryGetProperty(key, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static ModelFormatException Missing(string path, string key) => new($"{path}: '{key}' is missing.");

    private static ModelFormatException Wrong(string path, string key, string what, JsonElement value)
        => new($"{path}: '{key}' must be {what}, got {value.GetRawText()}.");
}
