using System.Net;
using System.Net.Sockets;

namespace Microsoft.ML.Transformer.Orleans.LocalCluster;

/// <summary>Loopback ports free right now (the system's choice for a port-0 bind), for processes started next.</summary>
internal static class FreePorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (TcpListener listener in listeners) listener.Start();   // all held at once: no port twice
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (TcpListener listener in listeners) listener.Stop();
        }
    }
}
