using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Whether the classifier trainer's memory is bounded by its shuffle buffer rather than the data: peak RSS of one
/// epoch on N rows against one epoch on scale × N rows, and the RSS after each of several epochs on N rows. Each run
/// is a fresh child process (peak RSS is a per-process high-water mark). Rows are made on the fly by a re-enumerable
/// generator, so the data itself takes no memory, as with a file-backed data view.
/// </summary>
internal static class ClassifierMemoryBenchmark
{
    public const string Usage = """
        classifier-memory [--rows 10000] [--scale 4] [--epochs 3] [--model-dim 32] [--heads 2] [--layers 1] [--ff-dim 64]
                          [--vocab 16000] [--seq 256] [--batch 32] [--precision bf16|fp32] [--length-multiple 1] [--threads N]
                          [--seed 1] [--child]
          --rows         rows of the 1× run (default 10000; IMDb has 25000 train reviews)
          --scale        the larger run has scale × rows, one epoch (default 4)
          --epochs       epochs of the 1× run, RSS printed after each (default 3)
          --model-dim, --heads, --layers, --ff-dim   the model (default a tiny one, d_model 32, 1 layer: the data path is
                         what is measured, and a small model keeps the steps short); the trainer's other settings are its defaults
          --precision    bf16 or fp32
          --length-multiple  round every row's length up to a multiple of this (capped at seq), so that batch lengths
                         take fewer distinct values (default 1: no rounding)
          --child        child-process mode: one Fit of --rows rows for --epochs epochs, memory as JSON
        """;

    private const double Target = 0.10;

    private static readonly ClassifierSettings Tiny = ClassifierSettings.Small with { ModelDimension = 32, Heads = 2, Layers = 1, FeedForward = 64 };

    public static int Run(BenchmarkArgs args)
    {
        ClassifierSettings settings = ClassifierSettings.Parse(args, Tiny);
        int rows = args.GetInt("rows", 10_000), scale = args.GetInt("scale", 4, minimum: 2), epochs = args.GetInt("epochs", 3);
        int multiple = args.GetInt("length-multiple", 1);
        bool mixedPrecision = (args.GetString("precision") ?? "bf16") switch
        {
            "bf16" => true, "fp32" => false, var other => throw new UsageException($"--precision must be bf16 or fp32 (got '{other}')."),
        };
        bool child = args.GetFlag("child");
        args.ThrowIfUnread();
        set_num_threads(settings.Threads);
        var shape = new Shape(settings, mixedPrecision, multiple);
        if (child) return RunChild(shape, rows, epochs);

        Console.WriteLine($"classifier-memory benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {settings.Threads}");
        Console.WriteLine($"settings: {settings}, {(mixedPrecision ? "bf16" : "fp32")}; trainer defaults otherwise (shuffle buffer 64 batches, bucket factor 16)");
        int[] lengths = Enumerable.Range(0, rows).Select(shape.Length).ToArray();
        Console.WriteLine($"rows: generated on the fly; lengths spread from {settings.Length / 6} to {5 * settings.Length / 2} and cut at " +
            $"{settings.Length}{(multiple > 1 ? $", rounded up to a multiple of {multiple}" : "")}: mean {lengths.Average():F0}, " +
            $"{100.0 * lengths.Count(l => l == settings.Length) / rows:F0}% at {settings.Length}, {lengths.Distinct().Count()} distinct lengths");
        var small = Child(shape, rows, epochs);
        var large = Child(shape, scale * rows, 1);

        Console.WriteLine();
        Console.WriteLine($"{"run",-4} {"rows",9} {"epochs",6} {"RSS before Fit",14} {"peak, epoch 1",13} {"peak at end",11} {"steps/s",8}   RSS after each epoch");
        foreach (var (name, run) in new[] { ("1×", small), ($"{scale}×", large) })
            Console.WriteLine($"{name,-4} {run.Rows,9:N0} {run.Epochs.Length,6} {run.Before,11:F0} MB {run.Epochs[0].Peak,10:F0} MB {run.Peak,8:F0} MB " +
                $"{run.StepsPerSecond,8:F1}   {string.Join(", ", run.Epochs.Select(e => $"{e.Rss:F0}"))} MB");
        double growth = large.Epochs[0].Peak / small.Epochs[0].Peak - 1;
        double aboveSmall = small.Epochs[0].Peak - small.Before, aboveLarge = large.Epochs[0].Peak - large.Before;
        Console.WriteLine($"peak RSS over one epoch, {scale}× vs 1× rows: {large.Epochs[0].Peak - small.Epochs[0].Peak:+0;-0} MB, {growth:+0.0%;-0.0%}" +
            $"   (target < {Target:P0}: {(growth < Target ? "met" : "NOT met")})");
        Console.WriteLine($"  above the RSS before Fit: {aboveSmall:F0} MB at 1×, {aboveLarge:F0} MB at {scale}×");
        double drift = small.Epochs[^1].Rss - small.Epochs[0].Rss;
        Console.WriteLine($"RSS after epochs 1…{small.Epochs.Length} of the 1× run: {string.Join(", ", small.Epochs.Select(e => $"{e.Rss:F0}"))} MB " +
            $"(last − first {drift:+0;-0} MB); managed heap {PerEpoch(small, "managed_heap_mb")} MB; live tensors {PerEpoch(small, "live_tensors")}");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "classifier-memory",
            ["rows"] = rows,
            ["scale"] = scale,
            ["precision"] = mixedPrecision ? "bf16" : "fp32",
            ["length_multiple"] = multiple,
            ["runs"] = new Dictionary<string, object> { ["1x"] = small.Json, [$"{scale}x"] = large.Json },
            ["epoch1_peak_growth"] = Math.Round(growth, 4),
            ["rss_drift_mb"] = Math.Round(drift, 1),
        };
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }

    /// <summary>What a child run needs besides its row and epoch counts.</summary>
    private sealed record Shape(ClassifierSettings Settings, bool MixedPrecision, int Multiple)
    {
        /// <summary>Row r's length: spread evenly over [seq/6, 2.5·seq) by a fixed formula, rounded up to the multiple, cut at seq.</summary>
        public int Length(int r)
        {
            int seq = Settings.Length, spread = seq / 6 + (int)((long)r * 7919 % (5 * seq / 2 - seq / 6));
            return Math.Min(seq, (spread + Multiple - 1) / Multiple * Multiple);
        }

        public IEnumerable<string> ToArgs() =>
            [.. Settings.ToArgs(), "--precision", MixedPrecision ? "bf16" : "fp32", "--length-multiple", Str(Multiple)];
    }

    private sealed record ChildRun(int Rows, double Before, double Peak, double StepsPerSecond, (double Rss, double Peak)[] Epochs, JsonElement Json);

    private static ChildRun Child(Shape shape, int rows, int epochs)
    {
        Console.WriteLine($"child: {rows:N0} rows, {epochs} epoch(s)...");
        string line = SelfProcess.RunForLastLine(["classifier-memory", .. shape.ToArgs(), "--rows", Str(rows), "--epochs", Str(epochs), "--child"]);
        JsonElement json = JsonDocument.Parse(line).RootElement.Clone();
        var perEpoch = json.GetProperty("epochs").EnumerateArray().Select(e => (e.GetProperty("rss_mb").GetDouble(), e.GetProperty("peak_rss_mb").GetDouble())).ToArray();
        return new ChildRun(rows, json.GetProperty("rss_before_fit_mb").GetDouble(), json.GetProperty("peak_rss_mb").GetDouble(),
            json.GetProperty("steps_per_s").GetDouble(), perEpoch, json);
    }

    /// <summary>A per-epoch figure of a child run, as "a, b, c".</summary>
    private static string PerEpoch(ChildRun run, string key)
        => string.Join(", ", run.Json.GetProperty("epochs").EnumerateArray().Select(e => e.GetProperty(key).GetDouble().ToString("F0", CultureInfo.InvariantCulture)));

    /// <summary>Child-process mode: one Fit on a generated data view; RSS and peak RSS after each epoch.</summary>
    private static int RunChild(Shape shape, int rows, int epochs)
    {
        ClassifierSettings s = shape.Settings;
        var ml = new MLContext(seed: s.Seed);
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(r =>
        {
            var tokens = new int[shape.Length(r)];
            for (int j = 0; j < tokens.Length; j++) tokens[j] = SyntheticTokens.Token(r, j, 0, s.Vocabulary);
            return new TokenRow { Tokens = tokens, Label = r % 2 == 1 };
        }));
        var perEpoch = new List<Dictionary<string, double>>();
        TransformerClassifierOptions options = s.TrainerOptions(epochs, shape.MixedPrecision);
        options.OnEpochEnd = e => perEpoch.Add(new()
        {
            ["epoch"] = e.Epoch, ["rss_mb"] = Math.Round(ProcessMemory.ResidentMb(), 1), ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb(), 1),
            ["managed_heap_mb"] = Math.Round(GC.GetTotalMemory(forceFullCollection: false) / 1048576.0, 1),
            ["live_tensors"] = DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount, ["seconds"] = Math.Round(e.Duration.TotalSeconds, 2),
        });
        double before = ProcessMemory.ResidentMb();
        var watch = Stopwatch.StartNew();
        using (TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(data)) { }
        double seconds = watch.Elapsed.TotalSeconds, peak = ProcessMemory.PeakResidentMb();
        long steps = (long)epochs * ((rows + s.Batch - 1) / s.Batch);
        Console.WriteLine($"{rows} rows, {epochs} epoch(s), {steps} steps in {seconds:F1} s; RSS before Fit {before:F0} MB, peak {peak:F0} MB");
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["benchmark"] = "classifier-memory", ["rows"] = rows, ["steps_per_s"] = Math.Round(steps / seconds, 2),
            ["rss_before_fit_mb"] = Math.Round(before, 1), ["peak_rss_mb"] = Math.Round(peak, 1), ["epochs"] = perEpoch,
        }));
        return 0;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
