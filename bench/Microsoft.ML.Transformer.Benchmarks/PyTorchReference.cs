using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// ../shared/reference/pytorch_ref.py, run in the same run when Debian's Python can import torch, so that its figure
/// is printed beside ours. Where it cannot run, the figure its README quotes for this kind of machine is printed
/// instead, marked "not measured here" (a different run: compare with care).
/// </summary>
internal sealed record PyTorchReference(string Measure, double? Measured, double Quoted, string Note, bool DefaultShape)
{
    public const string Python = "/usr/bin/python3";
    public const string DefaultScript = "../shared/reference/pytorch_ref.py";

    /// <summary>PyTorch 1.13, <c>--config small</c>, 2 threads, from ../shared/reference/README.md.</summary>
    public const double QuotedTrainTokensPerSecond = 3_400, QuotedInferRowsPerSecond = 71;

    public double Value => Measured ?? Quoted;

    /// <summary>Our figure over PyTorch's: measured in this run, or the quoted one when our shape is the one it was quoted
    /// for (--config small); null otherwise.</summary>
    public double? RatioOf(double ours) => Measured is { } m ? ours / m : DefaultShape ? ours / Quoted : null;

    /// <summary>How to label <see cref="RatioOf"/>.</summary>
    public string RatioNote => Measured is not null ? "same run" : DefaultShape ? "against the quoted figure, not this run" : "n/a: the quoted figure is for the default shape";

    /// <summary>Runs pytorch_ref.py <paramref name="mode"/> with the shape of <paramref name="s"/> and reads
    /// <paramref name="measure"/>; on any obstacle returns the quoted figure with the reason.</summary>
    public static PyTorchReference Run(string script, string mode, string measure, ClassifierSettings s, bool skip)
    {
        double quoted = measure == "train_tokens_per_s" ? QuotedTrainTokensPerSecond : QuotedInferRowsPerSecond;
        bool small = s with { Threads = 2, Seed = 1 } == ClassifierSettings.Small with { Threads = 2 };
        PyTorchReference NotMeasured(string why) => new(measure, null, quoted, $"not measured here ({why}); ../shared/reference/README.md " +
            $"quotes {quoted:N0} {(measure == "train_tokens_per_s" ? "train tokens/s" : "inference rows/s")} for PyTorch 1.13 --config small on this kind of machine", small);
        if (skip) return NotMeasured("--skip-pytorch");
        if (!File.Exists(script)) return NotMeasured($"{script} not found; see --pytorch-ref");
        if (!File.Exists(Python) || Execute(["-c", "import torch"], s.Threads, out _) != 0)
            return NotMeasured($"{Python} cannot import torch");

        string[] args =
        [
            script, "--config", "small", "--mode", mode, "--threads", Str(s.Threads), "--vocab", Str(s.Vocabulary), "--d-model", Str(s.ModelDimension),
            "--heads", Str(s.Heads), "--layers", Str(s.Layers), "--ff", Str(s.FeedForward), "--seq-len", Str(s.Length), "--batch", Str(s.Batch),
            "--warmup", "2", "--windows", "3", "--steps", "3",
        ];
        if (Execute(args, s.Threads, out string output) != 0) return NotMeasured("pytorch_ref.py failed");
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("measure", out var m) && m.GetString() == measure)
                return new(measure, json.RootElement.GetProperty("value").GetDouble(), quoted,
                    $"measured in this run: pytorch_ref.py (PyTorch {json.RootElement.GetProperty("version").GetString()}, fp32, explicit attention, dropout 0.1 everywhere)", small);
        }
        return NotMeasured($"pytorch_ref.py printed no {measure}");
    }

    public Dictionary<string, object?> ToJson() => new()
    {
        ["measure"] = Measure, ["measured_here"] = Measured is not null, ["value"] = Measured is { } v ? Math.Round(v, 1) : null, ["quoted"] = Quoted,
    };

    internal static int Execute(IEnumerable<string> args, int threads, out string output)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["OMP_NUM_THREADS"] = Str(threads);
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        _ = error.Result;
        return process.ExitCode;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
