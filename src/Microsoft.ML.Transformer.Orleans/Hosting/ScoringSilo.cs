using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Microsoft.ML.Transformer.Orleans.Hosting;

/// <summary>Makes a host a silo of a scoring cluster (the coordinator and worker grains live in this assembly).</summary>
public static class ScoringSilo
{
    /// <summary>Joins the silo to the cluster that <paramref name="cluster"/> describes, listening on
    /// <paramref name="siloPort"/> (silo to silo) and <paramref name="gatewayPort"/> (clients).</summary>
    public static ISiloBuilder UseScoringCluster(this ISiloBuilder silo, ScoringClusterOptions cluster, int siloPort, int gatewayPort)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.RedisConnection is { } redis)
        {
            silo.UseRedisClustering(redis)
                .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId))
                .ConfigureEndpoints(cluster.AdvertisedAddress, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddressIsLoopback(cluster));
        }
        else
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, cluster.LocalhostPrimarySiloPort),
                cluster.ServiceId, cluster.ClusterId);
        }
        if (cluster.FastFailureDetection)
        {
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            });
        }
        return silo;
    }

    /// <summary>A host running one silo of the scoring cluster; Orleans logs warnings, the scoring grains also information (model loads, shards), on the console.</summary>
    public static IHost Build(ScoringClusterOptions cluster, int siloPort, int gatewayPort)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss.fff "))
            .SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.ML.Transformer.Orleans", LogLevel.Information);
        builder.UseOrleans(silo => silo.UseScoringCluster(cluster, siloPort, gatewayPort));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        return builder.Build();
    }

    private static bool IPAddressIsLoopback(ScoringClusterOptions cluster) => System.Net.IPAddress.IsLoopback(cluster.AdvertisedAddress);
}
