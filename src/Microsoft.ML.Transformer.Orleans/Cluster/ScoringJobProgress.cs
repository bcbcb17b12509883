namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>Where a scoring job is.</summary>
public enum ScoringJobState
{
    /// <summary>The coordinator holds no job (never started, or its silo died and it came back without one: the client
    /// starts it again, and the shards already written count as done).</summary>
    NotStarted,

    /// <summary>Shards are being handed out and scored.</summary>
    Running,

    /// <summary>Cancelled; waiting for the shards being scored to stop.</summary>
    Cancelling,

    /// <summary>Every shard is scored or failed (<see cref="ScoringJobProgress.Failures"/>).</summary>
    Completed,

    /// <summary>Stopped by an error of the whole job (<see cref="ScoringJobProgress.Error"/>), such as a model that does not load.</summary>
    Failed,

    /// <summary>Cancelled, and nothing is being scored any more.</summary>
    Cancelled,
}

/// <summary>A shard that could not be scored, and why (a corrupt file, a column the model needs missing).</summary>
[GenerateSerializer, Immutable]
public sealed record ShardFailure([property: Id(0)] string Shard, [property: Id(1)] string Error);

/// <summary>A scoring job's progress, as its coordinator sees it.</summary>
[GenerateSerializer, Immutable]
public sealed record ScoringJobProgress
{
    /// <summary>Where the job is.</summary>
    [Id(0)] public ScoringJobState State { get; init; }

    /// <summary>Shards in the input folder.</summary>
    [Id(1)] public int ShardsTotal { get; init; }

    /// <summary>Shards whose output exists: scored by this run, or found done when it started.</summary>
    [Id(2)] public int ShardsDone { get; init; }

    /// <summary>Of <see cref="ShardsDone"/>, those found done when the job started, and so not scored again.</summary>
    [Id(3)] public int ShardsSkipped { get; init; }

    /// <summary>Shards being scored now.</summary>
    [Id(4)] public int ShardsInFlight { get; init; }

    /// <summary>Shards that could not be scored.</summary>
    [Id(5)] public IReadOnlyList<ShardFailure> Failures { get; init; } = [];

    /// <summary>Rows scored by this run.</summary>
    [Id(6)] public long Rows { get; init; }

    /// <summary>Time since the job started.</summary>
    [Id(7)] public TimeSpan Elapsed { get; init; }

    /// <summary>Workers (one per silo) the job has started.</summary>
    [Id(8)] public int Workers { get; init; }

    /// <summary>The job's error when <see cref="State"/> is <see cref="ScoringJobState.Failed"/>.</summary>
    [Id(9)] public string? Error { get; init; }

    /// <summary>Rows scored per second of <see cref="Elapsed"/>.</summary>
    public double RowsPerSecond => Elapsed > TimeSpan.Zero ? Rows / Elapsed.TotalSeconds : 0;

    /// <summary>Time left at the pace of the shards scored so far; null before the first.</summary>
    public TimeSpan? Eta
    {
        get
        {
            int scored = ShardsDone - ShardsSkipped, left = ShardsTotal - ShardsDone - Failures.Count;
            return scored > 0 ? Elapsed / scored * left : null;
        }
    }

    /// <inheritdoc/>
    public override string ToString()
        => $"{State}: {ShardsDone}/{ShardsTotal} shards ({ShardsSkipped} already done, {ShardsInFlight} in flight, {Failures.Count} failed), " +
           $"{Rows:N0} rows, {RowsPerSecond:N0} rows/s, {Workers} workers" + (Eta is { } eta ? $", ETA {eta.TotalSeconds:F0} s" : "");
}
