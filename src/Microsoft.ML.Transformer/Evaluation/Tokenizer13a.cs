using System.Text.RegularExpressions;

namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>
/// The <c>13a</c> tokenizer: sacreBLEU's default for BLEU, which reproduces the tokenization of WMT's
/// <c>mteval-v13a.pl</c>. Language-independent clean-up first (drop <c>&lt;skipped&gt;</c>, join words hyphenated
/// across lines, lines become spaces, four HTML entities unescaped), then punctuation is split from words, except
/// periods and commas inside numbers, the apostrophe, and hyphens not preceded by a digit.
/// </summary>
internal static partial class Tokenizer13a
{
    /// <summary>The tokens of <paramref name="line"/> joined by single spaces, without leading or trailing space.</summary>
    public static string Tokenize(string line)
    {
        line = line.Replace("<skipped>", "").Replace("-\n", "").Replace("\n", " ");
        if (line.Contains('&'))
        {
            // in this order, as mteval does: "&amp;lt;" ends up as "<"
            line = line.Replace("&quot;", "\"").Replace("&amp;", "&").Replace("&lt;", "<").Replace("&gt;", ">");
        }

        // the padding lets a period or comma at either end be split off by the rules below
        line = " " + line + " ";
        line = Symbol().Replace(line, " $1 ");
        line = PeriodOrCommaAfterNonDigit().Replace(line, "$1 $2 ");
        line = PeriodOrCommaBeforeNonDigit().Replace(line, " $1 $2");
        line = DashAfterDigit().Replace(line, "$1 $2 ");
        return string.Join(' ', WhitespaceTokens.Split(line));
    }

    /// <summary>ASCII punctuation and symbols except the apostrophe, hyphen, period and comma (and the space, which
    /// is harmless to pad): the ranges space–&amp;, (–+, /, :–@, [–` and {–~.</summary>
    [GeneratedRegex(@"([ -&(-+/:-@\[-`{-~])", RegexOptions.CultureInvariant)]
    private static partial Regex Symbol();

    /// <summary>A period or comma after a non-digit ("end." but not "3.14").</summary>
    [GeneratedRegex(@"([^0-9])([.,])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaAfterNonDigit();

    /// <summary>A period or comma before a non-digit ("3." at a sentence end, but not "3.14").</summary>
    [GeneratedRegex(@"([.,])([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodOrCommaBeforeNonDigit();

    /// <summary>A hyphen after a digit ("1990-2000").</summary>
    [GeneratedRegex(@"([0-9])(-)", RegexOptions.CultureInvariant)]
    private static partial Regex DashAfterDigit();
}
