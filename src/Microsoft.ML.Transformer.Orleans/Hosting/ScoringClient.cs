using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Microsoft.ML.Transformer.Orleans.Hosting;

/// <summary>A client of a scoring cluster: what submits jobs and follows them (<see cref="Cluster.ScoringJobs"/>).</summary>
public static class ScoringClient
{
    /// <summary>Makes the client connect to the cluster that <paramref name="cluster"/> describes.</summary>
    public static IClientBuilder UseScoringCluster(this IClientBuilder client, ScoringClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.RedisConnection is { } redis)
            client.UseRedisClustering(redis).Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
        else
            client.UseLocalhostClustering([.. cluster.LocalhostGatewayPorts], cluster.ServiceId, cluster.ClusterId);
        if (cluster.FastFailureDetection)
        {
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
            // a client is no member: a call to a silo that died waits for its response timeout (30 s by default)
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        }
        return client;
    }

    /// <summary>Starts a client host connected to the cluster (it retries until a gateway answers or
    /// <paramref name="cancellation"/> fires); its <see cref="IClusterClient"/> is in its services.</summary>
    public static async Task<IHost> ConnectAsync(ScoringClusterOptions cluster, CancellationToken cancellation = default)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Error);
        builder.UseOrleansClient(client => client.UseScoringCluster(cluster));
        IHost host = builder.Build();
        await host.StartAsync(cancellation);
        return host;
    }
}
