using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Flushes denormal floats (|x| &lt; 1.2e-38) to zero in the CPU's arithmetic, as PyTorch's
/// <c>torch.set_flush_denormal(True)</c> does, which TorchSharp does not expose. Sharp attention makes them: a softmax
/// over scores 90 apart gives probabilities below the float32 normal range, and x86 cores multiply those through a
/// microcode assist about 20–100× slower than a normal multiply. G2P training (attention turns almost one-hot as it
/// learns the alignment) slowed from 121 s to 258 s per epoch by the fourth epoch; a [4096 × 64] · [64 × 256] matmul
/// took 8 ms with normal inputs and 190 ms with denormal ones, 2.2 ms with them flushed. Values that small carry no
/// information for training or scoring (bf16 on AMX flushes them anyway).
/// The mode is a per-thread CPU setting (x86 MXCSR FTZ/DAZ, ARM FPCR FZ): it is set on the thread that trains or
/// scores, before each training and each scored block, and libtorch's OpenMP workers inherit it when that thread
/// starts them, on its first parallel operation. Workers a thread started before (tensor work on the same thread
/// before the first training or scoring) keep the IEEE mode. <c>MLTRANSFORMER_FLUSH_DENORMALS=0</c> leaves the mode
/// alone.
/// </summary>
internal static class DenormalFlush
{
    public const string OptOutVariable = "MLTRANSFORMER_FLUSH_DENORMALS";

    // libtorch's at::globalContext() and at::Context::setFlushDenormal(bool): Itanium names (Linux, macOS), MSVC names (Windows)
    private static readonly (string Library, string Context, string SetFlush)[] Exports =
    [
        ("libtorch_cpu.so", "_ZN2at13globalContextEv", "_ZN2at7Context16setFlushDenormalEb"),
        ("libtorch_cpu.dylib", "_ZN2at13globalContextEv", "_ZN2at7Context16setFlushDenormalEb"),
        ("torch_cpu.dll", "?globalContext@at@@YAAEAVContext@1@XZ", "?setFlushDenormal@Context@at@@QEAA_N_N@Z"),
    ];

    private delegate IntPtr GlobalContext();

    [return: MarshalAs(UnmanagedType.U1)]
    private delegate bool SetFlushDenormal(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool on);

    private static readonly Lazy<Func<bool>?> s_flush = new(Bind);

    /// <summary>Sets flush-to-zero on the calling thread. True when the CPU and libtorch did; false when the user opted
    /// out, libtorch's function is not found, or the CPU cannot (libtorch checks). Cheap: a control-register write.</summary>
    public static bool OnThisThread() => s_flush.Value?.Invoke() ?? false;

    /// <summary>Whether the opt-out variable says to leave the mode alone.</summary>
    internal static bool OptedOut(Func<string, string?> environment)
        => environment(OptOutVariable)?.Trim().ToLowerInvariant() is "0" or "false" or "off" or "no";

    private static Func<bool>? Bind()
    {
        if (OptedOut(Environment.GetEnvironmentVariable)) return null;
        // TorchSharp has loaded libtorch by now (a tensor exists before training or scoring); loading it by name again
        // returns that copy.
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
        foreach (var (library, context, setFlush) in Exports)
        {
            if (!NativeLibrary.TryLoad(library, typeof(TorchSharp.torch).Assembly, null, out IntPtr handle)
                && !NativeLibrary.TryLoad(library, out handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, context, out IntPtr contextAddress)
                || !NativeLibrary.TryGetExport(handle, setFlush, out IntPtr setFlushAddress)) return null;
            IntPtr globalContext = Marshal.GetDelegateForFunctionPointer<GlobalContext>(contextAddress)();
            var set = Marshal.GetDelegateForFunctionPointer<SetFlushDenormal>(setFlushAddress);
            return () => set(globalContext, true);
        }
        return null;
    }
}
