namespace Microsoft.ML.Transformer.Attention;

/// <summary>
/// A trained model transformer whose attention weights <see cref="AttentionExtensions.GetAttention(ITransformer, string)"/>
/// can show. Implemented by <see cref="TransformerClassifierTransformer"/> (encoder self-attention) and
/// <see cref="SequenceToSequenceTransformer"/> (all three kinds); a decoder-only language model implements it with
/// <see cref="AttentionKind.DecoderSelf"/> alone.
/// </summary>
/// <remarks>
/// <para>Contract:</para>
/// <list type="bullet">
/// <item><c>GetAttention</c> must find the input ids. A model that reads a token-id column made by a
/// <see cref="TokenizerTransformer"/> earlier in the chain (classifier, sequence-to-sequence) names that column in
/// <see cref="TokenColumnName"/> and returns null from <see cref="InputTokenizer"/>. A model that carries its own
/// tokenizer (a decoder-only language model that reads text) returns it from <see cref="InputTokenizer"/>; it is then
/// used instead of any tokenizer in the chain, and <see cref="TokenColumnName"/> may be null.</item>
/// <item><see cref="RecordAttention"/> receives the ids exactly as the pipeline makes them for one row (special tokens,
/// truncation to the tokenizer's MaxLength), with trailing [PAD]s removed, at least one id; and the tokenizer that made
/// them, to label the tokens with <see cref="AttentionTokens.Readable(TextTokenizer, ReadOnlySpan{int})"/>. It checks
/// the ids against its vocabulary and length limit as its scoring does (cut what scoring cuts, throw
/// <see cref="ArgumentException"/> where scoring fails), runs one forward pass in inference mode (<c>eval</c>,
/// <c>no_grad</c>) with an <c>AttentionRecorder</c> and no key/value cache, and returns one <see cref="AttentionRecord"/>
/// per attention kind of the model (<see cref="AttentionRecord.FromRecorder"/>), in the order
/// <see cref="AttentionKind.EncoderSelf"/>, <see cref="AttentionKind.DecoderSelf"/>, <see cref="AttentionKind.EncoderDecoder"/>.
/// It must not change the model and must be safe to call while the model scores on other threads.</item>
/// <item>Token labels: self-attention has the same queries and keys (the sequence the stack reads). A decoder's
/// sequence is its input: [BOS] followed by the generated tokens (a language model: the prompt's ids as given), so the
/// row of token t shows what the position that reads t and predicts t + 1 attends to. Encoder–decoder attention has the
/// decoder's tokens as queries and the source tokens as keys.</item>
/// <item>A model that generates text returns it as <see cref="AttentionRecording.Output"/> (a language model may
/// return null: it attends over the prompt only).</item>
/// </list>
/// </remarks>
internal interface IAttentionSource
{
    /// <summary>The token-id column the model reads, to find the <see cref="TokenizerTransformer"/> that writes it in a
    /// chain; null when the model tokenizes text itself (<see cref="InputTokenizer"/>).</summary>
    string? TokenColumnName { get; }

    /// <summary>The tokenizer the model carries for its own input, or null when its ids come from a
    /// <see cref="TokenizerTransformer"/> earlier in the pipeline.</summary>
    TokenizerTransformer? InputTokenizer { get; }

    /// <summary>Runs the model on one row of token ids and records every attention layer and head.</summary>
    /// <param name="tokenIds">The row's ids (see the contract above); not empty.</param>
    /// <param name="tokenizer">The tokenizer that made <paramref name="tokenIds"/>, for the token labels.</param>
    AttentionRecording RecordAttention(int[] tokenIds, TextTokenizer tokenizer);
}
