using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// Flushes denormal floats (|x| &lt; 1.2e-38) to zero in the CPU's arithmetic, as PyTorch's
/// <c>torch.set_flush_denormal(True)</c> does, which TorchSharp does not expose. Sharp attention makes them: a softmax
/// over scores 90 apart gives probabilities below float32's normal range, and x86 cores multiply those through a
/// microcode assist many times slower than a normal multiply (the <c>denormals</c> benchmark measures it). G2P training
/// in float32 slowed from 121 s to 258 s per epoch by the fourth epoch, as its attention learned the alignment. Values
/// that small carry nothing for training or scoring (bf16 on AMX flushes them anyway).
/// The mode is a per-thread CPU setting (x86 MXCSR, ARM FPCR), and libtorch's OpenMP workers inherit it from the thread
/// that starts them, on that thread's first parallel operation; workers started before keep the IEEE mode (with them a
/// G2P run still slowed to 207 s per epoch). So training runs on a thread of its own (<see cref="Run{T}"/>), whose
/// workers all flush, and scoring flushes around each block on the calling thread (<see cref="During"/>).
/// <c>MLTRANSFORMER_FLUSH_DENORMALS=0</c> leaves the mode alone.
/// </summary>
internal static class DenormalFlush
{
    public const string OptOutVariable = "MLTRANSFORMER_FLUSH_DENORMALS";

    // libtorch's static at::Context::setFlushDenormal(bool), what torch.set_flush_denormal calls: the Itanium name
    // (Linux, macOS) and the MSVC one (Windows, not tried here)
    private static readonly (string Library, string Export)[] Exports =
    [
        ("libtorch_cpu.so", "_ZN2at7Context16setFlushDenormalEb"),
        ("libtorch_cpu.dylib", "_ZN2at7Context16setFlushDenormalEb"),
        ("torch_cpu.dll", "?setFlushDenormal@Context@at@@SA_N_N@Z"),
    ];

    // The bool goes as a 32-bit int (callers zero-extend a bool argument, and compilers may read the whole register);
    // the result is in AL.
    private delegate byte SetFlushDenormal(int on);

    private const int StackBytes = 16 << 20;

    private static readonly Lazy<Func<bool, bool>?> s_flush = new(Bind);

    /// <summary>Whether this process can flush denormals (libtorch's function is found, the user did not opt out).</summary>
    public static bool Available => s_flush.Value is not null;

    /// <summary>
    /// Runs <paramref name="work"/> on a new thread that flushes denormals before its first tensor operation, so that
    /// the OpenMP workers it starts flush too, and waits for it; exceptions are rethrown here with their stack. Without
    /// <see cref="Available"/> it runs on the calling thread.
    /// </summary>
    public static T Run<T>(Func<T> work)
    {
        if (!Available) return work();
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Set(true);
                result = work();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        }, StackBytes) { Name = "MLTransformer training", IsBackground = true };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>Flushes denormals on the calling thread until the result is disposed, then restores IEEE arithmetic.</summary>
    public static Scope During() => new(Available && Set(true));

    /// <summary>Sets the mode on the calling thread; true when libtorch and the CPU did.</summary>
    private static bool Set(bool on) => s_flush.Value?.Invoke(on) ?? false;

    /// <summary>Restores IEEE arithmetic on dispose when it was changed.</summary>
    public readonly struct Scope(bool changed) : IDisposable
    {
        public void Dispose()
        {
            if (changed) Set(false);
        }
    }

    /// <summary>Whether the opt-out variable says to leave the mode alone.</summary>
    internal static bool OptedOut(Func<string, string?> environment)
        => environment(OptOutVariable)?.Trim().ToLowerInvariant() is "0" or "false" or "off" or "no";

    private static Func<bool, bool>? Bind()
    {
        if (OptedOut(Environment.GetEnvironmentVariable)) return null;
        // TorchSharp has loaded libtorch by now (a tensor exists before training or scoring); loading it by name again
        // returns that copy.
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);
        foreach (var (library, export) in Exports)
        {
            if (!NativeLibrary.TryLoad(library, typeof(TorchSharp.torch).Assembly, null, out IntPtr handle)
                && !NativeLibrary.TryLoad(library, out handle)) continue;
            if (!NativeLibrary.TryGetExport(handle, export, out IntPtr address)) return null;
            var set = Marshal.GetDelegateForFunctionPointer<SetFlushDenormal>(address);
            return on => set(on ? 1 : 0) != 0;
        }
        return null;
    }
}
