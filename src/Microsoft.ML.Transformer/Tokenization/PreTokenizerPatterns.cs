using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>How text is split into pieces before the vocabulary applies; shared by training and encoding.</summary>
internal static partial class PreTokenizerPatterns
{
    /// <summary>GPT-2's split: contractions, letters and digits with their leading space, other symbols, spaces.
    /// BPE merges never cross these pieces.</summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", RegexOptions.CultureInvariant)]
    public static partial Regex ByteLevelBpe();

    /// <summary>Word-level split: runs of word characters, and each other non-space character alone.</summary>
    [GeneratedRegex(@"\w+|[^\w\s]", RegexOptions.CultureInvariant)]
    public static partial Regex Words();
}
