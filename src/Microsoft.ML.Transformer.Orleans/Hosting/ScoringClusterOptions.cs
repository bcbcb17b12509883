using System.Net;

namespace Microsoft.ML.Transformer.Orleans.Hosting;

/// <summary>How the silos and clients of a scoring cluster find each other.</summary>
public sealed record ScoringClusterOptions
{
    /// <summary>The Redis that holds the membership table (StackExchange.Redis configuration, e.g. <c>10.0.0.5:6379</c>):
    /// silos register there, probe each other, and vote a silo that stops answering dead; any silo may die. Null: Orleans'
    /// localhost clustering (<see cref="LocalhostPrimarySiloPort"/>), one machine only, and the cluster lives only as long
    /// as its primary silo.</summary>
    public string? RedisConnection { get; init; }

    /// <summary>With localhost clustering, the silo port of the primary silo (the first one started).</summary>
    public int LocalhostPrimarySiloPort { get; init; } = 11111;

    /// <summary>With localhost clustering, the gateway ports of the silos, for a client to connect to.</summary>
    public IReadOnlyList<int> LocalhostGatewayPorts { get; init; } = [30000];

    /// <summary>The Orleans cluster id: silos and clients with the same id (and membership store) form one cluster.</summary>
    public string ClusterId { get; init; } = "mlt-scoring";

    /// <summary>The Orleans service id (stable across deployments of the same service).</summary>
    public string ServiceId { get; init; } = "mlt-scoring";

    /// <summary>The address a silo advertises to the others: loopback (default) for one machine; the machine's own
    /// address in a real cluster.</summary>
    public IPAddress AdvertisedAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Declares a silo dead about two seconds after it stops answering (probes every second, two missed),
    /// where Orleans' defaults take 15 s or more; for tests and demonstrations on one machine, where a probe never
    /// misses for lack of network. Clients also refresh their gateway list every two seconds and give a call up after
    /// five seconds (a call in flight to a silo that dies waits that long).</summary>
    public bool FastFailureDetection { get; init; }
}
