using Microsoft.ML.Transformer.Orleans.Cluster;
using Microsoft.ML.Transformer.Orleans.LocalCluster;
using Microsoft.ML.Transformer.Orleans.Shards;
using Microsoft.ML.Transformer.Tests;

namespace Microsoft.ML.Transformer.Orleans.Tests;

/// <summary>A silo process killed mid-job (Process.Kill: no shutdown, the cluster learns of it by probing): the first
/// started, the last started, and the one hosting the job's coordinator, each in its own three-silo cluster. Every row
/// is still scored exactly once, as one process scores it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class KilledSiloTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("first")]
    [InlineData("last")]
    [InlineData("coordinator")]
    public async Task TheDeadSilosShardsAreScoredByTheOthers(string which)
    {
        fixture.SkipIfUnavailable();
        string input = TestPaths.NewTempDirectory();
        var texts = await ScoringTestData.WriteShards(input, shards: 30, rowsPerShard: 200);
        var spec = new ScoringJobSpec { ModelPath = fixture.ModelPath, InputDirectory = input, OutputDirectory = input + "-scored", TorchThreads = 1 };
        await using LocalScoringCluster cluster = await ClusterFixture.StartCluster(silos: 3);
        string jobId = Guid.NewGuid().ToString("N");
        Task? kill = null;
        int killed = -1;
        var progress = new JobProgressCallback(p =>
        {
            if (kill is not null || p.ShardsDone < 2) return;
            kill = Task.Run(async () =>
            {
                killed = which switch { "first" => 0, "last" => 2, _ => await cluster.CoordinatorSiloAsync(jobId) ?? throw new InvalidOperationException("no coordinator") };
                cluster.KillSilo(killed);
            });
        });

        ScoringJobProgress done = await cluster.RunAsync(spec, jobId, progress).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
        await kill!;

        Assert.True(cluster.Silos[killed].HasExited, $"silo {killed} still runs");
        Assert.Equal(ScoringJobState.Completed, done.State);
        Assert.Empty(done.Failures);
        Assert.Equal(30, done.ShardsDone);
        Assert.Empty(Directory.GetFiles(spec.OutputDirectory, "*" + ShardFiles.PartialSuffix));
        ScoringTestData.AssertScoredOnce(ScoringTestData.SingleProcess(fixture.ModelPath, texts), await ScoringTestData.ReadOutputs(spec.OutputDirectory));
    }
}
