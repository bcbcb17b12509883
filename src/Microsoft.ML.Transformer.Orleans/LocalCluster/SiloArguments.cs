using System.Globalization;
using Microsoft.ML.Transformer.Orleans.Hosting;

namespace Microsoft.ML.Transformer.Orleans.LocalCluster;

/// <summary>The command line of a silo host process (<c>Microsoft.ML.Transformer.Orleans.Silo</c>): what
/// <see cref="LocalScoringCluster"/> writes and the host reads, so that the two agree.</summary>
public sealed record SiloArguments
{
    /// <summary>The line a silo host writes once its silo has joined the cluster.</summary>
    public const string ReadyLine = "scoring silo ready";

    /// <summary>The cluster to join.</summary>
    public ScoringClusterOptions Cluster { get; init; } = new();

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Client gateway port.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>When set, the host exits when this process is gone (no orphan silos after a test run is killed).</summary>
    public int? ParentProcessId { get; init; }

    /// <summary>The arguments that <see cref="Parse"/> reads back.</summary>
    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string> { "--silo-port", Int(SiloPort), "--gateway-port", Int(GatewayPort), "--cluster-id", Cluster.ClusterId,
                                      "--service-id", Cluster.ServiceId, "--advertise", Cluster.AdvertisedAddress.ToString() };
        if (Cluster.RedisConnection is { } redis) args.AddRange(["--redis", redis]);
        else args.AddRange(["--primary-port", Int(Cluster.LocalhostPrimarySiloPort)]);
        if (Cluster.FastFailureDetection) args.Add("--fast-failure-detection");
        if (ParentProcessId is { } parent) args.AddRange(["--parent-pid", Int(parent)]);
        return args;
    }

    /// <summary>Reads a silo host's command line.</summary>
    public static SiloArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected argument '{args[i]}'");
            bool flag = i + 1 == args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[args[i][2..]] = flag ? "true" : args[++i];
        }
        string? Value(string name) => values.GetValueOrDefault(name);
        int? Number(string name) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : null;
        var defaults = new ScoringClusterOptions();
        return new SiloArguments
        {
            Cluster = new ScoringClusterOptions
            {
                RedisConnection = Value("redis"),
                LocalhostPrimarySiloPort = Number("primary-port") ?? defaults.LocalhostPrimarySiloPort,
                ClusterId = Value("cluster-id") ?? defaults.ClusterId,
                ServiceId = Value("service-id") ?? defaults.ServiceId,
                AdvertisedAddress = Value("advertise") is { } address ? System.Net.IPAddress.Parse(address) : defaults.AdvertisedAddress,
                FastFailureDetection = Value("fast-failure-detection") == "true",
            },
            SiloPort = Number("silo-port") ?? 11111,
            GatewayPort = Number("gateway-port") ?? 30000,
            ParentProcessId = Number("parent-pid"),
        };
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
