using Microsoft.ML.Transformer.Orleans.Cluster;
using Microsoft.ML.Transformer.Orleans.LocalCluster;
using Microsoft.ML.Transformer.Orleans.Shards;
using Microsoft.ML.Transformer.Tests;

namespace Microsoft.ML.Transformer.Orleans.Tests;

/// <summary>A silo process killed mid-job (Process.Kill: no shutdown, the cluster learns of it by probing), in a
/// two-silo cluster of its own: the first started, then the last started. One of the two hosts the job's coordinator,
/// so each run kills a coordinator's silo and a worker-only silo, in the order placement chose. Every row is still
/// scored exactly once, as one process scores it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class KilledSiloTests(ClusterFixture fixture)
{
    [Theory]
    [InlineData("first")]
    [InlineData("last")]
    public async Task TheDeadSilosShardsAreScoredByTheOthers(string which)
    {
        fixture.SkipIfUnavailable();
        string input = TestPaths.NewTempDirectory();
        var texts = await ScoringTestData.WriteShards(input, shards: 30, rowsPerShard: 200);
        var spec = new ScoringJobSpec { ModelPath = fixture.ModelPath, InputDirectory = input, OutputDirectory = input + "-scored", TorchThreads = 1 };
        await using LocalScoringCluster cluster = await ClusterFixture.StartCluster(silos: 2);
        string jobId = Guid.NewGuid().ToString("N");
        Task? kill = null;
        int killed = -1, doneAtKill = -1;
        int? coordinator = null;
        var progress = new JobProgressCallback(p =>
        {
            TestContext.Current.TestOutputHelper!.WriteLine(p.ToString());
            if (kill is not null || p.ShardsDone < 2) return;
            doneAtKill = p.ShardsDone;
            kill = Task.Run(async () =>
            {
                coordinator = await cluster.CoordinatorSiloAsync(jobId);
                killed = which == "first" ? 0 : cluster.Silos.Count - 1;
                cluster.KillSilo(killed);
            });
        });

        ScoringJobProgress done;
        try
        {
            done = await cluster.RunAsync(spec, jobId, progress).WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);
            await kill!;
        }
        catch
        {
            foreach (ChildProcess silo in cluster.Silos) TestContext.Current.TestOutputHelper!.WriteLine($"--- {silo.Name}:\n{silo.LastOutput}");
            throw;
        }

        TestContext.Current.TestOutputHelper!.WriteLine($"killed silo {killed} after {doneAtKill} shards; the coordinator was on silo {coordinator}");
        bool exited = cluster.Silos[killed].HasExited;
        await cluster.DisposeAsync();
        Assert.True(exited, $"silo {killed} still runs");
        Assert.InRange(doneAtKill, 2, 20);   // killed mid-job, with shards left for the dead silo to have held
        Assert.Equal(ScoringJobState.Completed, done.State);
        Assert.Empty(done.Failures);
        Assert.Equal(30, done.ShardsDone);
        Assert.Empty(Directory.GetFiles(spec.OutputDirectory, "*" + ShardFiles.PartialSuffix));
        ScoringTestData.AssertScoredOnce(ScoringTestData.SingleProcess(fixture.ModelPath, texts), await ScoringTestData.ReadOutputs(spec.OutputDirectory));
    }
}
