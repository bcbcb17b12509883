namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>One decoded row: its tokens ([EOS] and padding left out) and log P(tokens, [EOS] | source) under the model
/// (without [EOS] when decoding stopped at the length limit).</summary>
internal readonly record struct DecodedSequence(int[] Tokens, float LogProbability);

/// <summary>Where decoding stops: at most <paramref name="MaxTokens"/> tokens before [EOS]; [EOS] forbidden before
/// <paramref name="MinTokens"/>.</summary>
internal readonly record struct DecodingLimits(int MaxTokens, int MinTokens);
