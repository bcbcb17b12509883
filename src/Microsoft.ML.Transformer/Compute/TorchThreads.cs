using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Compute;

/// <summary>
/// libtorch's CPU thread count for the duration of a Fit or a scoring call, on the calling thread only, restored after.
/// libtorch's <c>torch.set_num_threads</c> would leak: it also changes the count that every thread touching libtorch
/// for the first time takes, and resizes a process-wide thread pool. libtorch's CPU kernels run as OpenMP regions
/// sized by the calling thread's own OpenMP setting, so this sets only that one (<c>omp_set_num_threads</c>, per thread
/// in OpenMP): other threads of the process, and threads that start meanwhile, keep theirs, and two threads may score
/// with different counts at once. Where libtorch links no OpenMP runtime, it falls back on <c>torch.set_num_threads</c>.
/// </summary>
internal static class TorchThreads
{
    private delegate void SetNumThreads(int threads);

    private static readonly Lazy<Action<int>> s_set = new(Bind);

    /// <summary>Computes with <paramref name="threads"/> threads on the calling thread until the result is disposed;
    /// null leaves the count alone.</summary>
    public static Scope During(int? threads)
    {
        if (threads is not { } wanted) return default;
        // Reading the count also runs libtorch's first-use setup of this thread, which would otherwise overwrite ours.
        int previous = TorchSharp.torch.get_num_threads();
        if (previous == wanted) return default;
        s_set.Value(wanted);
        return new Scope(previous);
    }

    /// <summary>Restores the calling thread's previous count on dispose, when it was changed.</summary>
    public readonly struct Scope(int previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous > 0) s_set.Value(previous);
        }
    }

    private static Action<int> Bind()
    {
        if (LibTorchLibrary.Export("omp_set_num_threads") is not { } address) return TorchSharp.torch.set_num_threads;
        var set = Marshal.GetDelegateForFunctionPointer<SetNumThreads>(address);
        return threads => set(threads);
    }
}
