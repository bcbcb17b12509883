using Microsoft.ML.Transformer.Orleans.LocalCluster;
using Microsoft.ML.Transformer.Tests;

namespace Microsoft.ML.Transformer.Orleans.Tests;

/// <summary>The cluster tests run one at a time: each starts real processes, and two clusters on two cores would
/// slow each other past their time bounds.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>A model trained once, and a two-silo Redis cluster that the tests which kill nothing share.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private LocalScoringCluster? _cluster;

    public string Folder { get; } = TestPaths.NewTempDirectory();

    public string ModelPath { get; private set; } = "";

    /// <summary>Why cluster tests cannot run here (no redis-server outside CI), or null.</summary>
    public string? Unavailable { get; private set; }

    public LocalScoringCluster Cluster => _cluster ?? throw new InvalidOperationException(Unavailable ?? "cluster not started");

    public async ValueTask InitializeAsync()
    {
        ModelPath = ScoringTestData.TrainModel(Folder);
        if (RedisServerMissing() is { } missing)
        {
            // CI installs redis-server (build/install-redis.sh, from .ci/run): there, its absence is a failure
            if (Environment.GetEnvironmentVariable("CI") == "true") throw new InvalidOperationException(missing);
            Unavailable = missing;
            return;
        }
        _cluster = await StartCluster(silos: 2);
    }

    /// <summary>A new cluster of <paramref name="silos"/> silo processes, one libtorch thread each.</summary>
    public static Task<LocalScoringCluster> StartCluster(int silos)
        => LocalScoringCluster.StartAsync(new LocalScoringClusterOptions { SiloHostPath = ScoringTestData.SiloHostPath, Silos = silos },
            TestContext.Current.CancellationToken);

    /// <summary>Skips the test where no cluster can run (outside CI, without redis-server).</summary>
    public void SkipIfUnavailable()
    {
        if (Unavailable is { } reason) Assert.Skip(reason);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    private static string? RedisServerMissing()
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        return path.Any(dir => File.Exists(Path.Combine(dir, "redis-server"))) ? null
            : "redis-server is not installed: run build/install-redis.sh (Debian's redis-server package).";
    }
}
