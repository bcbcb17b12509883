using System.Diagnostics;
using System.Runtime;

namespace Microsoft.ML.Transformer.Orleans;

/// <summary>TEMPORARY measurement trace (branch silo, issue 21): one line per event to the file MLT_SCORING_TRACE names.</summary>
public static class ScoringTrace
{
    private static readonly string? s_path = Environment.GetEnvironmentVariable("MLT_SCORING_TRACE");
    private static readonly object s_lock = new();
    private static readonly string s_who = $"{Path.GetFileNameWithoutExtension(Environment.GetCommandLineArgs().ElementAtOrDefault(0) ?? "?")}/{Environment.ProcessId}";

    /// <summary>Whether tracing.</summary>
    public static bool On => s_path is not null;

    /// <summary>Appends a line.</summary>
    public static void Line(string what)
    {
        if (s_path is null) return;
        using var me = Process.GetCurrentProcess();
        string line = $"{DateTime.UtcNow:HH:mm:ss.fff} {s_who} t{Environment.CurrentManagedThreadId} cpu={me.TotalProcessorTime.TotalSeconds:F2}s threads={me.Threads.Count} " +
                      $"gc={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} pause={GC.GetTotalPauseDuration().TotalMilliseconds:F0}ms server={GCSettings.IsServerGC} {what}";
        lock (s_lock) File.AppendAllText(s_path, line + "\n");
    }
}
