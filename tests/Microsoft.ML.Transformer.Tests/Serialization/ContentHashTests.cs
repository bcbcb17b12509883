using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Tests.Serialization;

/// <summary>The hash a save records must be the hash a load computes from the indented file, whatever the config holds.</summary>
public class ContentHashTests
{
    private sealed record Sample(string Text, double Small, double Tenth, float Single, TokenizerKind Kind, string? Missing, string[] Tokens, TimeSpan Duration);

    private static readonly Sample Awkward = new("café \"quoted\" <b>&</b> \u2028 \t 日本", 1e-5, 0.1, 1f / 3, TokenizerKind.Word, null,
        ["é", "\\", "\u0001"], TimeSpan.FromSeconds(2.8189263));

    private static readonly byte[] Tensors = [1, 2, 3];

    [Fact]
    public void SavedNodeAndReparsedFileHashAlike()
    {
        JsonNode saved = JsonSerializer.SerializeToNode(Awkward, ComponentArchive.Json)!;
        byte[] file = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["config"] = saved.DeepClone() }, ComponentArchive.Json);
        JsonNode loaded = JsonNode.Parse(file)!["config"]!;
        Assert.Equal(ContentHash.Compute(saved, Tensors), ContentHash.Compute(loaded, Tensors));
    }

    [Fact]
    public void AnyChangeOfConfigOrTensorsChangesIt()
    {
        JsonNode config = JsonSerializer.SerializeToNode(Awkward, ComponentArchive.Json)!;
        string hash = ContentHash.Compute(config, Tensors);
        Assert.NotEqual(hash, ContentHash.Compute(config, [1, 2, 4]));
        Assert.NotEqual(hash, ContentHash.Compute(JsonSerializer.SerializeToNode(Awkward with { Small = 2e-5 }, ComponentArchive.Json)!, Tensors));
        Assert.Matches("^sha256:[0-9a-f]{64}$", hash);
    }
}
