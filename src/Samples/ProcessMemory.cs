using System.Runtime.InteropServices;

namespace Samples;

/// <summary>
/// Where a process's memory sits, to tell growth apart: the resident set (and its peak since the last look), what the
/// .NET GC has committed, and glibc malloc's bytes in use and free in its heaps (libtorch allocates CPU tensors with
/// malloc). glibc's figures are null off glibc or before 2.33 (no <c>mallinfo2</c>).
/// </summary>
internal sealed record ProcessMemory(double ResidentMiB, double? PeakResidentMiB, double ManagedCommittedMiB, double? NativeInUseMiB, double? NativeFreeMiB)
{
    private const double MiB = 1024.0 * 1024;

    /// <summary>The memory now, and the peak resident set since the previous call (which this call resets).</summary>
    public static ProcessMemory Now()
    {
        var (inUse, free) = GlibcHeap();
        double? peak = PeakResidentKiB() / 1024;
        ResetPeak();
        return new ProcessMemory(Environment.WorkingSet / MiB, peak, GC.GetGCMemoryInfo().TotalCommittedBytes / MiB, inUse / MiB, free / MiB);
    }

    private const string Status = "/proc/self/status", ClearRefs = "/proc/self/clear_refs";

    /// <summary>The most the process has had resident since the last reset (Linux's VmHWM), or null elsewhere.</summary>
    private static double? PeakResidentKiB()
    {
        if (!File.Exists(Status)) return null;
        string? line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writing 5 to clear_refs sets VmHWM back to the current resident set (Linux 4.0 and later).</summary>
    private static void ResetPeak()
    {
        try { File.WriteAllText(ClearRefs, "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }   // then the peak is the process's so far
    }

    public override string ToString()
        => $"RSS {ResidentMiB:N0} MiB (epoch peak {PeakResidentMiB:N0}, .NET heap {ManagedCommittedMiB:N0}" +
           (NativeInUseMiB is { } used ? $", malloc in use {used:N0}, free {NativeFreeMiB:N0}" : "") + ")";

    /// <summary>glibc's struct mallinfo2: ten size_t fields, summed over all arenas.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, OrdinaryBlocks, SmallBlocks, MmappedBlocks, MmappedBytes, MaxUsed, FreeSmallBytes, InUseBytes, FreeBytes, TopReleasable;
    }

    private delegate MallInfo2 MallInfo2Function();

    private static readonly MallInfo2Function? s_mallinfo2 = OperatingSystem.IsLinux()
        && NativeLibrary.TryLoad("libc.so.6", out IntPtr libc) && NativeLibrary.TryGetExport(libc, "mallinfo2", out IntPtr address)
        ? Marshal.GetDelegateForFunctionPointer<MallInfo2Function>(address) : null;

    /// <summary>(bytes in use, mmapped blocks included; bytes free in the arenas) or nulls.</summary>
    private static (double? InUse, double? Free) GlibcHeap()
    {
        if (s_mallinfo2 is null) return (null, null);
        MallInfo2 info = s_mallinfo2();
        return ((double)(info.InUseBytes + info.MmappedBytes), info.FreeBytes);
    }
}
