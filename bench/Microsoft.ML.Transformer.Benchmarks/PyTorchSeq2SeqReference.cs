using System.Globalization;
using System.Text.Json;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// pytorch_ref.py's encoder–decoder (<c>--config s2s</c>, with our shape passed as overrides), run in the same run when
/// Debian's Python can import torch. ../shared/reference/README.md quotes no seq2seq figure (its figures are the
/// classifier's), so where it cannot run there is nothing to print beside ours but the reason.
/// pytorch_ref's model is not ours: fp32 only, explicit attention, dropout 0.1 on the attention weights too, separate
/// output projection, plain cross-entropy; its greedy decoding re-runs the whole prefix (no cache) for exactly tgt_len
/// steps.
/// </summary>
internal sealed record PyTorchSeq2SeqReference(string Measure, double? Measured, string Note)
{
    private const string NotQuoted = "../shared/reference/README.md quotes no seq2seq figure (only the classifier's, --config small)";

    /// <summary>Training target tokens/s (pytorch_ref counts batch × tgt_len per step; tgt_len is ours + 1, so that it
    /// predicts as many positions per row as we do: the tokens and [EOS]).</summary>
    public static PyTorchSeq2SeqReference Train(string script, Seq2SeqSettings s, bool skip)
        => Run(script, "train", "train_tgt_tokens_per_s", s, s.TargetLength + 1, [], skip, value => value);

    /// <summary>Greedy decoding rows/s of <paramref name="rows"/> rows, <paramref name="outputLength"/> steps, no cache.</summary>
    public static PyTorchSeq2SeqReference Greedy(string script, Seq2SeqSettings s, int rows, int outputLength, bool skip)
        => Run(script, "infer", "greedy_decode_ms", s, outputLength, ["--decode-batches", Str(rows)], skip, ms => rows / (ms / 1000));

    private static PyTorchSeq2SeqReference Run(string script, string mode, string measure, Seq2SeqSettings s, int targetLength,
        string[] extra, bool skip, Func<double, double> convert)
    {
        PyTorchSeq2SeqReference NotMeasured(string why) => new(measure, null, $"not measured here ({why}); {NotQuoted}");
        if (skip) return NotMeasured("--skip-pytorch");
        if (!File.Exists(script)) return NotMeasured($"{script} not found; see --pytorch-ref");
        if (!File.Exists(PyTorchReference.Python) || PyTorchReference.Execute(["-c", "import torch"], s.Threads, out _) != 0)
            return NotMeasured($"{PyTorchReference.Python} cannot import torch");

        string[] args =
        [
            script, "--config", "s2s", "--mode", mode, "--threads", Str(s.Threads), "--vocab", Str(s.Vocabulary), "--d-model", Str(s.ModelDimension),
            "--heads", Str(s.Heads), "--enc-layers", Str(s.EncoderLayers), "--dec-layers", Str(s.DecoderLayers), "--ff", Str(s.FeedForward),
            "--src-len", Str(s.SourceLength), "--tgt-len", Str(targetLength), "--batch", Str(s.Batch), "--warmup", "2", "--windows", "3", "--steps", "3",
            .. extra,
        ];
        if (PyTorchReference.Execute(args, s.Threads, out string output) != 0) return NotMeasured("pytorch_ref.py failed");
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using JsonDocument json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("measure", out var m) && m.GetString() == measure)
                return new(measure, convert(json.RootElement.GetProperty("value").GetDouble()),
                    $"measured in this run: pytorch_ref.py --config s2s (PyTorch {json.RootElement.GetProperty("version").GetString()}, fp32, " +
                    "explicit attention, attention dropout 0.1, untied output projection" + (mode == "infer" ? ", greedy without a cache" : "") + ")");
        }
        return NotMeasured($"pytorch_ref.py printed no {measure}");
    }

    public string Describe() => Measured is { } v ? $"{v:N1}, {Note}" : Note;

    public Dictionary<string, object?> ToJson() => new()
    {
        ["measure"] = Measure, ["measured_here"] = Measured is not null, ["value"] = Measured is { } v ? Math.Round(v, 1) : null, ["quoted"] = null,
    };

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
