namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>What a worker is told when it asks for work.</summary>
public enum ShardLeaseKind
{
    /// <summary>Score the shard of the lease.</summary>
    Score,

    /// <summary>Nothing to hand out now, but the job is not over (shards in flight may come back): ask again shortly.</summary>
    Wait,

    /// <summary>The job is over for this worker.</summary>
    Stop,
}

/// <summary>A shard handed to one worker, with what it needs to score it.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardLease
{
    /// <summary>What to do.</summary>
    [Id(0)] public ShardLeaseKind Kind { get; init; }

    /// <summary>The shard's file name (its id).</summary>
    [Id(1)] public string Shard { get; init; } = "";

    /// <summary>The job the shard is of.</summary>
    [Id(2)] public ScoringJobSpec? Job { get; init; }

    /// <summary>The input shard's path.</summary>
    public string InputPath => Path.Combine(Job!.InputDirectory, Shard);

    /// <summary>The scored shard's path.</summary>
    public string OutputPath => Path.Combine(Job!.OutputDirectory, Shard);
}

/// <summary>How a leased shard ended on its worker.</summary>
public enum ShardOutcomeKind
{
    /// <summary>Scored and written.</summary>
    Scored,

    /// <summary>Could not be scored (<see cref="ShardOutcome.Error"/>): the job goes on without it.</summary>
    Failed,

    /// <summary>Stopped by a cancellation before it was written: nothing of it is left.</summary>
    Abandoned,
}

/// <summary>A worker's report on a leased shard.</summary>
[GenerateSerializer, Immutable]
public sealed record ShardOutcome([property: Id(0)] ShardOutcomeKind Kind, [property: Id(1)] long Rows = 0, [property: Id(2)] string? Error = null);
