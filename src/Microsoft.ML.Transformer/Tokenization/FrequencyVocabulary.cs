namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>Picks a vocabulary from counts: at least <c>minFrequency</c> occurrences, most frequent first, ties in ordinal order.</summary>
internal static class FrequencyVocabulary
{
    public static string[] Select<TKey>(IEnumerable<KeyValuePair<TKey, long>> counts, Func<TKey, string> toToken, int maxTokens, int minFrequency)
        => counts
            .Where(kv => kv.Value >= minFrequency)
            .Select(kv => (Token: toToken(kv.Key), Count: kv.Value))
            .OrderByDescending(t => t.Count)
            .ThenBy(t => t.Token, StringComparer.Ordinal)
            .Take(maxTokens)
            .Select(t => t.Token)
            .ToArray();

    /// <summary>Token → id map for ordinary tokens (ids start after the special tokens).</summary>
    public static Dictionary<string, int> Index(IReadOnlyList<string> tokens)
    {
        var index = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++)
            if (!index.TryAdd(tokens[i], SpecialTokens.Count + i))
                throw new ModelFormatException($"Token '{tokens[i]}' appears twice in the vocabulary.");
        return index;
    }
}
