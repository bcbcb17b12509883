using System.Globalization;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>This process's resident memory from <c>/proc/self/status</c> (Linux), in MB; NaN where there is none.
/// VmHWM is the peak resident set size since the process started: a high-water mark that never goes down.</summary>
internal static class ProcessMemory
{
    public static double PeakResidentMb() => Read("VmHWM:");

    public static double ResidentMb() => Read("VmRSS:");

    private static double Read(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return double.NaN;
        string? line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        string[]? parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);   // "VmHWM:   123456 kB"
        return parts is [_, var kb, "kB"] && long.TryParse(kb, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value)
            ? value / 1024.0
            : double.NaN;
    }
}
