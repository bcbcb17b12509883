using System.Collections.Concurrent;
using System.Diagnostics;

namespace Microsoft.ML.Transformer.Orleans.LocalCluster;

/// <summary>A process this one started: its output is drained (the last lines kept, for errors) and watched for a
/// line that says it is ready; disposing kills it.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lastLines = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _readyLine;
    private bool _disposed;

    private ChildProcess(Process process, string name, string readyLine) => (_process, Name, _readyLine) = (process, name, readyLine);

    /// <summary>What the process is, for messages.</summary>
    public string Name { get; }

    /// <summary>The operating system's process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has exited (or was killed).</summary>
    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>The last lines the process wrote, standard output and error together.</summary>
    public string LastOutput => string.Join('\n', _lastLines);

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>; it counts as ready when it writes a
    /// line containing <paramref name="readyLine"/>.</summary>
    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string readyLine)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        Process process;
        try { process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start."); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {name} ({fileName}): {e.Message}", e);
        }
        var child = new ChildProcess(process, name, readyLine);
        process.OutputDataReceived += (_, e) => child.Line(e.Data);
        process.ErrorDataReceived += (_, e) => child.Line(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => child._ready.TrySetException(new InvalidOperationException($"{name} exited before it was ready:\n{child.LastOutput}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits until the process said it is ready; fails when it exits first or <paramref name="timeout"/> passes.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellation = default)
    {
        try { await _ready.Task.WaitAsync(timeout, cancellation); }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} was not ready after {timeout.TotalSeconds:F0} s:\n{LastOutput}");
        }
    }

    /// <summary>Kills the process (a real kill: no shutdown code runs in it) and waits for it to be gone.</summary>
    public void Kill()
    {
        if (_disposed) return;
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }   // already gone
    }

    /// <summary>Kills the process if it still runs.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Kill();
        _process.Dispose();
        _disposed = true;
    }

    private void Line(string? line)
    {
        if (line is null) return;
        _lastLines.Enqueue(line);
        while (_lastLines.Count > 40) _lastLines.TryDequeue(out _);
        if (line.Contains(_readyLine, StringComparison.Ordinal)) _ready.TrySetResult();
    }
}
