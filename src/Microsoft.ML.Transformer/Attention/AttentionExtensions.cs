using Microsoft.ML.Transformer.Attention;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer;

/// <summary>Looking inside a trained Transformer: its attention weights on one text, as the Illustrated Transformer
/// pictures them.</summary>
public static class AttentionExtensions
{
    /// <summary>
    /// Runs a trained model on <paramref name="text"/> and records the attention weights of every layer and head.
    /// <paramref name="model"/> is what <c>Fit</c> returned or <c>mlContext.Model.Load</c> read: usually a chain of a
    /// <see cref="TokenizerTransformer"/> and a Transformer model (<see cref="TransformerClassifierTransformer"/>,
    /// <see cref="SequenceToSequenceTransformer"/>). The last model with attention in the chain is used, and the text is
    /// tokenized exactly as the pipeline does it, by the tokenizer that writes the model's token column (special tokens,
    /// truncation to its MaxLength; padding left out). A sequence-to-sequence model first decodes the text as it does
    /// when scoring, then records its decoder on that output.
    /// </summary>
    /// <exception cref="ArgumentException">The text is empty or has no tokens; the model has no Transformer with
    /// attention; there is no tokenizer for it in the chain (use the overload that takes one); or the tokens do not fit
    /// the model.</exception>
    public static AttentionMap GetAttention(this ITransformer model, string text)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckText(text);
        var (source, tokenizer) = Find(model, explicitTokenizer: null);
        return Record(source, tokenizer, text);
    }

    /// <summary>
    /// The same, tokenizing with <paramref name="tokenizer"/>: for a model used on its own (a bare
    /// <see cref="TransformerClassifierTransformer"/> or <see cref="SequenceToSequenceTransformer"/>) or a chain whose
    /// tokenizer cannot be found. <paramref name="tokenizer"/> must be the one the model was trained with.
    /// </summary>
    public static AttentionMap GetAttention(this ITransformer model, string text, TokenizerTransformer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        CheckText(text);
        var (source, found) = Find(model, tokenizer);
        return Record(source, found, text);
    }

    private static void CheckText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("The text to look at is empty.", nameof(text));
    }

    private static AttentionMap Record(IAttentionSource source, TokenizerTransformer tokenizer, string text)
    {
        var encoder = new TokenSequenceEncoder(tokenizer.Tokenizer, tokenizer.Options);
        int length = encoder.Encode(text);
        int[] ids = encoder.Sequence[..length].ToArray();
        if (ids.Length == 0)
            throw new ArgumentException($"The tokenizer makes no tokens of \"{text}\" (and adds no special tokens).", nameof(text));
        return new AttentionMap(text, source.RecordAttention(ids, tokenizer.Tokenizer));
    }

    /// <summary>The last model with attention in <paramref name="model"/> (a chain, nested chains, or the model itself),
    /// and the tokenizer of its input: the given one, else the model's own, else the last tokenizer before it in the chain
    /// that writes the model's token column, else the last tokenizer before it.</summary>
    private static (IAttentionSource Source, TokenizerTransformer Tokenizer) Find(ITransformer model, TokenizerTransformer? explicitTokenizer)
    {
        List<ITransformer> steps = [];
        Flatten(model, steps);
        int at = steps.FindLastIndex(t => t is IAttentionSource);
        if (at < 0)
            throw new ArgumentException($"{Describe(steps)} has no Transformer model with attention (a TransformerClassifierTransformer, " +
                "a SequenceToSequenceTransformer or a language model).", nameof(model));
        var source = (IAttentionSource)steps[at];
        if (explicitTokenizer is not null) return (source, explicitTokenizer);
        if (source.InputTokenizer is { } own) return (source, own);
        var before = steps.Take(at).OfType<TokenizerTransformer>().ToList();
        TokenizerTransformer? tokenizer = before.LastOrDefault(t => t.OutputColumnName == source.TokenColumnName) ?? before.LastOrDefault();
        return tokenizer is null
            ? throw new ArgumentException($"{Describe(steps)} has no TokenizerTransformer before its {steps[at].GetType().Name} to turn the text " +
                $"into the '{source.TokenColumnName}' column; pass the tokenizer the model was trained with: GetAttention(text, tokenizer).", nameof(model))
            : (source, tokenizer);
    }

    private static void Flatten(ITransformer model, List<ITransformer> steps)
    {
        if (model is IEnumerable<ITransformer> chain)
            foreach (ITransformer step in chain) Flatten(step, steps);
        else steps.Add(model);
    }

    private static string Describe(List<ITransformer> steps) => steps.Count switch
    {
        0 => "The model (an empty chain)",
        1 => $"The model ({steps[0].GetType().Name})",
        _ => $"The model (a chain of {string.Join(", ", steps.Select(s => s.GetType().Name))})",
    };
}
