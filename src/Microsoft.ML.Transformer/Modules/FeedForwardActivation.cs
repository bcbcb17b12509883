namespace Microsoft.ML.Transformer;

/// <summary>The non-linearity between the two linear maps of the position-wise feed-forward network.</summary>
public enum FeedForwardActivation
{
    /// <summary>max(0, x), as in the paper. The default.</summary>
    Relu,

    /// <summary>The Gaussian error linear unit (exact, erf form), as in BERT and GPT.</summary>
    Gelu,
}
