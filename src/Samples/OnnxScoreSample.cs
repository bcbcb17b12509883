using System.Globalization;
using System.Text.Json;

namespace Samples;

/// <summary>
/// <c>onnx-score --model file.onnx --ids "5 9 12;7 3"</c>: scores token rows (';' between rows) through an exported
/// classifier with ONNX Runtime alone, and says which of TorchSharp and ML.NET the process loaded (none, when the
/// file is all it needs): the deployment case, run in a fresh process by the tests.
/// </summary>
internal static class OnnxScoreSample
{
    public static int Run(ILookup<string, string> args)
    {
        string file = args.Value("model") ?? throw new ArgumentException("--model <file.onnx> is required");
        int[][] rows = [.. (args.Value("ids") ?? throw new ArgumentException("--ids \"id id …;id …\" is required"))
            .Split(';').Select(row => row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(id => int.Parse(id, CultureInfo.InvariantCulture)).ToArray())];

        using var scorer = new OnnxRuntimeScorer(file, threads: 1);
        float[] scores = scorer.Score(rows);
        string[] assemblies = [.. AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "")];
        string nativeLibraries = OperatingSystem.IsLinux() ? File.ReadAllText("/proc/self/maps") : "";
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            sample = "onnx-score",
            kind = scorer.Metadata["mltransformer.kind"],
            scores,
            torchsharp_loaded = assemblies.Any(a => a.StartsWith("TorchSharp", StringComparison.Ordinal)) || nativeLibraries.Contains("libtorch", StringComparison.Ordinal),
            mlnet_loaded = assemblies.Any(a => a.StartsWith("Microsoft.ML", StringComparison.Ordinal) && !a.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal)),
        }));
        return 0;
    }
}
