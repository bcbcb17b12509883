using Microsoft.ML.Transformer.Scoring;

namespace Microsoft.ML.Transformer.Onnx;

/// <summary>What an export writes, found in the model the user holds (the model alone, or a fitted pipeline such as
/// <c>TransformerOnText</c>'s): one model of a kind that exports, and the tokenizer that makes its token ids when the
/// pipeline (or the model itself) has it.</summary>
internal sealed record ExportableModel(ModelTransformerBase Model, TokenizerTransformer? Tokenizer)
{
    /// <summary>The kinds with a graph today.</summary>
    private static bool Exports(ModelTransformerBase model) => model is TransformerClassifierTransformer or EmbeddingTransformer or PretrainedEncoderTransformer
        or LanguageModelTransformer or SequenceToSequenceTransformer;

    /// <exception cref="NotSupportedException">The model is one of ours that cannot be exported yet; the message names it.</exception>
    /// <exception cref="ArgumentException">The model holds no Transformer model, or more than one that exports.</exception>
    public static ExportableModel Find(ITransformer model)
    {
        List<ITransformer> parts = [.. Flatten(model)];
        ModelTransformerBase[] ours = [.. parts.OfType<ModelTransformerBase>()];
        ModelTransformerBase[] exportable = [.. ours.Where(Exports)];
        if (exportable.Length == 0 && ours.Length > 0)
            throw new NotSupportedException($"ONNX export of {ours[0].GetType().Name} is not supported yet: today the Transformer classifier " +
                $"({nameof(TransformerClassifierTransformer)}), {nameof(EmbeddingTransformer)}, {nameof(PretrainedEncoderTransformer)}, " +
                $"{nameof(LanguageModelTransformer)} and {nameof(SequenceToSequenceTransformer)} export, alone or inside a fitted pipeline.");
        if (exportable.Length == 0)
            throw new ArgumentException($"The model ({string.Join(" → ", parts.Select(p => p.GetType().Name))}) holds no Transformer model: " +
                $"ONNX export writes a {nameof(TransformerClassifierTransformer)}, {nameof(EmbeddingTransformer)}, {nameof(PretrainedEncoderTransformer)}, " +
                $"{nameof(LanguageModelTransformer)} or {nameof(SequenceToSequenceTransformer)}.", nameof(model));
        if (exportable.Length > 1)
            throw new ArgumentException($"The model holds {exportable.Length} Transformer models ({string.Join(", ", exportable.Select(m => m.GetType().Name))}); " +
                "an ONNX file holds one: export each on its own.", nameof(model));
        ModelTransformerBase found = exportable[0];
        TokenizerTransformer? own = found switch
        {
            PretrainedEncoderTransformer pretrained => pretrained.Tokenizer,
            LanguageModelTransformer languageModel => languageModel.Tokenizer,
            _ => null,
        };
        return new(found, own ?? TokenizerBefore(parts, found));
    }

    /// <summary>The last tokenizer before <paramref name="model"/> that writes the token column it reads.</summary>
    private static TokenizerTransformer? TokenizerBefore(List<ITransformer> parts, ModelTransformerBase model)
    {
        string tokens = model switch
        {
            TransformerClassifierTransformer classifier => classifier.TokensColumnName,
            EmbeddingTransformer embedding => embedding.InputColumnName,
            SequenceToSequenceTransformer seq2seq => seq2seq.SourceTokensColumnName,   // the source tokenizer; the target one is the model's
            _ => "",
        };
        return parts.TakeWhile(p => p != model).OfType<TokenizerTransformer>().LastOrDefault(t => t.OutputColumnName == tokens);
    }

    /// <summary>The transformers of a (nested) chain in order.</summary>
    private static IEnumerable<ITransformer> Flatten(ITransformer model)
        => model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];
}
