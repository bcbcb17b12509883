using Microsoft.ML.Transformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Tests.Modules;

/// <summary>The residual add survives garbage collections on other threads (<see cref="KeptScalars"/>): with TorchSharp's
/// temporary alpha scalar (<c>x + y</c>) the same stress failed about once in 13,000 adds ("toFloat").</summary>
public class KeptScalarsTests
{
    [Fact]
    public void ResidualAddsSurviveCollectionsOnOtherThreads()
    {
        using var residual = new SublayerConnection(TinyModels.Config(normFirst: true));
        // at least 2 s and 20,000 adds, at most 20 s: a loaded machine gets more time rather than a hollow pass or a false failure
        DateTime start = DateTime.UtcNow;
        long adds = 0;
        bool Running() => DateTime.UtcNow - start is var elapsed && (elapsed < TimeSpan.FromSeconds(2) || Interlocked.Read(ref adds) < 20_000)
                          && elapsed < TimeSpan.FromSeconds(20);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var collector = new Thread(() =>
        {
            while (Running())
            {
                for (int i = 0; i < 1_000; i++) _ = new byte[1_024];
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        Thread[] workers = [.. Enumerable.Range(0, 2).Select(_ => new Thread(() =>
        {
            using var x = ones(1, 16);
            while (Running())
            {
                try
                {
                    using var scope = NewDisposeScope();
                    residual.Forward(x, h => h);
                    Interlocked.Increment(ref adds);
                }
                catch (Exception e)
                {
                    failures.Enqueue(e);
                    return;
                }
            }
        }))];
        collector.Start();
        foreach (Thread worker in workers) worker.Start();
        foreach (Thread worker in workers) worker.Join();
        collector.Join();
        Assert.True(failures.IsEmpty, $"{failures.Count} failure(s) in {adds:N0} residual adds: {failures.FirstOrDefault()?.Message}");
        Assert.True(adds > 10_000, $"only {adds} adds: the stress did not run");
    }
}
