using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Attention;

/// <summary>
/// SaveHtml writes one self-contained page whose script builds the views from the inline JSON. Chromium is not
/// available to these tests, so the page's script runs under node with a small DOM written in the test
/// (<see cref="PageShim"/>), and the elements it creates are counted.
/// </summary>
[Collection(AttentionModelsCollection.Name)]
public partial class AttentionHtmlTests(AttentionModels models)
{
    [Fact]
    public void PageFetchesNothing()
    {
        AttentionMap map = models.Seq2Seq.GetAttention("c a f b");
        string html = map.ToHtml();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.Single(Regex.Matches(html, "<script>"));
        Assert.Single(Regex.Matches(html, "<style>"));
    }

    [Fact]
    public void ScriptBuildsOneToggleAndLinePerHeadAndOneCellPerWeight()
    {
        AttentionMap map = models.Seq2Seq.GetAttention("c a f b");
        JsonElement page = RunPage(map);
        AttentionKind first = map.Kinds[0], last = map.Kinds[^1];
        int h = map.Heads, q = map.QueryTokens(first).Count, k = map.KeyTokens(first).Count;

        JsonElement initial = page.GetProperty("initial");
        Assert.Equal(h, initial.GetProperty("headToggles").GetInt32());
        Assert.Equal(q, initial.GetProperty("queries").GetInt32());
        Assert.Equal(k, initial.GetProperty("keys").GetInt32());
        Assert.Equal(h * k, initial.GetProperty("lines").GetInt32());             // selected token → every key, per head
        Assert.Equal(h, initial.GetProperty("matrices").GetInt32());
        Assert.Equal(h * q * k, initial.GetProperty("cells").GetInt32());
        Assert.Equal(3, initial.GetProperty("kindOptions").GetInt32());
        Assert.Equal(map.Layers(first), initial.GetProperty("layerOptions").GetInt32());

        // clicking query token 1 draws its attention: line opacity = weight, head by head
        Assert.Equal(1, page.GetProperty("selected").GetInt32());
        float[] expected = [.. Enumerable.Range(0, h).SelectMany(head => Row(map.Weights(first, 0, head), 1))];
        AssertClose(expected, page.GetProperty("clickedOpacities"));

        // hiding head 0 leaves the other heads' lines and matrices
        JsonElement hidden = page.GetProperty("oneHeadHidden");
        Assert.Equal((h - 1) * k, hidden.GetProperty("lines").GetInt32());
        Assert.Equal(h - 1, hidden.GetProperty("matrices").GetInt32());
        Assert.Equal((h - 1) * q * k, hidden.GetProperty("cells").GetInt32());
        AssertClose([.. Enumerable.Range(1, h - 1).SelectMany(head => Row(map.Weights(first, 0, head), 1))], page.GetProperty("oneHeadHiddenOpacities"));

        // the kind selector switches to encoder–decoder attention: decoder tokens on the left, source tokens on the right
        JsonElement cross = page.GetProperty("lastKind");
        int crossQ = map.QueryTokens(last).Count, crossK = map.KeyTokens(last).Count;
        Assert.Equal(crossQ, cross.GetProperty("queries").GetInt32());
        Assert.Equal(crossK, cross.GetProperty("keys").GetInt32());
        Assert.Equal((h - 1) * crossK, cross.GetProperty("lines").GetInt32());
        Assert.Equal((h - 1) * crossQ * crossK, cross.GetProperty("cells").GetInt32());
        Assert.Equal(map.Layers(last), cross.GetProperty("layerOptions").GetInt32());
        Assert.Equal("Input: c a f b", page.GetProperty("title").GetString());
    }

    [Fact]
    public void ClassifierPageHasNoKindSelector()
    {
        AttentionMap map = models.Classifier.GetAttention("the plot was good and the acting too");
        JsonElement initial = RunPage(map).GetProperty("initial");
        int tokens = map.QueryTokens(AttentionKind.EncoderSelf).Count;
        Assert.Equal(0, initial.GetProperty("kindOptions").GetInt32());
        Assert.Equal(tokens, initial.GetProperty("queries").GetInt32());
        Assert.Equal(map.Heads * tokens, initial.GetProperty("lines").GetInt32());
        Assert.Equal(map.Heads * tokens * tokens, initial.GetProperty("cells").GetInt32());
    }

    [Fact]
    public void TextAndTokensCannotCloseTheScriptOrInjectMarkup()
    {
        const string text = "the plot </script><img src=x onerror=alert(1)> & <b>good</b>";
        AttentionMap map = models.Classifier.GetAttention(text);
        string html = map.ToHtml();
        Assert.Equal(2, Regex.Matches(html, "</script>").Count);   // the data element's and the script's own
        Assert.DoesNotContain("<img", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Equal("Input: " + text, RunPage(map).GetProperty("title").GetString());   // shown as text, not markup
    }

    [Fact]
    public void SaveHtmlWritesThePage()
    {
        AttentionMap map = models.Classifier.GetAttention("the plot was good");
        using var temp = new ClassifierData.TempDirectory();
        string path = temp.Sub("attention.html");
        map.SaveHtml(path);
        Assert.Equal(map.ToHtml(), File.ReadAllText(path));
    }

    /// <summary>http:, https:, protocol-relative //host, src=/href= attributes, CSS imports and url(…): anything a
    /// browser would fetch.</summary>
    [GeneratedRegex(@"https?:|//[a-z0-9-]+\.[a-z]{2,}|\b(src|href)\s*=|@import|url\(|<link", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    private static JsonElement RunPage(AttentionMap map)
    {
        string? node = FindNode();
        if (node is null) Assert.Skip("node is not installed: the attention page's script cannot be run without a browser or node.");
        using var temp = new ClassifierData.TempDirectory();
        string page = temp.Sub("attention.html"), shim = temp.Sub("shim.js");
        map.SaveHtml(page);
        File.WriteAllText(shim, PageShim.Script);
        var (exit, output) = ProcessRunner.Run(node, [shim, page], timeoutSeconds: 60);
        Assert.True(exit == 0, $"node failed ({exit}):\n{output}");
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
    }

    private static string? FindNode()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Append("/usr/bin").Append("/usr/local/bin"))
        {
            string candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node");
            if (dir.Length > 0 && File.Exists(candidate)) return candidate;
        }
        return null;
    }

    private static IEnumerable<float> Row(float[,] weights, int query)
        => Enumerable.Range(0, weights.GetLength(1)).Select(k => weights[query, k]);

    private static void AssertClose(float[] expected, JsonElement actual)
    {
        float[] values = [.. actual.EnumerateArray().Select(e => (float)e.GetDouble())];
        Assert.Equal(expected.Length, values.Length);
        for (int i = 0; i < values.Length; i++) Assert.True(Math.Abs(expected[i] - values[i]) < 1e-3, $"line {i}: {values[i]} vs weight {expected[i]}");
    }
}
