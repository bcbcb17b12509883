namespace Microsoft.ML.Transformer.Pretrained;

/// <summary>
/// One architecture's table from Hugging Face tensor names to our <c>TransformerEncoderModel</c> state_dict names.
/// <c>{N}</c> stands for a layer index. <see cref="Pooler"/> names the [CLS] pooler's tensors (ours: the state of a
/// <c>Linear</c>), kept apart from the encoder for <see cref="ClassifierPooling.Pooler"/>; a checkpoint may lack them. Names listed in <see cref="Ignored"/> are known parts of the checkpoint that the
/// encoder does not hold (the pooler, task heads, constant buffers); anything else unknown is an error.
/// RoBERTa or DistilBERT would each be one more instance of this record (see docs/pretrained.md).
/// </summary>
internal sealed record CheckpointNameMap(
    string ModelType,
    string OptionalPrefix,
    IReadOnlyList<(string Ours, string Theirs)> Embeddings,
    IReadOnlyList<(string Ours, string Theirs)> Layer,
    IReadOnlyList<(string Ours, string Theirs)> Pooler,
    IReadOnlyList<string> IgnoredPrefixes)
{
    /// <summary>Every (our name → their name) pair of a model with <paramref name="layers"/> layers.</summary>
    public Dictionary<string, string> Expand(int layers)
    {
        var map = Embeddings.ToDictionary(p => p.Theirs, p => p.Ours, StringComparer.Ordinal);
        for (int n = 0; n < layers; n++)
            foreach (var (ours, theirs) in Layer)
                map.Add(theirs.Replace("{N}", n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        ours.Replace("{N}", n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return map;
    }

    /// <summary>The checkpoint name without the optional model prefix (<c>bert.</c> in task checkpoints).</summary>
    public string StripPrefix(string name) => name.StartsWith(OptionalPrefix, StringComparison.Ordinal) ? name[OptionalPrefix.Length..] : name;

    public bool Ignored(string name) => IgnoredPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
}
