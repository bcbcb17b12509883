using Microsoft.ML.Transformer.Orleans.Cluster;
using Microsoft.ML.Transformer.Orleans.Shards;
using Microsoft.ML.Transformer.Tests;

namespace Microsoft.ML.Transformer.Orleans.Tests;

/// <summary>Jobs on a real two-silo cluster (separate processes, Redis membership) that lose no silo.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterScoringTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private ScoringJobSpec Spec(string input, string? model = null) => new()
    {
        ModelPath = model ?? fixture.ModelPath, InputDirectory = input, OutputDirectory = input + "-scored", TorchThreads = 1,
    };

    private static async Task<ScoringJobProgress> Run(ClusterFixture fixture, ScoringJobSpec spec, IProgress<ScoringJobProgress>? progress = null,
        CancellationToken cancellation = default)
        => await fixture.Cluster.RunAsync(spec, progress: progress, cancellation: cancellation).WaitAsync(Bound, TestContext.Current.CancellationToken);

    [Fact]
    public async Task EveryRowIsScoredOnceAsInOneProcessAndARerunSkipsEverything()
    {
        fixture.SkipIfUnavailable();
        string input = TestPaths.NewTempDirectory();
        var texts = await ScoringTestData.WriteShards(input, shards: 6, rowsPerShard: 50);
        foreach (var (id, text) in await ScoringTestData.WriteShards(input + "-tsv", shards: 2, rowsPerShard: 40, ".tsv.gz", seed: 5))
            texts[id + 100_000] = text;   // TSV.GZ shards beside the Parquet ones, ids apart
        foreach (string tsv in Directory.GetFiles(input + "-tsv"))
        {
            ShardTable table = await ShardFiles.ReadAsync(tsv);
            long[] ids = [.. ((string[])table.Find("id")!.Values).Select(s => long.Parse(s) + 100_000)];
            await ShardFiles.WriteAtomicallyAsync(new ShardTable([new ShardColumn("id", ids), .. table.Columns.Skip(1)]), Path.Combine(input, "tsv-" + Path.GetFileName(tsv)));
        }
        ScoringJobSpec spec = Spec(input);

        ScoringJobProgress done = await Run(fixture, spec, new JobProgressCallback(p => TestContext.Current.TestOutputHelper!.WriteLine(p.ToString())));
        foreach (var silo in fixture.Cluster.Silos) TestContext.Current.TestOutputHelper!.WriteLine(silo.LastOutput);

        Assert.Equal(ScoringJobState.Completed, done.State);
        Assert.Equal((8, 8, 0), (done.ShardsTotal, done.ShardsDone, done.ShardsSkipped));
        Assert.Empty(done.Failures);
        Assert.Equal(texts.Count, done.Rows);
        Assert.Equal(2, done.Workers);
        ScoringTestData.AssertScoredOnce(ScoringTestData.SingleProcess(fixture.ModelPath, texts), await ScoringTestData.ReadOutputs(spec.OutputDirectory));

        var written = Directory.GetFiles(spec.OutputDirectory).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        ScoringJobProgress again = await Run(fixture, spec);
        Assert.Equal((ScoringJobState.Completed, 8, 8, 0L), (again.State, again.ShardsSkipped, again.ShardsDone, again.Rows));
        Assert.All(written, w => Assert.Equal(w.Value, File.GetLastWriteTimeUtc(w.Key)));
    }

    [Fact]
    public async Task ACorruptShardIsReportedAndTheRestIsScored()
    {
        fixture.SkipIfUnavailable();
        string input = TestPaths.NewTempDirectory();
        var texts = await ScoringTestData.WriteShards(input, shards: 4, rowsPerShard: 30);
        await File.WriteAllBytesAsync(Path.Combine(input, "part-bad.parquet"), [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 7))]);
        ScoringJobSpec spec = Spec(input);

        ScoringJobProgress done = await Run(fixture, spec);

        Assert.Equal(ScoringJobState.Completed, done.State);
        Assert.Equal((5, 4), (done.ShardsTotal, done.ShardsDone));
        ShardFailure failure = Assert.Single(done.Failures);
        Assert.Equal("part-bad.parquet", failure.Shard);
        Assert.False(File.Exists(Path.Combine(spec.OutputDirectory, "part-bad.parquet")));
        ScoringTestData.AssertScoredOnce(ScoringTestData.SingleProcess(fixture.ModelPath, texts), await ScoringTestData.ReadOutputs(spec.OutputDirectory));
    }

    [Fact]
    public async Task AModelThatDoesNotLoadFailsTheJobClearly()
    {
        fixture.SkipIfUnavailable();
        string input = TestPaths.NewTempDirectory();
        await ScoringTestData.WriteShards(input, shards: 3, rowsPerShard: 10);
        string broken = Path.Combine(TestPaths.NewTempDirectory(), "broken.zip");
        await File.WriteAllTextAsync(broken, "not a zip");

        var error = await Assert.ThrowsAsync<ScoringJobException>(() => Run(fixture, Spec(input, broken)));

        Assert.Contains("broken.zip did not load on silo", error.Message);
        Assert.Equal(ScoringJobState.Failed, error.Progress!.State);
        Assert.Empty(ShardFormats.List(input + "-scored"));
    }

    [Fact]
    public async Task CancellingStopsTheJobAndLeavesNoPartialShard()
    {
        fixture.SkipIfUnavailable();
        string input = TestPaths.NewTempDirectory();
        await ScoringTestData.WriteShards(input, shards: 40, rowsPerShard: 200);
        ScoringJobSpec spec = Spec(input);
        using var cancel = new CancellationTokenSource();
        var progress = new JobProgressCallback(p => { if (p.ShardsDone >= 1) cancel.Cancel(); });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(fixture, spec, progress, cancel.Token));

        string[] outputs = ShardFormats.List(spec.OutputDirectory);
        Assert.InRange(outputs.Length, 1, 39);
        Assert.Empty(Directory.GetFiles(spec.OutputDirectory, "*" + ShardFiles.PartialSuffix));
        foreach (string output in outputs) Assert.Equal(200, (await ShardFiles.ReadAsync(output)).RowCount);
    }
}
