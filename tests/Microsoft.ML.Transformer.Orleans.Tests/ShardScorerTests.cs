using Microsoft.ML.Transformer.Orleans.Scoring;
using Microsoft.ML.Transformer.Orleans.Shards;
using Microsoft.ML.Transformer.Tests;

namespace Microsoft.ML.Transformer.Orleans.Tests;

/// <summary>The scoring a worker does, in this process: shards of each format in, scored shards out, as plain
/// Transform scores the same rows; a failed write leaves nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ShardScorerTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData(".parquet")]
    [InlineData(".tsv")]
    [InlineData(".tsv.gz")]
    public async Task ScoresAShardAsTransformDoes(string extension)
    {
        string input = TestPaths.NewTempDirectory(), output = TestPaths.NewTempDirectory();
        var texts = await ScoringTestData.WriteShards(input, shards: 1, rowsPerShard: 25, extension);
        string shard = Assert.Single(ShardFormats.List(input));
        using ShardScorer scorer = ShardScorer.Load(fixture.ModelPath, torchThreads: 1);

        ShardScore score = scorer.Score(shard, Path.Combine(output, Path.GetFileName(shard)));

        Assert.Equal(25, score.Rows);
        Assert.Equal(score.Duration, score.Read + score.Transform + score.Write);   // the phases cover the whole shard
        Assert.True(score.Transform > TimeSpan.Zero && score.Read > TimeSpan.Zero && score.Write > TimeSpan.Zero, $"phases: {score}");
        ScoringTestData.AssertScoredOnce(ScoringTestData.SingleProcess(fixture.ModelPath, texts), await ScoringTestData.ReadOutputs(output));
        ShardTable written = await ShardFiles.ReadAsync(Path.Combine(output, Path.GetFileName(shard)));
        Assert.Equal(["id", "Text", "label"], written.Columns.Take(3).Select(c => c.Name));   // the model's Text matched 'text'
        Assert.Equal(texts.Values.Order(), ((string[])written.Find("Text")!.Values).Order());
    }

    [Fact]
    public async Task ACancelledWriteLeavesNoFile()
    {
        string output = TestPaths.NewTempDirectory();
        var table = new ShardTable([new ShardColumn("id", Enumerable.Range(0, 1000).Select(i => (long)i).ToArray())]);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ShardFiles.WriteAtomicallyAsync(table, Path.Combine(output, "a.parquet"), cancelled.Token));

        Assert.Empty(Directory.GetFiles(output));
    }
}
