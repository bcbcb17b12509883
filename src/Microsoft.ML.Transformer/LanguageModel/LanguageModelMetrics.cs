namespace Microsoft.ML.Transformer;

/// <summary>How well a language model predicts a text: the mean next-token cross-entropy, in the units papers use.</summary>
/// <param name="NatsPerToken">Mean −ln P(next token | context) over every token (the validation loss).</param>
/// <param name="BitsPerCharacter">Total −log₂ P over the text's characters (with a character tokenizer, ≈ nats per token / ln 2).</param>
/// <param name="Perplexity">exp(NatsPerToken).</param>
/// <param name="Tokens">Tokens predicted.</param>
/// <param name="Characters">Characters of text evaluated.</param>
public sealed record LanguageModelMetrics(double NatsPerToken, double BitsPerCharacter, double Perplexity, long Tokens, long Characters);
