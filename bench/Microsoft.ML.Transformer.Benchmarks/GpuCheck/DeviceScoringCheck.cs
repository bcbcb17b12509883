using Microsoft.ML.Transformer.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// gpu-check's scoring phase: a classifier trained on the device (one Fit of the training workload's rows, the trainer's
/// defaults there), scored on the device by block scoring (<c>Transform</c>), <c>PredictionEngine</c> row by row and the
/// raw loop (<see cref="ClassifierScoreWorkload"/>), on synthetic rows of pytorch_ref's lengths (seq/2 + 1 … seq tokens).
/// Checks, TF32 off: the three paths agree, and agree with a CPU copy of the same weights. Then rows/s per path in
/// interleaved windows (<see cref="TimedWindows"/>), TF32 as the trainer left it (on by default).
/// </summary>
internal static class DeviceScoringCheck
{
    /// <summary>Probabilities of the paths on the same device, and of the device against the CPU copy.</summary>
    public const double Tolerance = 1e-4;

    private const int RowsBatchIndex = 5_000;   // the rows' batch index in the token formula (training used 0, 1, …)

    public static Dictionary<string, object?> Run(ClassifierTrainWorkload training, int rowCount, int engineRows, int block, int windows, List<string> failures)
    {
        ClassifierSettings s = training.Settings;
        TransformerClassifierOptions options = s.TrainerOptions(epochs: 1, mixedPrecision: true);
        options.ScoringBlockSize = block;
        using TransformerClassifierTransformer model = training.Fit(options);
        Device device = model.Model.Device();
        List<TokenRow> rows = [.. Enumerable.Range(0, rowCount).Select(r =>
            SyntheticTokens.Row(r % s.Batch, RowsBatchIndex + r / s.Batch, SyntheticTokens.ReferenceLength(r % s.Batch, s.Length), s.Vocabulary))];
        var workload = new ClassifierScoreWorkload(new MLContext(seed: s.Seed), model, rows, block);
        int stride = Math.Max(1, rows.Count / Math.Min(engineRows, rows.Count));
        List<TokenRow> sample = [.. rows.Where((_, i) => i % stride == 0).Take(engineRows)];

        bool tf32 = device.type == TorchSharp.DeviceType.CUDA && backends.cuda.matmul.allow_tf32;
        if (device.type == TorchSharp.DeviceType.CUDA) backends.cuda.matmul.allow_tf32 = false;
        float[] byTransform = new float[rows.Count], byRaw = new float[rows.Count], byCpu = new float[rows.Count];
        float[] byEngine = new float[sample.Count], check = new float[sample.Count];
        using var engine = workload.CreateEngine();
        workload.TransformPass(workload.View, byTransform);
        workload.RawPass(rows, byRaw);
        ClassifierScoreWorkload.EnginePass(engine, sample, byEngine);
        workload.RawPass(sample, check);
        using (TransformerClassifierModel onCpu = CpuCopy(model))
            ClassifierScoreWorkload.RawPass(onCpu, CPU, block, rows, byCpu);
        double transformVsRaw = MaxDifference(byTransform, byRaw), engineVsRaw = MaxDifference(byEngine, check), deviceVsCpu = MaxDifference(byTransform, byCpu);
        Console.WriteLine($"scoring checks on {device} (TF32 off), {rows.Count} rows: transform vs raw max |diff| {transformVsRaw:E2}; PredictionEngine vs raw " +
            $"on {sample.Count} rows {engineVsRaw:E2}; transform on {device} vs a CPU copy of the weights {deviceVsCpu:E2} (tolerance {Tolerance:E0})");
        if (!(transformVsRaw <= Tolerance && engineVsRaw <= Tolerance)) failures.Add("scoring: the scoring paths disagree on the device");
        if (!(deviceVsCpu <= Tolerance)) failures.Add($"scoring: probabilities on {device} differ from the CPU copy's by {deviceVsCpu:E2}");
        if (device.type == TorchSharp.DeviceType.CUDA) backends.cuda.matmul.allow_tf32 = tf32;

        TimedPath[] paths =
        [
            new("transform", () => workload.TransformPass(workload.View, byTransform), rows.Count),
            new("engine", () => ClassifierScoreWorkload.EnginePass(engine, sample, byEngine), sample.Count),
            new("raw", () => workload.RawPass(rows, byRaw), rows.Count),
        ];
        TimeSpan[] fastest = TimedWindows.WarmUp(paths, TimeSpan.FromSeconds(1));
        int[] passes = [.. fastest.Select(f => TimedWindows.PassesPerWindow(f, TimeSpan.FromSeconds(1)))];
        double[][] rates = TimedWindows.Measure(paths, passes, windows, (w, rate) =>
            Console.WriteLine($"  scoring window {w + 1}/{windows}: " + string.Join("   ", paths.Select((p, i) => $"{p.Name} {rate[i]:N0} rows/s"))));
        double transform = TimedWindows.Median(rates[0]), perRow = TimedWindows.Median(rates[1]), raw = TimedWindows.Median(rates[2]);
        Console.WriteLine($"scoring medians: transform {transform:N0} rows/s, PredictionEngine {perRow:N0} rows/s, raw {raw:N0} rows/s; transform / " +
            $"PredictionEngine {transform / perRow:F1} (target >= 10: {TrainerComparison.Verdict(transform / perRow, 10)})");
        return new Dictionary<string, object?>
        {
            ["rows"] = rows.Count,
            ["engine_rows"] = sample.Count,
            ["block"] = block,
            ["windows"] = windows,
            ["passes_per_window"] = passes,
            ["checks_max_abs_diff"] = new Dictionary<string, double>
            {
                ["transform_vs_raw"] = transformVsRaw, ["engine_vs_raw"] = engineVsRaw, ["device_vs_cpu_copy"] = deviceVsCpu,
            },
            ["rows_per_s"] = new Dictionary<string, double>
            {
                ["transform"] = Math.Round(transform, 1), ["prediction_engine"] = Math.Round(perRow, 1), ["raw"] = Math.Round(raw, 1),
            },
            ["ratios"] = new Dictionary<string, double>
            {
                ["transform_over_engine"] = Math.Round(transform / perRow, 3), ["transform_over_raw"] = Math.Round(transform / raw, 3),
            },
        };
    }

    /// <summary>The fitted model's weights copied into a new model of the same shape on the CPU, in eval mode.</summary>
    private static TransformerClassifierModel CpuCopy(TransformerClassifierTransformer model)
    {
        var copy = new TransformerClassifierModel(model.Config.Model, model.Config.Pooling, model.Config.Outputs, seed: 0);
        var source = model.Model.state_dict();
        using (no_grad())
            foreach (var (name, tensor) in copy.state_dict()) tensor.copy_(source[name]);
        copy.eval();
        return copy;
    }

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).DefaultIfEmpty(0).Max();
}
