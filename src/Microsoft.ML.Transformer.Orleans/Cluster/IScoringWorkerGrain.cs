namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>The scoring worker of one silo (key: the silo's address, placed there by the coordinator): loads the model
/// once, then asks the job's coordinator for shards and scores them one at a time until told to stop.</summary>
public interface IScoringWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts working on job <paramref name="jobId"/> (no-op when it already does) and returns at once.</summary>
    Task Start(string jobId);

    /// <summary>Stops working on job <paramref name="jobId"/>: the shard being scored is abandoned, its partial output deleted.</summary>
    Task Cancel(string jobId);
}
