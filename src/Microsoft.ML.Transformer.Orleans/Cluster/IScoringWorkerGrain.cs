namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>The scoring worker of one silo (key: the silo's address, placed there by the coordinator): loads the model
/// once, then asks the job's coordinator for shards and scores them one at a time until told to stop.</summary>
public interface IScoringWorkerGrain : IGrainWithStringKey
{
    /// <summary>Starts working on job <paramref name="jobId"/> and returns at once: true when it started, false when it
    /// already worked on it (a new start means an earlier worker of this silo is gone, and the shard it held with it).</summary>
    Task<bool> Start(string jobId);

    /// <summary>Stops working on job <paramref name="jobId"/>: the shard being scored is abandoned, its partial output deleted.</summary>
    Task Cancel(string jobId);
}
