using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;

namespace Microsoft.ML.Transformer.Embedding;

/// <summary>What an <see cref="EmbeddingTransformer"/> saves besides its tensors.</summary>
internal sealed record EmbeddingConfig : IModelConfig
{
    public required string InputColumnName { get; init; }

    public required string OutputColumnName { get; init; }

    /// <summary>The embedding's shape: d_model, positions, max_len, vocabulary (SourceVocabularySize), and the encoder
    /// layers when contextual.</summary>
    public required TransformerConfig Model { get; init; }

    public required EmbeddingPooling Pooling { get; init; }

    public required int BlockSize { get; init; }

    /// <summary>The fingerprint of the vocabulary the ids come from (<see cref="Tokenization.VocabularyFingerprint"/>): a
    /// token column of another vocabulary is refused. Null when not known (zips saved before fingerprints).</summary>
    public string? VocabularyFingerprint { get; init; }

    /// <summary>L2-normalise each output vector. Absent (false) in zips saved before the option existed.</summary>
    public bool Normalize { get; init; }
}
