using Microsoft.ML.Transformer.Compute;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// What denormal floats cost the CPU, and what <c>DenormalFlush</c> (the library's flush-to-zero around training and
/// scoring, on the calling thread and its OpenMP workers) gives back: the same products in IEEE arithmetic and
/// flushed, IEEE and flushed windows alternating on the same thread.
/// </summary>
internal static class DenormalBenchmark
{
    public const string Usage = """
        denormals [--windows 3] [--threads N]
          --windows  timed windows per mode and workload, alternating IEEE and flushed; each lasts at least 1 s
        """;

    private static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(1);
    private const float SmallestNormal = 1.17549435e-38f;

    private static readonly (string Name, string What)[] Workloads =
    [
        ("normal", "[4096 x 64] . [64 x 256], normal inputs"),
        ("denormal", "the same with every input of the left matrix scaled to ~1e-39"),
        ("sharp-attention", "softmax of [64 x 4 x 32 x 32] scores with std 40 (almost one-hot, as G2P attention turns), then . V [.. x 64]"),
    ];

    public static int Run(BenchmarkArgs args)
    {
        int windows = args.GetInt("windows", 3), threads = args.GetInt("threads", Environment.ProcessorCount);
        args.ThrowIfUnread();
        set_num_threads(threads);
        Console.WriteLine($"denormals: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, torch threads {threads}");
        var ms = new Dictionary<(string, bool), List<double>>();
        double denormalShare = 0;
        for (int window = 0; window < windows; window++)
            foreach (bool flushed in (bool[])[false, true])
            {
                if (flushed && !DenormalFlush.Available) throw new BenchmarkFailedException("flush-to-zero is not available here.");
                using var flush = flushed ? DenormalFlush.During() : default;
                using var scope = NewDisposeScope();
                manual_seed(1);
                Tensor a = randn(4096, 64), b = randn(64, 256), tiny = a * 1e-39f;
                Tensor scores = randn(64, 4, 32, 32) * 40f, v = randn(64, 4, 32, 64);
                if (!flushed)
                    using (Tensor p = scores.softmax(-1))
                        denormalShare = (p.abs() < SmallestNormal).logical_and(p != 0).to_type(ScalarType.Float32).mean().item<float>();
                Func<Tensor>[] work = [() => a.matmul(b), () => tiny.matmul(b), () => scores.softmax(-1).matmul(v)];
                for (int w = 0; w < work.Length; w++)
                {
                    var key = (Workloads[w].Name, flushed);
                    if (!ms.TryGetValue(key, out List<double>? list)) ms[key] = list = [];
                    list.Add(MillisecondsPerCall(work[w]));
                }
            }

        Console.WriteLine($"sharp attention: {denormalShare:P1} of the softmax probabilities are denormal in IEEE mode");
        var results = new Dictionary<string, object>();
        foreach (var (name, what) in Workloads)
        {
            double ieee = TimedWindows.Median(ms[(name, false)]), flushed = TimedWindows.Median(ms[(name, true)]);
            Console.WriteLine($"{name,-16} IEEE {ieee,8:F3} ms   flushed {flushed,8:F3} ms   IEEE / flushed {ieee / flushed,6:F2}   ({what})");
            results[name] = new { ieee_ms = Math.Round(ieee, 4), flushed_ms = Math.Round(flushed, 4), ieee_over_flushed = Math.Round(ieee / flushed, 2) };
        }
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "denormals", ["windows"] = windows, ["threads"] = threads, ["cores"] = Environment.ProcessorCount,
            ["sharp_attention_denormal_share"] = Math.Round(denormalShare, 4), ["workloads"] = results,
        }));
        return 0;
    }

    /// <summary>Calls <paramref name="call"/> (disposing its result) for at least <see cref="MinimumWindow"/> after three warm calls.</summary>
    private static double MillisecondsPerCall(Func<Tensor> call)
    {
        for (int i = 0; i < 3; i++) call().Dispose();
        var clock = Stopwatch.StartNew();
        int calls = 0;
        while (clock.Elapsed < MinimumWindow || calls < 3)
        {
            call().Dispose();
            calls++;
        }
        return clock.Elapsed.TotalMilliseconds / calls;
    }
}
