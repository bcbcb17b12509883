namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>Runs scoring jobs from a cluster client: starts the coordinator, follows its progress, starts it again if
/// its silo dies, cancels it.</summary>
public static class ScoringJobs
{
    /// <summary>How long the client keeps calling a coordinator that does not answer before it gives up: long enough
    /// for the cluster to declare a dead silo dead with Orleans' default probing.</summary>
    public static TimeSpan Unreachable { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a cancelled job may take to stop the shards in flight (each stops at its next block of rows).</summary>
    public static TimeSpan CancelWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Scores every shard of <paramref name="spec"/> on the cluster and returns the final progress
    /// (<see cref="ScoringJobState.Completed"/>; shards that could not be scored are in its
    /// <see cref="ScoringJobProgress.Failures"/>).</summary>
    /// <param name="jobId">The coordinator's key; null: a new one.</param>
    /// <param name="progress">Told the job's progress as shards finish (the coordinator pushes it: no polling).</param>
    /// <param name="pollInterval">How often the coordinator is asked to take back the shards of dead silos and start
    /// workers on silos that joined, besides the checks the workers' own calls make; default 1 s. The job's end reaches
    /// the client at once, whatever this is.</param>
    /// <param name="cancellation">Cancels the job: no shard is handed out any more, the ones in flight stop and leave
    /// no partial file; then <see cref="OperationCanceledException"/>.</param>
    /// <exception cref="ScoringJobException">The job failed as a whole (its error says why).</exception>
    public static async Task<ScoringJobProgress> RunAsync(IClusterClient client, ScoringJobSpec spec, string? jobId = null,
        IProgress<ScoringJobProgress>? progress = null, TimeSpan? pollInterval = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(spec);
        IScoringJobGrain job = client.GetGrain<IScoringJobGrain>(jobId ?? Guid.NewGuid().ToString("N"));
        TimeSpan poll = pollInterval ?? TimeSpan.FromSeconds(1);
        ScoringJobProgress status = await Call(() => job.Start(spec), null);
        DateTime nextCheck = DateTime.UtcNow + poll;
        while (true)
        {
            if (cancellation.IsCancellationRequested)
            {
                await CancelAndWait(job, status, progress, poll);
                cancellation.ThrowIfCancellationRequested();
            }
            if (DateTime.UtcNow >= nextCheck || status.State == ScoringJobState.NotStarted)
            {
                status = await Call(() => job.Status(), status);
                if (status.State == ScoringJobState.NotStarted) status = await Call(() => job.Start(spec), status);   // its silo died
                nextCheck = DateTime.UtcNow + poll;
            }
            progress?.Report(status);
            switch (status.State)
            {
                case ScoringJobState.Completed:
                    return status;
                case ScoringJobState.Failed:
                    throw new ScoringJobException($"scoring job failed: {status.Error}", status);
                case ScoringJobState.Cancelled:
                    throw new OperationCanceledException("the scoring job was cancelled on the cluster.");
            }
            status = await WaitForChange(job, status, nextCheck - DateTime.UtcNow, cancellation);
        }
    }

    /// <summary>The job's progress once it differs from <paramref name="seen"/>, or after <paramref name="timeout"/>;
    /// <paramref name="seen"/> itself when <paramref name="cancellation"/> fires first (the call is left to end on its own).</summary>
    private static async Task<ScoringJobProgress> WaitForChange(IScoringJobGrain job, ScoringJobProgress seen, TimeSpan timeout, CancellationToken cancellation)
    {
        if (timeout <= TimeSpan.Zero) return seen;
        Task<ScoringJobProgress> wait = Call(() => job.WaitForChange(seen.ShardsDone + seen.Failures.Count, seen.State, timeout), seen);
        try { return await wait.WaitAsync(cancellation); }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            _ = wait.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return seen;
        }
    }

    private static async Task CancelAndWait(IScoringJobGrain job, ScoringJobProgress status, IProgress<ScoringJobProgress>? progress, TimeSpan poll)
    {
        DateTime giveUp = DateTime.UtcNow + CancelWait;
        status = await Call(() => job.Cancel(), status);
        while (status.State is ScoringJobState.Running or ScoringJobState.Cancelling && DateTime.UtcNow < giveUp)
        {
            progress?.Report(status);
            await WaitForChange(job, status, poll, CancellationToken.None);
            status = await Call(() => job.Status(), status);
        }
        progress?.Report(status);
        if (status.State is ScoringJobState.Running or ScoringJobState.Cancelling)
            throw new ScoringJobException($"the cancelled job still had {status.ShardsInFlight} shards in flight after {CancelWait.TotalSeconds:F0} s.", status);
    }

    /// <summary>Calls the coordinator, retrying while it is unreachable (its silo dying); its own errors (a bad spec)
    /// pass through.</summary>
    private static async Task<ScoringJobProgress> Call(Func<Task<ScoringJobProgress>> call, ScoringJobProgress? last)
    {
        DateTime giveUp = DateTime.UtcNow + Unreachable;
        while (true)
        {
            try { return await call(); }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                if (DateTime.UtcNow >= giveUp)
                    throw new ScoringJobException($"the job's coordinator did not answer for {Unreachable.TotalSeconds:F0} s: {e.Message}", last, e);
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
