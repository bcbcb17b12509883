using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>The text clean-up applied before every tokenizer kind, identically at fit and transform time.</summary>
internal sealed partial class TextNormalizer(bool lowerCase, bool stripHtmlTags)
{
    public bool IsIdentity => !lowerCase && !stripHtmlTags;

    public string Normalize(ReadOnlySpan<char> text)
    {
        string result = text.ToString();
        if (stripHtmlTags) result = HtmlTag().Replace(result, " ");
        if (lowerCase) result = result.ToLowerInvariant();
        return result;
    }

    // A tag is '<', a letter or '/', then anything but '<' or '>' up to '>': "<br />", "<i>", "</a>". Leaves "a < b" alone.
    [GeneratedRegex(@"<[A-Za-z/][^<>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex HtmlTag();
}
