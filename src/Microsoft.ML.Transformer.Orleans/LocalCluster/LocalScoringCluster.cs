using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.ML.Transformer.Orleans.Cluster;
using Microsoft.ML.Transformer.Orleans.Hosting;

namespace Microsoft.ML.Transformer.Orleans.LocalCluster;

/// <summary>What <see cref="LocalScoringCluster"/> starts.</summary>
public sealed record LocalScoringClusterOptions
{
    /// <summary>The silo host's assembly (<c>Microsoft.ML.Transformer.Orleans.Silo.dll</c>), started with <c>dotnet</c>.</summary>
    public required string SiloHostPath { get; init; }

    /// <summary>How many silo processes; default 2.</summary>
    public int Silos { get; init; } = 2;

    /// <summary>Membership through a <c>redis-server</c> started on a free loopback port (default), where any silo may
    /// die; false: Orleans' localhost clustering, where the first silo is the primary and the cluster dies with it.</summary>
    public bool UseRedis { get; init; } = true;

    /// <summary>The Redis server executable (Debian's <c>redis-server</c> package; build/install-redis.sh installs it).</summary>
    public string RedisServer { get; init; } = "redis-server";

    /// <summary>See <see cref="ScoringClusterOptions.FastFailureDetection"/>; default true on one machine.</summary>
    public bool FastFailureDetection { get; init; } = true;

    /// <summary>How long the processes may take to be ready; default 2 minutes.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// A scoring cluster on this machine for a quick run, a sample or a test: a <c>redis-server</c> for membership, silo
/// host processes (real OS processes, which <see cref="KillSilo"/> kills for real), and a client in this process.
/// Disposing stops all of them.
/// </summary>
public sealed class LocalScoringCluster : IAsyncDisposable
{
    private readonly List<ChildProcess> _processes = [];
    private readonly List<ChildProcess> _silos = [];
    private readonly List<int> _siloPorts = [];
    private IHost? _client;

    private LocalScoringCluster(ScoringClusterOptions cluster) => Options = cluster;

    /// <summary>How the cluster's silos and clients find each other.</summary>
    public ScoringClusterOptions Options { get; }

    /// <summary>The silo processes, in the order they were started.</summary>
    public IReadOnlyList<ChildProcess> Silos => _silos;

    /// <summary>This process's client of the cluster.</summary>
    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>() ?? throw new InvalidOperationException("the cluster is not started.");

    /// <summary>Starts Redis (unless <see cref="LocalScoringClusterOptions.UseRedis"/> is false) and the silos, waits
    /// until every silo has joined, and connects a client.</summary>
    public static async Task<LocalScoringCluster> StartAsync(LocalScoringClusterOptions options, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Silos < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Silos, "a cluster needs at least one silo.");
        if (!File.Exists(options.SiloHostPath)) throw new FileNotFoundException($"silo host not found: {options.SiloHostPath} (build src/Microsoft.ML.Transformer.Orleans.Silo)", options.SiloHostPath);
        int[] ports = FreePorts.Take(1 + 2 * options.Silos);
        var cluster = new ScoringClusterOptions
        {
            RedisConnection = options.UseRedis ? $"127.0.0.1:{ports[0]}" : null,
            LocalhostPrimarySiloPort = ports[1],
            LocalhostGatewayPorts = [.. Enumerable.Range(0, options.Silos).Select(i => ports[2 + 2 * i])],
            ClusterId = "local-" + Guid.NewGuid().ToString("N")[..8],
            FastFailureDetection = options.FastFailureDetection,
        };
        var local = new LocalScoringCluster(cluster);
        try
        {
            if (options.UseRedis)
            {
                ChildProcess redis = ChildProcess.Start("redis-server", options.RedisServer,
                    ["--port", ports[0].ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                    "Ready to accept connections");
                local._processes.Add(redis);
                await redis.WaitReadyAsync(options.StartTimeout, cancellation);
            }
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
            for (int i = 0; i < options.Silos; i++)
            {
                var arguments = new SiloArguments
                {
                    Cluster = cluster, SiloPort = ports[1 + 2 * i], GatewayPort = ports[2 + 2 * i], ParentProcessId = Environment.ProcessId,
                };
                ChildProcess silo = ChildProcess.Start($"silo {i}", dotnet, [options.SiloHostPath, .. arguments.ToArguments()], SiloArguments.ReadyLine);
                local._processes.Add(silo);
                local._silos.Add(silo);
                local._siloPorts.Add(arguments.SiloPort);
            }
            await Task.WhenAll(local._silos.Select(s => s.WaitReadyAsync(options.StartTimeout, cancellation)));
            local._client = await ScoringClient.ConnectAsync(cluster, cancellation);
            return local;
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills silo <paramref name="index"/>'s process (no shutdown: the cluster learns of it by probing).</summary>
    public void KillSilo(int index) => _silos[index].Kill();

    /// <summary>Runs a job on this cluster (<see cref="ScoringJobs.RunAsync"/>).</summary>
    public Task<ScoringJobProgress> RunAsync(ScoringJobSpec spec, string? jobId = null, IProgress<ScoringJobProgress>? progress = null,
        CancellationToken cancellation = default)
        => ScoringJobs.RunAsync(Client, spec, jobId, progress, cancellation: cancellation);

    /// <summary>The index in <see cref="Silos"/> of the silo that hosts job <paramref name="jobId"/>'s coordinator; null
    /// when it has no activation.</summary>
    public async Task<int?> CoordinatorSiloAsync(string jobId)
    {
        SiloAddress? silo = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(Client.GetGrain<IScoringJobGrain>(jobId));
        int index = silo is null ? -1 : _siloPorts.IndexOf(silo.Endpoint.Port);
        return index >= 0 ? index : null;
    }

    /// <summary>Disconnects the client and kills the silos and Redis.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try { await _client.StopAsync(stopping.Token); }
            catch (OperationCanceledException) { }
            _client.Dispose();
            _client = null;
        }
        // silos first: a silo without its membership store only logs errors until it is killed
        foreach (ChildProcess process in Enumerable.Reverse(_processes)) process.Dispose();
        _processes.Clear();
    }
}
