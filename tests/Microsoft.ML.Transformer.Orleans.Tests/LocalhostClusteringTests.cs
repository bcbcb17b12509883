using Microsoft.ML.Transformer.Orleans.Cluster;
using Microsoft.ML.Transformer.Orleans.LocalCluster;
using Microsoft.ML.Transformer.Tests;

namespace Microsoft.ML.Transformer.Orleans.Tests;

/// <summary>Orleans' localhost clustering, the quick single-machine setup without Redis, runs a job end to end.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LocalhostClusteringTests(ClusterFixture fixture)
{
    [Fact]
    public async Task AOneSiloLocalhostClusterScoresEveryRow()
    {
        string input = TestPaths.NewTempDirectory();
        var texts = await ScoringTestData.WriteShards(input, shards: 3, rowsPerShard: 20, ".tsv");
        var spec = new ScoringJobSpec { ModelPath = fixture.ModelPath, InputDirectory = input, OutputDirectory = input + "-scored", TorchThreads = 1 };
        await using LocalScoringCluster cluster = await LocalScoringCluster.StartAsync(
            new LocalScoringClusterOptions { SiloHostPath = ScoringTestData.SiloHostPath, Silos = 1, UseRedis = false }, TestContext.Current.CancellationToken);

        ScoringJobProgress done = await cluster.RunAsync(spec).WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);

        Assert.Equal((ScoringJobState.Completed, 3, 1), (done.State, done.ShardsDone, done.Workers));
        ScoringTestData.AssertScoredOnce(ScoringTestData.SingleProcess(fixture.ModelPath, texts), await ScoringTestData.ReadOutputs(spec.OutputDirectory));
    }
}
