namespace Microsoft.ML.Transformer.Classification;

/// <summary>Binary (one logit, sigmoid, Boolean label) or multiclass (one logit per class, softmax, key label).</summary>
internal enum ClassifierKind
{
    Binary,
    Multiclass,
}
