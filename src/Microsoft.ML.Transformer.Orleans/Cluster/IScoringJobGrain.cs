using Orleans.Concurrency;

namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>
/// The coordinator of one scoring job (key: the job id): lists the input shards, hands them to workers one at a time,
/// records completions and failures, gives the unfinished shards of a silo that membership declares dead to the
/// others. Completed shards are the output files themselves, so a coordinator that comes back on another silo (its
/// silo died) rebuilds its state from the output folder when the client starts it again.
/// </summary>
public interface IScoringJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job (or returns its progress when it already runs with this spec): lists the shards, counts
    /// those already in the output folder as done, starts a worker on every active silo.</summary>
    Task<ScoringJobProgress> Start(ScoringJobSpec spec);

    /// <summary>The job's progress; also takes back the shards of dead silos and starts workers on silos that joined.</summary>
    Task<ScoringJobProgress> Status();

    /// <summary>Waits until the job's progress differs from what the caller saw (<paramref name="settledShards"/>:
    /// shards done or failed; <paramref name="state"/>) or <paramref name="timeout"/> passes, and returns it: progress
    /// and the job's end reach a client as they happen, without polling. Runs beside the other calls (it only waits).</summary>
    [AlwaysInterleave]
    Task<ScoringJobProgress> WaitForChange(int settledShards, ScoringJobState state, TimeSpan timeout);

    /// <summary>Stops handing out shards and tells the workers to stop; the state goes to Cancelled when nothing is in flight.</summary>
    Task<ScoringJobProgress> Cancel();

    /// <summary>A worker on <paramref name="silo"/> asks for a shard.</summary>
    Task<ShardLease> Lease(SiloAddress silo);

    /// <summary>A worker on <paramref name="silo"/> reports how <paramref name="shard"/> ended.</summary>
    Task Finish(string shard, SiloAddress silo, ShardOutcome outcome);

    /// <summary>A worker cannot work at all (its model does not load): the job fails with <paramref name="error"/>.</summary>
    Task Fail(SiloAddress silo, string error);
}
