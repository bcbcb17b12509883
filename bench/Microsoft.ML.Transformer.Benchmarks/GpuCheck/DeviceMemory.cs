using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Memory in use where a gpu-check phase runs, read after each phase. On CUDA: the GPU's memory in use by every context
/// (total − free of <c>cudaMemGetInfo</c>, from the CUDA runtime libtorch already loaded; TorchSharp 0.107 exposes no
/// allocator statistics). libtorch's caching allocator keeps what it reserved, so the largest reading is the peak reserved
/// memory (plus the CUDA context). On the CPU: this process's peak resident set (VmHWM).
/// </summary>
internal sealed class DeviceMemory
{
    private static readonly string[] CudaRuntimeNames = ["libcudart.so.13", "libcudart.so.12", "libcudart.so"];

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MemGetInfo(out nuint free, out nuint total);

    private readonly MemGetInfo? _memGetInfo;
    private readonly Dictionary<string, double?> _readings = new(StringComparer.Ordinal);

    public DeviceMemory(Device device)
    {
        IsCuda = device.type == TorchSharp.DeviceType.CUDA;
        string? library = null;
        _memGetInfo = IsCuda ? LoadCudaRuntime(out library) : null;
        Source = !IsCuda ? "peak resident set of this process (VmHWM)"
            : _memGetInfo is null ? "none: no CUDA runtime library (libcudart) exporting cudaMemGetInfo was found"
            : $"GPU memory in use, all contexts (cudaMemGetInfo of {library}: total - free)";
    }

    public bool IsCuda { get; }

    /// <summary>What the readings measure.</summary>
    public string Source { get; }

    /// <summary>Reads the memory now and keeps it under <paramref name="phase"/>; null where it cannot be read.</summary>
    public double? Read(string phase)
    {
        double? megabytes = IsCuda ? CudaUsedMb() : ProcessMemory.PeakResidentMb() is var rss && double.IsFinite(rss) ? rss : null;
        _readings[phase] = megabytes is { } mb ? Math.Round(mb, 1) : null;
        return megabytes;
    }

    public Dictionary<string, object?> ToJson() => new()
    {
        ["source"] = Source,
        ["after_phase_mb"] = _readings,
        ["peak_mb"] = _readings.Values.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Max() is var peak && double.IsFinite(peak) ? peak : null,
        ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb(), 1),
    };

    private double? CudaUsedMb()
    {
        if (_memGetInfo is null || _memGetInfo(out nuint free, out nuint total) != 0) return null;
        return (total - free) / (1024.0 * 1024.0);
    }

    /// <summary>cudaMemGetInfo of the CUDA runtime the process already holds (loading it by its soname returns that copy).</summary>
    private static MemGetInfo? LoadCudaRuntime(out string? library)
    {
        foreach (string name in CudaRuntimeNames)
            if (NativeLibrary.TryLoad(name, out IntPtr handle) && NativeLibrary.TryGetExport(handle, "cudaMemGetInfo", out IntPtr address))
            {
                library = name;
                return Marshal.GetDelegateForFunctionPointer<MemGetInfo>(address);
            }
        library = null;
        return null;
    }
}
