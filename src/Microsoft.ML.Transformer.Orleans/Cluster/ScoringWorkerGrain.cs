using Microsoft.Extensions.Logging;
using Microsoft.ML.Transformer.Orleans.Scoring;

namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>The worker of one silo (<see cref="IScoringWorkerGrain"/>): a loop per job, on the grain's scheduler, that
/// leases shards and scores them on its own thread (<see cref="ScoringThread"/>), one shard at a time on this silo whatever the number of jobs. The
/// model stays loaded between shards and jobs while the path and thread count stay the same.</summary>
internal sealed class ScoringWorkerGrain(ILocalSiloDetails silo, ILogger<ScoringWorkerGrain> log) : Grain, IScoringWorkerGrain
{
    /// <summary>How long a worker keeps trying to reach a coordinator that does not answer (its silo died and the
    /// cluster has not yet declared it dead) before it gives the job up.</summary>
    private static readonly TimeSpan CoordinatorUnreachable = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<string, CancellationTokenSource> _jobs = [];
    private readonly SemaphoreSlim _scoring = new(1, 1);
    private readonly ScoringThread _thread = new("scoring");
    private ShardScorer? _scorer;
    private int? _scorerThreads;

    public Task<bool> Start(string jobId)
    {
        if (_jobs.ContainsKey(jobId)) return Task.FromResult(false);
        var cancellation = new CancellationTokenSource();
        _jobs[jobId] = cancellation;
        _ = Work(jobId, cancellation.Token).ContinueWith(_ =>
        {
            _jobs.Remove(jobId);
            cancellation.Dispose();
        }, TaskScheduler.Current);
        return Task.FromResult(true);
    }

    public Task Cancel(string jobId)
    {
        if (_jobs.TryGetValue(jobId, out CancellationTokenSource? cancellation)) cancellation.Cancel();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        ShardScorer? scorer = _scorer;
        _scorer = null;
        // after the work queued on the scoring thread (a shard being cancelled), which may still use the model
        if (scorer is not null) _ = _thread.Run(() => { scorer.Dispose(); return true; });
        _thread.Dispose();
        return Task.CompletedTask;
    }

    private async Task Work(string jobId, CancellationToken cancellation)
    {
        IScoringJobGrain job = GrainFactory.GetGrain<IScoringJobGrain>(jobId);
        SiloAddress here = silo.SiloAddress;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                DelayDeactivation(TimeSpan.FromMinutes(30));   // the loop's calls are outgoing: keep the activation alive
                ShardLease lease = await Call(() => job.Lease(here));
                if (lease.Kind == ShardLeaseKind.Stop) return;
                if (lease.Kind == ShardLeaseKind.Wait)
                {
                    await Task.Delay(Retry, CancellationToken.None);
                    continue;
                }
                ShardOutcome outcome;
                await _scoring.WaitAsync(CancellationToken.None);
                try
                {
                    string? loadError = await LoadModel(lease.Job!);
                    if (loadError is not null)
                    {
                        await Call(() => job.Finish(lease.Shard, here, new ShardOutcome(ShardOutcomeKind.Abandoned)));
                        await Call(() => job.Fail(here, loadError));
                        return;
                    }
                    outcome = await Score(_scorer!, lease, cancellation);
                }
                finally
                {
                    _scoring.Release();
                }
                await Call(() => job.Finish(lease.Shard, here, outcome));
            }
        }
        catch (Exception e)
        {
            // the coordinator starts a worker again at its next status poll
            log.LogError(e, "Worker on {Silo} stops on job {Job}.", here, jobId);
        }
    }

    /// <summary>Loads the job's model unless it is the one loaded; null when it loaded, else the error for the job.</summary>
    private async Task<string?> LoadModel(ScoringJobSpec spec)
    {
        if (_scorer?.ModelPath == spec.ModelPath && _scorerThreads == spec.TorchThreads) return null;
        ShardScorer? previous = _scorer;
        _scorer = null;
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            _scorer = await _thread.Run(() =>
            {
                previous?.Dispose();
                return ShardScorer.Load(spec.ModelPath, spec.TorchThreads);
            });
            _scorerThreads = spec.TorchThreads;
            log.LogInformation("Worker on {Silo} loaded {Model} in {Seconds:F1} s.", silo.SiloAddress, spec.ModelPath, clock.Elapsed.TotalSeconds);
            return null;
        }
        catch (Exception e)
        {
            log.LogError(e, "Worker on {Silo}: the model {Model} did not load.", silo.SiloAddress, spec.ModelPath);
            return $"the model {spec.ModelPath} did not load on silo {silo.SiloAddress}: {e.GetType().Name}: {e.Message}";
        }
    }

    private async Task<ShardOutcome> Score(ShardScorer scorer, ShardLease lease, CancellationToken cancellation)
    {
        try
        {
            ShardScore score = await _thread.Run(() => scorer.Score(lease.InputPath, lease.OutputPath, cancellation));
            log.LogInformation("Scored {Shard}: {Rows} rows in {Seconds:F2} s (read {Read:F2} s, Transform {Transform:F2} s, write {Write:F2} s).",
                lease.Shard, score.Rows, score.Duration.TotalSeconds, score.Read.TotalSeconds, score.Transform.TotalSeconds, score.Write.TotalSeconds);
            return new ShardOutcome(ShardOutcomeKind.Scored, score.Rows);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return new ShardOutcome(ShardOutcomeKind.Abandoned);
        }
        catch (Exception e)
        {
            return new ShardOutcome(ShardOutcomeKind.Failed, Error: $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Calls the coordinator until it answers: while its silo is dying, calls fail until the cluster declares
    /// that silo dead and the coordinator comes back elsewhere.</summary>
    private static async Task<T> Call<T>(Func<Task<T>> call)
    {
        DateTime giveUp = DateTime.UtcNow + CoordinatorUnreachable;
        while (true)
        {
            try { return await call(); }
            catch (Exception e) when (e is OrleansException or TimeoutException && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(Retry);
            }
            catch (Exception e) when (e is OrleansException)
            {
                throw new TimeoutException($"the coordinator did not answer for {CoordinatorUnreachable.TotalMinutes} minutes: {e.Message}", e);
            }
        }
    }

    private static Task Call(Func<Task> call) => Call(async () => { await call(); return true; });
}
