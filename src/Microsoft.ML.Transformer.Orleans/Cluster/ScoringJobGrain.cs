using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.ML.Transformer.Orleans.Shards;
using Orleans.Runtime.Placement;

namespace Microsoft.ML.Transformer.Orleans.Cluster;

/// <summary>The coordinator (<see cref="IScoringJobGrain"/>). Its state lives in memory; what must survive its silo
/// is on disk: the spec comes again from the client, the completed shards are the output files.</summary>
internal sealed class ScoringJobGrain(IClusterMembershipService membership, ILogger<ScoringJobGrain> log) : Grain, IScoringJobGrain
{
    private static readonly TimeSpan WorkerStartTimeout = TimeSpan.FromSeconds(5);

    private readonly Queue<string> _pending = new();
    private readonly Dictionary<string, SiloAddress> _inFlight = [];
    private readonly HashSet<string> _done = [];
    private readonly Dictionary<string, string> _failed = [];
    private readonly HashSet<SiloAddress> _workers = [];
    private readonly Stopwatch _clock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ScoringJobSpec? _spec;
    private ScoringJobState _state = ScoringJobState.NotStarted;
    private int _total, _skipped;
    private long _rows;
    private string? _error;

    public async Task<ScoringJobProgress> Start(ScoringJobSpec spec)
    {
        if (_state is ScoringJobState.Running or ScoringJobState.Cancelling)
        {
            if (spec != _spec) throw new InvalidOperationException($"job '{this.GetPrimaryKeyString()}' already runs with another spec.");
            return await Status();
        }
        string[] shards = Validate(spec);
        Reset();
        _spec = spec;
        foreach (string shard in shards.Select(Path.GetFileName).OfType<string>())
        {
            if (File.Exists(Path.Combine(spec.OutputDirectory, shard))) _done.Add(shard);
            else _pending.Enqueue(shard);
        }
        (_total, _skipped) = (shards.Length, _done.Count);
        _state = ScoringJobState.Running;
        _clock.Restart();
        log.LogInformation("Job {Job}: {Total} shards, {Skipped} already done.", this.GetPrimaryKeyString(), _total, _skipped);
        Changed();
        return await Status();
    }

    public async Task<ScoringJobProgress> Status()
    {
        Reclaim();
        if (_state == ScoringJobState.Running) await StartWorkers();
        CheckFinished();
        return Progress();
    }

    public async Task<ScoringJobProgress> WaitForChange(int settledShards, ScoringJobState state, TimeSpan timeout)
    {
        if (_state == state && Settled == settledShards && timeout > TimeSpan.Zero)
        {
            try { await _changed.Task.WaitAsync(timeout); }
            catch (TimeoutException) { }
        }
        return Progress();
    }

    public async Task<ScoringJobProgress> Cancel()
    {
        if (_state == ScoringJobState.Running) await Stop(ScoringJobState.Cancelling);
        return await Status();
    }

    public Task<ShardLease> Lease(SiloAddress silo)
    {
        Reclaim();
        if (_state != ScoringJobState.Running) return Task.FromResult(new ShardLease { Kind = _state == ScoringJobState.NotStarted ? ShardLeaseKind.Wait : ShardLeaseKind.Stop });
        if (_pending.TryDequeue(out string? shard))
        {
            _inFlight[shard] = silo;
            return Task.FromResult(new ShardLease { Kind = ShardLeaseKind.Score, Shard = shard, Job = _spec });
        }
        // the shards in flight on other silos may come back to the queue if their silo dies
        return Task.FromResult(new ShardLease { Kind = _inFlight.Count > 0 ? ShardLeaseKind.Wait : ShardLeaseKind.Stop });
    }

    public Task Finish(string shard, SiloAddress silo, ShardOutcome outcome)
    {
        if (_inFlight.TryGetValue(shard, out SiloAddress? holder) && (holder.Equals(silo) || outcome.Kind == ShardOutcomeKind.Scored))
            _inFlight.Remove(shard);
        switch (outcome.Kind)
        {
            case ShardOutcomeKind.Scored when _done.Add(shard):
                _rows += outcome.Rows;
                _failed.Remove(shard);
                break;
            case ShardOutcomeKind.Failed when !_done.Contains(shard):
                _failed[shard] = outcome.Error ?? "unknown error";
                log.LogWarning("Job {Job}: shard {Shard} failed on {Silo}: {Error}", this.GetPrimaryKeyString(), shard, silo, outcome.Error);
                break;
            case ShardOutcomeKind.Abandoned when _state == ScoringJobState.Running && !_done.Contains(shard) && !_inFlight.ContainsKey(shard):
                _pending.Enqueue(shard);
                break;
        }
        CheckFinished();
        Changed();
        return Task.CompletedTask;
    }

    public async Task Fail(SiloAddress silo, string error)
    {
        if (_state != ScoringJobState.Running) return;
        _error = error;
        log.LogError("Job {Job} failed on {Silo}: {Error}", this.GetPrimaryKeyString(), silo, error);
        await Stop(ScoringJobState.Failed);
        CheckFinished();
        Changed();
    }

    private static string[] Validate(ScoringJobSpec spec)
    {
        if (!File.Exists(spec.ModelPath)) throw new FileNotFoundException($"model not found: {spec.ModelPath}", spec.ModelPath);
        if (spec.TorchThreads is <= 0) throw new ArgumentOutOfRangeException(nameof(spec), spec.TorchThreads, "TorchThreads must be positive (null: one per core).");
        if (Path.GetFullPath(spec.InputDirectory).TrimEnd('/') == Path.GetFullPath(spec.OutputDirectory).TrimEnd('/'))
            throw new ArgumentException($"the output folder must not be the input folder ({spec.InputDirectory}): scored shards keep their input's names.");
        string[] shards = ShardFormats.List(spec.InputDirectory);
        if (shards.Length == 0) throw new ArgumentException($"no shards (.parquet, .tsv, .tsv.gz) in {spec.InputDirectory}.");
        Directory.CreateDirectory(spec.OutputDirectory);
        return shards;
    }

    private void Reset()
    {
        _pending.Clear();
        _inFlight.Clear();
        _done.Clear();
        _failed.Clear();
        _workers.Clear();
        (_rows, _error) = (0, null);
    }

    /// <summary>Takes back the shards held by silos that membership declares dead; a running job hands them out again.</summary>
    private void Reclaim()
    {
        ClusterMembershipSnapshot snapshot = membership.CurrentSnapshot;
        foreach (SiloAddress dead in _inFlight.Values.Concat(_workers).Where(s => snapshot.GetSiloStatus(s) == SiloStatus.Dead).Distinct().ToList())
        {
            Requeue(dead, "it is dead");
            _workers.Remove(dead);
        }
    }

    /// <summary>Takes back the shards <paramref name="silo"/> holds: its worker is gone.</summary>
    private void Requeue(SiloAddress silo, string why)
    {
        foreach (string shard in _inFlight.Where(e => e.Value.Equals(silo)).Select(e => e.Key).ToList())
        {
            _inFlight.Remove(shard);
            if (_state == ScoringJobState.Running) _pending.Enqueue(shard);
            log.LogWarning("Job {Job}: shard {Shard} held by {Silo} goes back to the queue: {Why}.", this.GetPrimaryKeyString(), shard, silo, why);
        }
    }

    /// <summary>Makes sure every active silo has a worker on this job, placed there by a placement hint: a no-op for a
    /// worker that runs; a worker whose activation is gone (its directory entry lived on a dead silo) starts again.</summary>
    private async Task StartWorkers()
    {
        string job = this.GetPrimaryKeyString();
        foreach (SiloAddress silo in membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress))
        {
            RequestContext.Set(IPlacementDirector.PlacementHintKey, silo);
            try
            {
                // bounded: a silo that vanished without closing its connections is not yet dead to membership, and
                // this (non-reentrant) coordinator would wait the whole response timeout, holding up every worker
                bool started = await GrainFactory.GetGrain<IScoringWorkerGrain>(silo.ToParsableString()).Start(job).WaitAsync(WorkerStartTimeout);
                if (started && !_workers.Add(silo)) Requeue(silo, "its worker started again");
                else _workers.Add(silo);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                log.LogWarning("Job {Job}: no worker on {Silo} yet: {Error}", job, silo, e.Message);
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }
    }

    /// <summary>Stops handing out shards and tells the workers to stop what they score.</summary>
    private async Task Stop(ScoringJobState state)
    {
        _state = state;
        _pending.Clear();
        Changed();
        foreach (SiloAddress silo in _workers)
        {
            try { await GrainFactory.GetGrain<IScoringWorkerGrain>(silo.ToParsableString()).Cancel(this.GetPrimaryKeyString()); }
            catch (Exception e) when (e is OrleansException or TimeoutException) { }   // a dead silo's shards are reclaimed anyway
        }
    }

    /// <summary>Shards done or failed: what a client waiting for progress compares.</summary>
    private int Settled => _done.Count + _failed.Count;

    /// <summary>Wakes the clients waiting in <see cref="WaitForChange"/>.</summary>
    private void Changed()
    {
        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    private void CheckFinished()
    {
        bool idle = _pending.Count == 0 && _inFlight.Count == 0;
        if (!idle || _state is ScoringJobState.NotStarted) return;
        if (_state is ScoringJobState.Running) _state = ScoringJobState.Completed;
        else if (_state is ScoringJobState.Cancelling) _state = ScoringJobState.Cancelled;
        if (_clock.IsRunning)
        {
            _clock.Stop();
            // nothing writes any more: what a killed worker left half-written goes
            int partials = ShardFiles.DeletePartials(_spec!.OutputDirectory);
            log.LogInformation("Job {Job} {State} ({Partials} partial files of dead workers deleted).", this.GetPrimaryKeyString(), _state, partials);
            Changed();
        }
    }

    private ScoringJobProgress Progress() => new()
    {
        State = _state,
        ShardsTotal = _total,
        ShardsDone = _done.Count,
        ShardsSkipped = _skipped,
        ShardsInFlight = _inFlight.Count,
        Failures = [.. _failed.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new ShardFailure(f.Key, f.Value))],
        Rows = _rows,
        Elapsed = _clock.Elapsed,
        Workers = _workers.Count,
        Error = _error,
    };
}
