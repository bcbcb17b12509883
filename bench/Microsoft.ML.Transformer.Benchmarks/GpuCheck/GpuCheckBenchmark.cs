using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Transformer.Compute;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// The CUDA proof in one run (docs/gpu.md): on <c>--device cuda</c>, phase by phase, a smoke test, the same
/// results as the CPU for one seed, the classifier trained in fp32, TF32 and bf16 (trainer against the raw loop), block
/// scoring against PredictionEngine, and KV-cached greedy decoding, with the device memory after each phase. A phase that
/// throws is recorded and the next one still runs, so that one lease on the GPU machine brings back everything it can.
/// Output: one JSON document (the last line, and <c>--json PATH</c>, rewritten after every phase so that a run stopped
/// from outside still leaves the phases it finished; <c>"complete"</c> says whether it got to the end).
/// </summary>
internal static class GpuCheckBenchmark
{
    public const string Usage = """
        gpu-check [--device cuda] [--quick] [--phases smoke,equivalence,training,scoring,decoding] [--json PATH]
                  [--steps 30] [--warm-steps 5] [--windows 5] [--check-steps 3] [--score-rows 4096] [--engine-rows 256] [--block 256]
                  [--decode-rows 64] [--out-len 32] [--decode-train-steps 2]
                  [--model-dim 128] [--heads 4] [--layers 2] [--ff-dim 512] [--vocab 16000] [--seq 256] [--batch 32] [--threads N] [--seed 1]
          --device       cpu, cuda or cuda:N (default cuda); no CPU fallback: a missing GPU fails the run
          --quick        tiny shapes and counts (a CPU rehearsal in about a minute); options given still win
          --phases       the phases to run, comma-separated (default all, in this order)
          --json         also write the JSON document to this file (atomically)
          --steps        timed optimizer steps per training window (--warm-steps before them in each Fit)
          --windows      timed windows per path, interleaved (training, scoring, decoding)
          --check-steps  trainer steps compared with the CPU's (float32, TF32 off, dropout 0)
          --score-rows   rows scored per pass by Transform and the raw loop; --engine-rows: by PredictionEngine
          --block        ScoringBlockSize of the scored model and the raw loop's block
          --decode-rows  sources per greedy call; --out-len: tokens each row generates; the seq2seq model is
                         seq2seq-decode's default shape (d_model 256, 3+3 layers), trained --decode-train-steps steps
          shape options  the classifier-train model (ClassifierSettings; default pytorch_ref's small config)
        """;

    private static readonly string[] AllPhases = ["smoke", "equivalence", "training", "scoring", "decoding"];

    /// <summary>A NaN or infinite figure (a broken kernel, say) is written as "NaN" rather than failing the whole document.</summary>
    private static readonly JsonSerializerOptions JsonOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static int Run(BenchmarkArgs args)
    {
        bool quick = args.GetFlag("quick");
        string deviceSpec = args.GetString("device") ?? "cuda";
        ClassifierSettings settings = ClassifierSettings.Parse(args, quick ? QuickClassifier : ClassifierSettings.Small) with { Device = deviceSpec };
        int steps = args.GetInt("steps", quick ? 2 : 30), warm = args.GetInt("warm-steps", quick ? 1 : 5), windows = args.GetInt("windows", quick ? 1 : 5);
        int checkSteps = args.GetInt("check-steps", quick ? 2 : 3);
        int scoreRows = args.GetInt("score-rows", quick ? 64 : 4096), engineRows = args.GetInt("engine-rows", quick ? 16 : 256);
        int block = args.GetInt("block", quick ? 32 : 256), decodeRows = args.GetInt("decode-rows", quick ? 4 : 64);
        int outputLength = args.GetInt("out-len", quick ? 4 : 32), decodeTrainSteps = args.GetInt("decode-train-steps", quick ? 1 : 2);
        string[] phases = (args.GetString("phases") ?? string.Join(',', AllPhases)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? jsonPath = args.GetString("json");
        args.ThrowIfUnread();
        if (phases.Except(AllPhases).FirstOrDefault() is { } unknown)
            throw new UsageException($"Unknown phase '{unknown}'; phases: {string.Join(", ", AllPhases)}.");
        if (checkSteps > warm + steps) throw new UsageException($"--check-steps ({checkSteps}) exceeds the {warm + steps} steps of the training data.");
        set_num_threads(settings.Threads);
        Seq2SeqSettings decoding = (quick ? QuickSeq2Seq : Seq2SeqSettings.Default) with { Threads = settings.Threads, Seed = settings.Seed, Device = deviceSpec };

        var total = Stopwatch.StartNew();
        var failures = new List<string>();
        var results = new Dictionary<string, object?>(StringComparer.Ordinal);
        var json = new Dictionary<string, object?>
        {
            ["benchmark"] = "gpu-check",
            ["device"] = deviceSpec,
            ["dotnet"] = Environment.Version.ToString(),
            ["os"] = RuntimeInformation.OSDescription,
            ["cores"] = Environment.ProcessorCount,
            ["torch_threads"] = get_num_threads(),
            ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion,
            ["quick"] = quick,
        };
        Console.WriteLine($"gpu-check on {deviceSpec}: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} cores, " +
            $"torch threads {get_num_threads()}; classifier {settings}; phases {string.Join(", ", phases)}");

        Device device;
        try
        {
            device = TrainingDevice.Resolve(deviceSpec, allowCpuFallback: false, warn: _ => { });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            failures.Add($"device: {e.Message}");
            return Finish(json, results, failures, null, total, jsonPath);
        }
        var memory = new DeviceMemory(device);
        memory.Read("start");
        ClassifierTrainWorkload? workload = null;
        ClassifierTrainWorkload Training() => workload ??= new ClassifierTrainWorkload(settings, fullLength: true, warm, steps);

        foreach (string phase in AllPhases.Where(phases.Contains))
        {
            var watch = Stopwatch.StartNew();
            Dictionary<string, object?> result;
            try
            {
                result = phase switch
                {
                    "smoke" => DeviceSmokeTest.Run(device, failures),
                    "equivalence" => DeviceEquivalenceCheck.Run(Training(), deviceSpec, checkSteps, failures),
                    "training" => DeviceTrainingCheck.Run(Training(), device, windows),
                    "scoring" => DeviceScoringCheck.Run(Training(), scoreRows, engineRows, block, windows, failures),
                    _ => DeviceDecodingCheck.Run(decoding, decodeRows, outputLength, decodeTrainSteps, windows, failures),
                };
            }
            catch (Exception e) when (e is not UsageException)
            {
                failures.Add($"{phase}: {e.GetType().Name}: {e.Message}");
                Console.WriteLine($"phase {phase} FAILED: {e}");
                result = new() { ["error"] = e.ToString() };
            }
            result["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 2);
            result["memory_mb_after"] = memory.Read(phase) is { } mb ? Math.Round(mb, 1) : null;
            results[phase] = result;
            Save(jsonPath, Document(json, results, failures, memory, total, complete: false));
        }
        return Finish(json, results, failures, memory, total, jsonPath);
    }

    /// <summary>Tiny shapes for <c>--quick</c>: every phase in seconds on a 2-core CPU.</summary>
    private static ClassifierSettings QuickClassifier => new(32, 2, 1, 64, 1_000, 32, 8, Environment.ProcessorCount, 1);

    private static Seq2SeqSettings QuickSeq2Seq => new(32, 2, 1, 1, 64, 100, 8, 8, 8, Environment.ProcessorCount, 1);

    private static int Finish(Dictionary<string, object?> json, Dictionary<string, object?> results, List<string> failures, DeviceMemory? memory,
        Stopwatch total, string? jsonPath)
    {
        string text = Document(json, results, failures, memory, total, complete: true);
        Save(jsonPath, text);
        Console.WriteLine();
        foreach (string failure in failures) Console.WriteLine($"FAIL: {failure}");
        Console.WriteLine(failures.Count == 0 ? "gpu-check: every check passed" : $"gpu-check: {failures.Count} check(s) failed");
        Console.WriteLine(text);
        return failures.Count == 0 ? 0 : 1;
    }

    private static string Document(Dictionary<string, object?> json, Dictionary<string, object?> results, List<string> failures, DeviceMemory? memory,
        Stopwatch total, bool complete)
    {
        json["complete"] = complete;
        json["ok"] = complete && failures.Count == 0;
        json["failures"] = failures;
        json["phases"] = results;
        json["memory"] = memory?.ToJson();
        json["elapsed_s"] = Math.Round(total.Elapsed.TotalSeconds, 1);
        return JsonSerializer.Serialize(json, JsonOptions);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> (when given) atomically: a temporary file, then a move.</summary>
    private static void Save(string? path, string text)
    {
        if (path is null) return;
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
