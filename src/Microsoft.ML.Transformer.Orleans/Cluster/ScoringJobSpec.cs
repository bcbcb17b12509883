namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>What a scoring job scores: every shard directly in <see cref="InputDirectory"/> (<c>.parquet</c>,
/// <c>.tsv</c>, <c>.tsv.gz</c>) through the model zip at <see cref="ModelPath"/>, each into a shard of the same name and
/// format in <see cref="OutputDirectory"/>. Paths are as every silo sees them: shared storage (a network file system, a
/// mount of object storage) in production; on one machine, local folders.</summary>
[GenerateSerializer, Immutable]
public sealed record ScoringJobSpec
{
    /// <summary>The ML.NET model zip every worker loads once (saved with its input schema).</summary>
    [Id(0)] public required string ModelPath { get; init; }

    /// <summary>The folder of input shards.</summary>
    [Id(1)] public required string InputDirectory { get; init; }

    /// <summary>The folder the scored shards go to; created when absent. A shard already there counts as done: a re-run
    /// scores only what is missing.</summary>
    [Id(2)] public required string OutputDirectory { get; init; }

    /// <summary>libtorch threads each worker scores with; null (default): one per core of its machine. Give each of
    /// several silos on one machine its share of the cores.</summary>
    [Id(3)] public int? TorchThreads { get; init; }
}
