using System.Runtime.InteropServices;

namespace Microsoft.ML.Transformer.Compute;

/// <summary>
/// Keeps glibc's malloc from giving memory back to the OS between training steps and scoring batches. libtorch
/// allocates its CPU tensors with malloc; by default glibc serves blocks above a (dynamic) threshold with their own mmap
/// and trims the heap top when more than twice that is free, so a step can map the same hundreds of megabytes again and
/// pay a page fault per 4 KB page. On the 2-core VM of bench/README.md that was half of each step of a short seq2seq
/// training (8-step Fits: 2,441 → 4,933 target tokens/s with this tuning); long trainings (the samples' epochs) ran at
/// the same speed either way. Scoring paid the same: a fresh process scoring 10,000 IMDb rows with a small classifier
/// spent 5–14 s of its 13–23 s in the kernel, at 439–797 rows/s, and 0.6 s of 7.0–7.9 s, at 1,262–1,424 rows/s, tuned
/// (docs/cluster.md). Process-wide and once, on the first Fit or model call (<see cref="ComputeScope"/>): an mmap
/// threshold of 32 MiB (glibc's own ceiling for the dynamic one) and a trim threshold of 1 GiB, the same as
/// <c>GLIBC_TUNABLES=glibc.malloc.mmap_threshold=…:glibc.malloc.trim_threshold=…</c>.
/// The freed memory stays with the process for reuse (its resident size does not shrink after training): a
/// <c>malloc_trim</c> after each training was tried and cost the next training and the scoring after it their page
/// faults again (≈ 5,000 → 3,855 tokens/s in the benchmark's back-to-back Fits). Nothing is changed when the process is
/// not on glibc, when the user already tunes malloc through the environment, or when <c>MLTRANSFORMER_MALLOC_TUNING=0</c>.
/// </summary>
internal static class NativeAllocator
{
    /// <summary>Set to 0 (or "false", "off") to leave glibc's malloc settings alone.</summary>
    public const string OptOutVariable = "MLTRANSFORMER_MALLOC_TUNING";
    public const int MmapThresholdBytes = 32 << 20;
    public const int TrimThresholdBytes = 1 << 30;

    // mallopt parameter numbers from glibc's <malloc.h>
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_MMAP_THRESHOLD = -3;

    private delegate int Mallopt(int parameter, int value);

    private static readonly Lock s_gate = new();
    private static string? s_outcome;

    /// <summary>
    /// Applies the tuning on the first call in the process. Returns what was done, for the log, on that call only; null
    /// on later calls.
    /// </summary>
    public static string? Tune()
    {
        lock (s_gate)
        {
            if (s_outcome is not null) return null;
            s_outcome = Apply(Environment.GetEnvironmentVariable);
            return s_outcome;
        }
    }

    /// <summary>Why the tuning must not be applied given these environment variables, or null when it may be.</summary>
    internal static string? ReasonToLeaveAlone(Func<string, string?> environment)
    {
        if (OptOut.Says(OptOutVariable, environment))
            return $"{OptOutVariable} is set to '{environment(OptOutVariable)}'";
        if (environment("GLIBC_TUNABLES") is { } tunables && tunables.Contains("glibc.malloc.", StringComparison.Ordinal))
            return "GLIBC_TUNABLES already sets malloc options";
        foreach (string variable in (string[])["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_"])
            if (environment(variable) is not null) return $"{variable} is set";
        return null;
    }

    private static string Apply(Func<string, string?> environment)
    {
        if (!OperatingSystem.IsLinux()) return "Native allocator left alone: not Linux.";
        if (ReasonToLeaveAlone(environment) is { } reason) return $"Native allocator left alone: {reason}.";
        // glibc's soname; musl and other C libraries have no libc.so.6, and there the tuning does not apply
        if (!NativeLibrary.TryLoad("libc.so.6", out IntPtr libc)
            || !NativeLibrary.TryGetExport(libc, "mallopt", out IntPtr malloptAddress)
            || !NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _))
            return "Native allocator left alone: the C library is not glibc.";

        var mallopt = Marshal.GetDelegateForFunctionPointer<Mallopt>(malloptAddress);
        // mmap threshold first: setting either one turns glibc's dynamic threshold off, and a trim threshold alone would
        // leave every block above the 128 KB default mapped and unmapped per allocation
        if (mallopt(M_MMAP_THRESHOLD, MmapThresholdBytes) != 1)
            return "Native allocator: glibc refused the mmap threshold; malloc left as it was.";
        if (mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) != 1)
            return "Native allocator: glibc took the mmap threshold but refused the trim threshold.";
        return $"Native allocator: glibc malloc keeps freed memory for reuse between steps (mmap threshold {MmapThresholdBytes >> 20} MiB, " +
               $"trim threshold {TrimThresholdBytes >> 20} MiB). Set {OptOutVariable}=0 to leave malloc alone.";
    }
}
