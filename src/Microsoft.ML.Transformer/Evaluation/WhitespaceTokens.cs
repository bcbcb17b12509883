namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>Splits text on whitespace the way Python's <c>str.split()</c> does, so that token counts agree with
/// sacreBLEU: .NET's whitespace plus the four separator controls U+001C–U+001F, which Python also treats as
/// whitespace.</summary>
internal static class WhitespaceTokens
{
    public static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    /// <summary>The tokens of <paramref name="text"/>: its maximal runs of non-whitespace characters.</summary>
    public static string[] Split(string text)
    {
        var tokens = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool separator = i == text.Length || IsSeparator(text[i]);
            if (separator && start >= 0)
            {
                tokens.Add(text[start..i]);
                start = -1;
            }
            else if (!separator && start < 0)
            {
                start = i;
            }
        }
        return [.. tokens];
    }

    /// <summary><paramref name="text"/> without trailing whitespace (Python's <c>str.rstrip()</c>).</summary>
    public static string TrimEnd(string text)
    {
        int end = text.Length;
        while (end > 0 && IsSeparator(text[end - 1])) end--;
        return text[..end];
    }
}
