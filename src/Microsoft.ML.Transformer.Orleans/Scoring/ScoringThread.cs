using System.Collections.Concurrent;

namespace Microsoft.ML.Transformer.Orleans.Scoring;

/// <summary>
/// One long-lived thread that runs the work given to it, one item at a time, in order: a silo's worker loads its model
/// and scores on it instead of on the thread pool. libtorch computes on the calling thread and an OpenMP team that
/// belongs to that thread, so scoring that hopped between pool threads made a team per thread (more computing threads
/// than cores), and each shard held one of the pool threads that Orleans' scheduler runs on for a second or more.
/// </summary>
internal sealed class ScoringThread : IDisposable
{
    private readonly BlockingCollection<Action> _work = new();

    /// <param name="name">The thread's name (its OpenMP workers take it too, in the operating system's lists).</param>
    public ScoringThread(string name) => new Thread(Loop) { IsBackground = true, Name = name }.Start();

    /// <summary>Runs <paramref name="work"/> on this thread after the work queued before it.</summary>
    public Task<T> Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        return done.Task;
    }

    /// <summary>Takes no more work; the thread ends once the work queued is done.</summary>
    public void Dispose() => _work.CompleteAdding();

    private void Loop()
    {
        foreach (Action work in _work.GetConsumingEnumerable()) work();
        _work.Dispose();
    }
}
