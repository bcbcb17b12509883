using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer;

/// <summary>
/// A trained model of this library whose token embedding (and encoder stack) can be reused as features through
/// <see cref="EmbeddingOptions.Source"/>. Implemented by the library's trained transformers.
/// </summary>
public interface ITransformerEncoderSource
{
    /// <summary>A copy of the model's encoder half: config and the state of a <see cref="TransformerEncoderModel"/>.</summary>
    internal EncoderSnapshot ExportEncoder();
}

/// <summary>The encoder half of a trained model: its shape and the state_dict of a <see cref="TransformerEncoderModel"/>
/// (tensors named <c>embedding.*</c> and <c>encoder.*</c>), and the fingerprint of the vocabulary its token ids come from
/// (<see cref="Tokenization.VocabularyFingerprint"/>; null when not known, as for models saved before fingerprints), and
/// BERT's pooler (<c>weight</c>, <c>bias</c>) when the checkpoint has one.</summary>
internal sealed record EncoderSnapshot(TransformerConfig Config, IReadOnlyList<TensorData> State, string? VocabularyFingerprint = null,
    IReadOnlyList<TensorData>? Pooler = null);
