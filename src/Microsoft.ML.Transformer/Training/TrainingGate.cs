using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Runs the process's Fits one at a time, from building the network to the end of training. Dropout draws its masks
/// from libtorch's process-wide generator, which the loop reseeds per epoch, and TorchSharp's layer constructors draw
/// their default initialization from it too: a second Fit building its network or training meanwhile would shift the
/// first one's masks, and a seeded Fit would no longer give the model it gives alone. A Fit that finds another running
/// logs that it waits. The lock is reentrant: a Fit started from a callback of a running one, on its thread, goes ahead.
/// </summary>
internal static class TrainingGate
{
    private static readonly object s_gate = new();

    /// <summary>Waits until no other thread trains, then holds the gate until the result is disposed. The wait
    /// honours <paramref name="cancellation"/> and <c>MLContext.CancelExecution()</c>.</summary>
    public static Held Enter(IHost host, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (!Monitor.TryEnter(s_gate))
        {
            using (IChannel channel = host.Start("Training queue"))
                channel.Info("This Fit waits for another Fit in this process to finish: the library trains one model at a time, " +
                             "so that dropout's random draws, which come from libtorch's process-wide generator, stay reproducible.");
            while (!Monitor.TryEnter(s_gate, TimeSpan.FromMilliseconds(100)))
            {
                cancellation.ThrowIfCancellationRequested();
                host.CheckAlive();
            }
        }
        return new Held();
    }

    /// <summary>Releases the gate on dispose (on the thread that entered it).</summary>
    public readonly struct Held : IDisposable
    {
        public void Dispose() => Monitor.Exit(s_gate);
    }
}
