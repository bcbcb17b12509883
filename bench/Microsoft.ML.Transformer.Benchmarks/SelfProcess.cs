using System.Diagnostics;
using System.Reflection;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>Runs this benchmark app again, in a child process, with other arguments.</summary>
internal static class SelfProcess
{
    /// <summary>The child's last line of output (a benchmark's JSON line); throws if it fails.</summary>
    public static string RunForLastLine(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown."),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Started as 'dotnet Benchmarks.dll': run the same assembly again.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        foreach (string arg in args) start.ArgumentList.Add(arg);

        using Process child = Process.Start(start)!;
        Task<string> error = child.StandardError.ReadToEndAsync();
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
            throw new InvalidOperationException($"child run '{string.Join(' ', args)}' exited with code {child.ExitCode}: {error.Result.Trim()}");
        return output.TrimEnd().Split('\n')[^1];
    }
}
