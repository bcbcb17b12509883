namespace Microsoft.ML.Transformer.Attention;

/// <summary>What an <see cref="IAttentionSource"/> recorded for one input: one <see cref="AttentionRecord"/> per kind of
/// attention the model has, and the text the model produced from the input, if it produces text (sequence-to-sequence).</summary>
internal sealed record AttentionRecording(IReadOnlyList<AttentionRecord> Records, string? Output = null);
