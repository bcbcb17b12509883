using System.Net;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Transformer.Attention;

/// <summary>
/// The self-contained attention page: inline styles, the weights as inline JSON (<c>&lt;script type="application/json"
/// id="attention-data"&gt;</c>) and an inline script (<c>AttentionPage.js</c>) that builds the page from them. Nothing
/// is fetched when the page is viewed.
/// </summary>
internal static class AttentionHtml
{
    /// <summary>The id of the script element that holds the data.</summary>
    public const string DataElementId = "attention-data";

    private static readonly Lazy<string> Script = new(() => Resource("AttentionPage.js"));
    private static readonly Lazy<string> Styles = new(() => Resource("AttentionPage.css"));

    public static string Page(AttentionMap map)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Attention: ")
            .Append(WebUtility.HtmlEncode(Title(map.Text))).Append("</title>\n<style>\n").Append(Styles.Value).Append("</style>\n</head>\n<body>\n")
            .Append("<div id=\"app\"></div>\n")
            .Append("<script type=\"application/json\" id=\"").Append(DataElementId).Append("\">").Append(Json(map)).Append("</script>\n")
            .Append("<script>\n").Append(Script.Value).Append("</script>\n</body>\n</html>\n");
        return page.ToString();
    }

    /// <summary>{ text, output, heads, kinds: [{ kind, name, queries, keys, layers[layer][head][query][key] }] }, weights
    /// rounded to 4 decimals. System.Text.Json's default encoder escapes '&lt;', '&gt;' and '&amp;', so no token can
    /// close the script element.</summary>
    internal static string Json(AttentionMap map)
    {
        var payload = new
        {
            text = map.Text,
            output = map.Output,
            heads = map.Heads,
            kinds = map.Kinds.Select(kind => new
            {
                kind = kind.ToString(),
                name = Name(kind),
                queries = map.QueryTokens(kind),
                keys = map.KeyTokens(kind),
                layers = Enumerable.Range(0, map.Layers(kind)).Select(layer => Enumerable.Range(0, map.Heads).Select(head => Rows(map.Weights(kind, layer, head)))),
            }),
        };
        return JsonSerializer.Serialize(payload);
    }

    private static double[][] Rows(float[,] weights)
    {
        var rows = new double[weights.GetLength(0)][];
        for (int q = 0; q < rows.Length; q++)
        {
            rows[q] = new double[weights.GetLength(1)];
            for (int k = 0; k < rows[q].Length; k++) rows[q][k] = Math.Round(weights[q, k], 4);
        }
        return rows;
    }

    private static string Name(AttentionKind kind) => kind switch
    {
        AttentionKind.EncoderSelf => "Encoder self-attention",
        AttentionKind.DecoderSelf => "Decoder self-attention (masked)",
        _ => "Encoder–decoder attention",
    };

    private static string Title(string text) => text.Length <= 60 ? text : text[..59] + "…";

    private static string Resource(string name)
    {
        using Stream stream = typeof(AttentionHtml).Assembly.GetManifestResourceStream("Microsoft.ML.Transformer.Attention." + name)
            ?? throw new InvalidOperationException($"The library's resource {name} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
