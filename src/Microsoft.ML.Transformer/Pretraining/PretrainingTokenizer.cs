using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Embedding;

namespace Microsoft.ML.Transformer.Pretraining;

/// <summary>
/// The tokenizer of a pretraining run, decided before any training: the <see cref="EncoderPretrainingOptions.FittedTokenizer"/>;
/// else the <see cref="EncoderPretrainingOptions.InitialEncoder"/>'s (an imported checkpoint's WordPiece, an encoder
/// pretrained here's fitted tokenizer); else one fitted on the text with <see cref="EncoderPretrainingOptions.Tokenizer"/>.
/// It is kept with the options fine-tuning tokenizes with: [CLS] first, at most the sequence length.
/// </summary>
internal static class PretrainingTokenizer
{
    /// <summary>The name of the token column the kept tokenizer writes.</summary>
    public const string TokensColumnName = "Tokens";

    /// <param name="sequenceLength">The sequence length pretrained on: the kept tokenizer's MaxLength.</param>
    public static TokenizerTransformer Resolve(IHost host, IDataView input, string textColumnName, EncoderPretrainingOptions options, int sequenceLength)
    {
        var source = options.InitialEncoder as IEncoderTokenizerSource;
        if (options.FittedTokenizer is { } fitted) return Keep(host, textColumnName, fitted.Options, fitted.Tokenizer, sequenceLength);
        if (source?.FittedTokenizer is { } sourceTokenizer) return Keep(host, textColumnName, source.TokenizerOptions, sourceTokenizer, sequenceLength);
        TokenizerOptions fitOptions = source?.TokenizerOptions ?? options.Tokenizer;
        TokenizerTransformer fresh = new TokenizeForTransformerEstimator(host, TokensColumnName, textColumnName, fitOptions with
        {
            AddBeginOfSequence = false, AddEndOfSequence = false, AddClassificationToken = false, PadToMaxLength = false, OutputAsKeys = false,
            LengthColumnName = null,
        }).Fit(input, options.CancellationToken);
        return Keep(host, textColumnName, fitOptions, fresh.Tokenizer, sequenceLength);
    }

    /// <summary>Refuses a tokenizer whose vocabulary is not <paramref name="encoder"/>'s (size, then fingerprint when known).</summary>
    /// <param name="sourceTokenizer">Whether the encoder brought its own tokenizer (the advice differs).</param>
    public static void CheckMatches(IHost host, TextTokenizer tokenizer, EncoderSnapshot encoder, bool sourceTokenizer)
    {
        bool sameSize = tokenizer.VocabularySize == encoder.Config.SourceVocabularySize;
        if (sameSize && (encoder.VocabularyFingerprint is null || encoder.VocabularyFingerprint == tokenizer.VocabularyFingerprint)) return;
        throw host.Except($"The tokenizer does not match the InitialEncoder: its vocabulary has {tokenizer.VocabularySize} tokens " +
            $"({tokenizer.VocabularyFingerprint}), the encoder's {encoder.Config.SourceVocabularySize}" +
            (encoder.VocabularyFingerprint is { } theirs ? $" ({theirs})" : "") + ". Continued pretraining reads the ids of the encoder's own vocabulary: " +
            (sourceTokenizer ? "leave FittedTokenizer unset to use the encoder's tokenizer, or pass the tokenizer it was trained with."
                : "this encoder brings no tokenizer, so pass the one it was trained with as FittedTokenizer."));
    }

    /// <summary>The tokenizer as the pretrained encoder keeps it, reading the text column.</summary>
    private static TokenizerTransformer Keep(IHost host, string textColumnName, TokenizerOptions options, TextTokenizer tokenizer, int sequenceLength)
        => new(host, TokensColumnName, textColumnName, options with
        {
            MaxLength = sequenceLength, AddClassificationToken = true, AddBeginOfSequence = false, AddEndOfSequence = false, PadToMaxLength = false, OutputAsKeys = false,
            LengthColumnName = null,
        }, tokenizer);
}
