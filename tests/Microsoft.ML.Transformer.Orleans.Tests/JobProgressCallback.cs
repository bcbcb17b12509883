using Microsoft.ML.Transformer.Orleans.Cluster;

namespace Microsoft.ML.Transformer.Orleans.Tests;

/// <summary>Runs an action on every progress report, on the reporting thread (Progress&lt;T&gt; would post it later).</summary>
internal sealed class JobProgressCallback(Action<ScoringJobProgress> action) : IProgress<ScoringJobProgress>
{
    public void Report(ScoringJobProgress value) => action(value);
}
