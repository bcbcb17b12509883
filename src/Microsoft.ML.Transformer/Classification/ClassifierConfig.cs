using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Scoring;

namespace Microsoft.ML.Transformer.Classification;

/// <summary>Everything a trained classifier needs besides its weights; saved as its <c>config.json</c>.</summary>
internal sealed record ClassifierConfig : IModelConfig
{
    public required ClassifierKind Kind { get; init; }

    public required string TokensColumnName { get; init; }

    public required TransformerConfig Model { get; init; }

    public required ClassifierPooling Pooling { get; init; }

    /// <summary>2 for binary; the label's key count for multiclass.</summary>
    public required int ClassCount { get; init; }

    /// <summary>The label's key values as text (multiclass), or null when the label had none.</summary>
    public string[]? ClassNames { get; init; }

    /// <summary>The type of the label's key values that <see cref="ClassNames"/> are the text of. Default String
    /// (also for models saved before numeric classes were kept).</summary>
    public DataKind ClassValueKind { get; init; } = DataKind.String;

    public int BlockSize { get; init; } = 256;

    /// <summary>The fingerprint of the vocabulary it was trained on (<see cref="Tokenization.VocabularyFingerprint"/>): a
    /// token column of another vocabulary is refused. Null when not known (zips saved before fingerprints).</summary>
    public string? VocabularyFingerprint { get; init; }

    /// <summary>What each training epoch achieved.</summary>
    public IReadOnlyList<EpochSummary> History { get; init; } = [];

    /// <summary>Outputs of the linear head: one logit for binary, one per class for multiclass.</summary>
    public int Outputs => Kind == ClassifierKind.Binary ? 1 : ClassCount;
}
