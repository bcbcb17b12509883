namespace Microsoft.ML.Transformer.Compute;

/// <summary>
/// The CPU settings a Fit or a scoring call runs under: the thread count (<see cref="TorchThreads"/>) first, so that
/// the denormal flush (<see cref="DenormalFlush"/>) reaches that many OpenMP workers, then the flush; and, once per
/// process, MKL's fast kernels on any vendor's CPU (<see cref="MklVendorCheck"/>) and glibc's malloc tuned to keep
/// libtorch's freed blocks (<see cref="NativeAllocator"/>).
/// </summary>
internal readonly struct ComputeScope : IDisposable
{
    private readonly TorchThreads.Scope _threads;
    private readonly DenormalFlush.Scope _flush;

    private ComputeScope(TorchThreads.Scope threads, DenormalFlush.Scope flush, string? allocatorTuning)
        => (_threads, _flush, AllocatorTuning) = (threads, flush, allocatorTuning);

    /// <summary>What the allocator tuning did, on the one scope of the process that applied it (for its log); else null.</summary>
    public string? AllocatorTuning { get; }

    /// <summary>Computes with <paramref name="threads"/> threads (null: libtorch's count) and denormals flushed until disposed.</summary>
    public static ComputeScope During(int? threads)
    {
        MklVendorCheck.Apply();   // before the first matrix product of the process
        string? allocatorTuning = NativeAllocator.Tune();   // before libtorch's first tensors
        TorchThreads.Scope set = TorchThreads.During(threads);
        return new ComputeScope(set, DenormalFlush.During(), allocatorTuning);
    }

    public void Dispose()
    {
        _flush.Dispose();
        _threads.Dispose();
    }
}
