// A silo of a scoring cluster (Microsoft.ML.Transformer.Orleans): joins the cluster its arguments name, says
// "scoring silo ready" once it has joined, and runs until stopped (Ctrl+C, SIGTERM), killed, or, with --parent-pid,
// until that process is gone. Usage:
//   dotnet Microsoft.ML.Transformer.Orleans.Silo.dll --redis 127.0.0.1:6379 --silo-port 11111 --gateway-port 30000
//       [--cluster-id ID] [--service-id ID] [--advertise IP] [--fast-failure-detection] [--parent-pid PID]
//   dotnet Microsoft.ML.Transformer.Orleans.Silo.dll --primary-port 11111 --silo-port 11112 --gateway-port 30001   (localhost clustering)
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.ML.Transformer.Orleans.Hosting;
using Microsoft.ML.Transformer.Orleans.LocalCluster;

SiloArguments arguments;
try { arguments = SiloArguments.Parse(args); }
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

using IHost host = ScoringSilo.Build(arguments.Cluster, arguments.SiloPort, arguments.GatewayPort);
await host.StartAsync();
Console.WriteLine($"{SiloArguments.ReadyLine}: silo port {arguments.SiloPort}, gateway port {arguments.GatewayPort}, process {Environment.ProcessId}");
if (arguments.ParentProcessId is { } parent) _ = ExitWithParent(parent);
await host.WaitForShutdownAsync();
return 0;

// A test or sample that started this silo and died without killing it would leave it running: leave with it.
static async Task ExitWithParent(int parent)
{
    while (true)
    {
        await Task.Delay(TimeSpan.FromSeconds(2));
        try
        {
            using var process = Process.GetProcessById(parent);
            if (!process.HasExited) continue;
        }
        catch (ArgumentException) { }   // no such process
        Environment.Exit(3);
    }
}
