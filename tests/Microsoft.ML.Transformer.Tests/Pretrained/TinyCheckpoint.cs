using System.Text.Json;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Pretrained;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Tests.Pretrained;

/// <summary>A small BERT checkpoint folder in Hugging Face layout, written from one of our own encoders (random
/// weights) so that an import can be compared with its source and then broken in one place at a time.</summary>
internal sealed class TinyCheckpoint : IDisposable
{
    public const int Vocabulary = 30, Layers = 2;

    /// <param name="prefix">Name the tensors as a task checkpoint does (<c>bert.</c>).</param>
    /// <param name="word">The vocabulary's words: BERT's five special tokens, then <paramref name="word"/>0, <paramref name="word"/>1, ….</param>
    public TinyCheckpoint(bool prefix = false, string word = "w")
    {
        Folder = TestPaths.NewTempDirectory();
        Source = new TransformerEncoderModel(Config, seed: 7);
        Source.eval();
        var theirs = BertNames.Map.Expand(Layers).ToDictionary(p => p.Value, p => p.Key);
        Tensors = ModuleState.Export(Source).Select(t => t.Rename((prefix ? "bert." : "") + theirs[t.Name])).ToList();
        WriteConfig(ConfigJson());
        WriteWeights(Tensors);
        File.WriteAllLines(Path.Combine(Folder, "vocab.txt"),
            ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", .. Enumerable.Range(0, Vocabulary - 5).Select(i => $"{word}{i}")]);
    }

    public static TransformerConfig Config { get; } = new()
    {
        ModelDimension = 16, Heads = 4, EncoderLayers = Layers, DecoderLayers = 0, FeedForwardDimension = 24,
        Activation = FeedForwardActivation.Gelu, Dropout = 0, MaxLength = 12, Positional = PositionalEncodingKind.Learned,
        LayerNormEpsilon = 1e-12, SourceVocabularySize = Vocabulary, TokenTypeVocabularySize = 2,
        EmbeddingLayerNorm = true, ScaleEmbeddings = false,
    };

    public string Folder { get; }

    public TransformerEncoderModel Source { get; }

    public List<TensorData> Tensors { get; }

    public string WeightsPath => Path.Combine(Folder, CheckpointFiles.SingleFile);

    public static Dictionary<string, object> ConfigJson() => new()
    {
        ["model_type"] = "bert", ["vocab_size"] = Vocabulary, ["hidden_size"] = 16, ["num_hidden_layers"] = Layers,
        ["num_attention_heads"] = 4, ["intermediate_size"] = 24, ["hidden_act"] = "gelu", ["hidden_dropout_prob"] = 0.0,
        ["max_position_embeddings"] = 12, ["type_vocab_size"] = 2, ["layer_norm_eps"] = 1e-12, ["pad_token_id"] = 0,
    };

    public void WriteConfig(Dictionary<string, object> json)
        => File.WriteAllText(Path.Combine(Folder, HuggingFaceConfig.FileName), JsonSerializer.Serialize(json));

    public void WriteWeights(IReadOnlyCollection<TensorData> tensors) => File.WriteAllBytes(WeightsPath, SafeTensors.Write(tensors));

    public void Dispose()
    {
        Source.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
