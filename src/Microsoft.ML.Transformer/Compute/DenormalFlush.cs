using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Compute;

/// <summary>
/// Flushes denormal floats (|x| &lt; 1.2e-38) to zero while the library trains or scores, as PyTorch's
/// <c>torch.set_flush_denormal(True)</c> does, through the same libtorch function, which TorchSharp does not expose.
/// Sharp attention makes them: a softmax over scores 90 apart gives probabilities below float32's normal range, and x86
/// cores multiply those through a microcode assist many times slower than a normal multiply (the <c>denormals</c>
/// benchmark: 196x on a product of denormal inputs, 4.2x on sharp attention). G2P training in float32 slowed from 121 s
/// to 258 s per epoch by the fourth epoch as its attention learned the alignment; flushed, its 13 epochs took 114–138 s.
/// Values that small carry nothing for training or scoring (bf16 on AMX flushes them anyway).
/// <c>MLTRANSFORMER_FLUSH_DENORMALS=0</c> leaves the mode alone.
/// The mode is a per-thread CPU setting (x86 MXCSR, ARM FPCR), and libtorch computes on the calling thread and its
/// OpenMP workers. Setting it on the calling thread alone left a worker in IEEE mode (the epochs still slowed to 207 s),
/// and training on a fresh thread of its own, whose new workers would inherit the mode, made libgomp count more threads
/// than cores and sleep between parallel regions instead of spinning (206 s for the first epoch). So the mode is set
/// inside one OpenMP parallel region (<c>GOMP_parallel</c>) on the calling thread's team, which runs libtorch's function
/// on the calling thread and on each of its workers.
/// </summary>
internal static class DenormalFlush
{
    public const string OptOutVariable = "MLTRANSFORMER_FLUSH_DENORMALS";

    // libtorch's static at::Context::setFlushDenormal(bool), what torch.set_flush_denormal calls: the Itanium name
    // (Linux, macOS) and the MSVC one (Windows, not tried here), by the library's file name
    private static readonly Dictionary<string, string> Exports = new()
    {
        ["libtorch_cpu.so"] = "_ZN2at7Context16setFlushDenormalEb",
        ["libtorch_cpu.dylib"] = "_ZN2at7Context16setFlushDenormalEb",
        ["torch_cpu.dll"] = "?setFlushDenormal@Context@at@@SA_N_N@Z",
    };

    // The bool goes as a 32-bit int (callers zero-extend a bool argument, and compilers may read the whole register);
    // the result is in AL.
    private delegate byte SetFlushDenormal(int on);

    // libgomp's entry for "#pragma omp parallel": runs fn(data) on the calling thread and num_threads - 1 workers of its team
    private delegate void GompParallel(IntPtr fn, IntPtr data, uint numThreads, uint flags);

    private static readonly Lazy<Action<bool>?> s_set = new(Bind);

    /// <summary>Whether this process can flush denormals (libtorch's function is found, the user did not opt out).</summary>
    public static bool Available => s_set.Value is not null;

    /// <summary>Flushes denormals on the calling thread and its OpenMP workers until the result is disposed, then
    /// restores IEEE arithmetic there.</summary>
    public static Scope During()
    {
        if (s_set.Value is not { } set) return default;
        set(true);
        return new Scope(set);
    }

    /// <summary>Restores IEEE arithmetic on dispose when it was changed.</summary>
    public readonly struct Scope(Action<bool>? set) : IDisposable
    {
        public void Dispose() => set?.Invoke(false);
    }

    /// <summary>Whether the opt-out variable says to leave the mode alone.</summary>
    internal static bool OptedOut(Func<string, string?> environment) => OptOut.Says(OptOutVariable, environment);

    private static Action<bool>? Bind()
    {
        if (OptedOut(Environment.GetEnvironmentVariable)) return null;
        if (LibTorchLibrary.Loaded is not { } library || !Exports.TryGetValue(library.Name, out string? export)
            || LibTorchLibrary.Export(export) is not { } address) return null;
        var set = Marshal.GetDelegateForFunctionPointer<SetFlushDenormal>(address);
        if (LibTorchLibrary.Export("GOMP_parallel") is not { } gompAddress) return on => set(on ? 1 : 0);
        var parallel = Marshal.GetDelegateForFunctionPointer<GompParallel>(gompAddress);
        // As fn(void* data), setFlushDenormal(bool) reads its bool from the data register: data 1 or 0 is on or off.
        // The team is the calling thread's libtorch thread count (TorchThreads may have set it).
        return on => parallel(address, on ? 1 : 0, (uint)TorchSharp.torch.get_num_threads(), 0);
    }
}
