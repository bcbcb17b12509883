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
        string line = $"{DateTime.UtcNow:HH:mm:ss.fff} {s_who} t{Environment.CurrentManagedThreadId} cpu={me.TotalProcessorTime.TotalSeconds:F2}s sys_busy={SystemBusySeconds():F2}s threads={me.Threads.Count} " +
                      $"gc={GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} pause={GC.GetTotalPauseDuration().TotalMilliseconds:F0}ms server={GCSettings.IsServerGC} {what}";
        lock (s_lock) File.AppendAllText(s_path, line + "\n");
    }

    /// <summary>CPU seconds of every thread of this process, by thread name (from /proc).</summary>
    public static void Threads(string what)
    {
        if (s_path is null) return;
        var byName = new Dictionary<string, (double Seconds, int Count)>();
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                int open = stat.IndexOf('('), close = stat.LastIndexOf(')');
                string name = stat[(open + 1)..close];
                string[] f = stat[(close + 2)..].Split(' ');
                double seconds = (double.Parse(f[11]) + double.Parse(f[12])) / 100;
                var (sum, count) = byName.GetValueOrDefault(name);
                byName[name] = (sum + seconds, count + 1);
            }
            catch (IOException) { }
        }
        Line(what + " thread cpu: " + string.Join(", ", byName.OrderByDescending(e => e.Value.Seconds).Select(e => $"{e.Key}x{e.Value.Count}={e.Value.Seconds:F2}")));
    }

    private static double SystemBusySeconds()
    {
        string[] f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // user nice system idle iowait irq softirq steal
        double busy = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => double.Parse(f[i]));
        return busy / 100;
    }
}
