namespace Microsoft.ML.Transformer.Compute;

/// <summary>The precision a training run uses, and why, in words for the training log.</summary>
/// <param name="BFloat16">bf16 mixed precision (true) or float32.</param>
/// <param name="Reason">Why, when the options left the choice open; null when <c>MixedPrecision</c> forced it.</param>
internal sealed record PrecisionChoice(bool BFloat16, string? Reason)
{
    public static PrecisionChoice Forced(bool bfloat16) => new(bfloat16, null);

    /// <summary>"bf16 mixed precision" or "float32", with the reason in parentheses when there is one.</summary>
    public string Description => (BFloat16 ? "bf16 mixed precision" : "float32") + (Reason is null ? "" : $" (MixedPrecision not set: {Reason})");
}
