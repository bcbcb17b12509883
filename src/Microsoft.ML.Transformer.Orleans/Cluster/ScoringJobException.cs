namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>A scoring job failed as a whole (a model that does not load on a worker, a coordinator that stays
/// unreachable); <see cref="Progress"/> is where it stood.</summary>
public sealed class ScoringJobException(string message, ScoringJobProgress? progress = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The job's last known progress, when there is one.</summary>
    public ScoringJobProgress? Progress { get; } = progress;
}
