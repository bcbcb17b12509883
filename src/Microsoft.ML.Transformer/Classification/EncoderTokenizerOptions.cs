namespace Microsoft.ML.Transformer.Classification;

/// <summary>Which tokenizer options a fine-tuning may change on an encoder's fitted tokenizer: those that cut and write
/// rows (length, truncation side, padding, key output, length column), not those that make the vocabulary or the
/// special tokens the encoder was trained with.</summary>
internal static class EncoderTokenizerOptions
{
    /// <summary>Whether <paramref name="given"/> tokenizes into <paramref name="encoders"/>'s vocabulary, differing at most in
    /// how rows are cut and written.</summary>
    public static bool SameVocabulary(TokenizerOptions given, TokenizerOptions encoders)
        => given with
        {
            MaxLength = encoders.MaxLength, Truncation = encoders.Truncation, PadToMaxLength = encoders.PadToMaxLength,
            OutputAsKeys = encoders.OutputAsKeys, LengthColumnName = encoders.LengthColumnName, MaxRowsForFitting = encoders.MaxRowsForFitting,
        } == encoders;
}
