using System.Text.Json;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>Skipped rows by reason in the epoch summary: saved and read back equal, and absent from summaries saved before.</summary>
public class EpochSummaryTests
{
    private static EpochSummary Summary() => new(1, 0.5, 0.75, null, null, true, 32, 8, 1000, TimeSpan.FromSeconds(2))
    {
        SkippedRows = new Dictionary<string, long> { ["a missing label in 'Label'"] = 8 },
    };

    [Fact]
    public void SkippedRowsByReasonRoundTripAndCompareByContent()
    {
        string json = JsonSerializer.Serialize(Summary(), ComponentArchive.Json);
        EpochSummary loaded = JsonSerializer.Deserialize<EpochSummary>(json, ComponentArchive.Json)!;

        Assert.Equal(Summary(), loaded);
        Assert.Equal(8, loaded.SkippedRows["a missing label in 'Label'"]);
        Assert.NotEqual(Summary(), Summary() with { SkippedRows = new Dictionary<string, long> { ["a missing label in 'Label'"] = 7 } });
    }

    [Fact]
    public void ASummarySavedWithoutReasonsLoadsWithNone()
    {
        string json = JsonSerializer.Serialize(Summary(), ComponentArchive.Json);
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        Assert.True(node.Remove("skippedRows"));

        EpochSummary loaded = node.Deserialize<EpochSummary>(ComponentArchive.Json)!;
        Assert.Equal(8, loaded.RowsSkipped);
        Assert.Empty(loaded.SkippedRows);
    }
}
