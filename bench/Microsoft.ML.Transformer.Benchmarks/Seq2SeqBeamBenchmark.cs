using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.Transformer.Seq2Seq;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>
/// Beam search against greedy search on the same model and sources (<c>BeamSearch.Decode</c> / <c>GreedySearch.Decode</c>,
/// both with the cache, every hypothesis generating exactly the output length), and beam search through the public path:
/// <c>SequenceToSequenceTransformer.Transform</c> of an <see cref="IDataView"/>, against the same beam search run directly
/// on the blocks and sub-batches Transform makes.
/// </summary>
internal static class Seq2SeqBeamBenchmark
{
    public const string Usage = """
        seq2seq-beam [--beam 4] [--rows 64] [--transform-rows 256] [--out-len 32] [--train-steps 2] [--windows 3]
                     [--model-dim 256] [--heads 4] [--enc-layers 3] [--dec-layers 3] [--ff-dim 1024] [--vocab 8000]
                     [--src-len 24] [--tgt-len 24] [--batch 64] [--threads N] [--seed 1]
          --beam           hypotheses per row (default 4)
          --rows           sources per direct call of greedy and beam search, one batch (default 64)
          --transform-rows rows of the IDataView that Transform decodes per pass (default 256: one scoring block)
          --out-len        tokens every row generates: MinOutputLength = MaxOutputLength = out-len (default 32)
          --train-steps    estimator steps of batch --batch before decoding (default 2; the weights do not change the work)
          --windows        timed windows per path, interleaved (default 3); a window is as many passes as last >= 1 s
        """;

    public static int Run(BenchmarkArgs args)
    {
        Seq2SeqSettings settings = Seq2SeqSettings.Parse(args, Seq2SeqSettings.Default);
        int beam = args.GetInt("beam", 4), rows = args.GetInt("rows", 64), viewRows = args.GetInt("transform-rows", 256);
        int outputLength = args.GetInt("out-len", 32), trainSteps = args.GetInt("train-steps", 2), windows = args.GetInt("windows", 3);
        args.ThrowIfUnread();
        set_num_threads(settings.Threads);

        Console.WriteLine($"seq2seq-beam benchmark: .NET {Environment.Version}, {RuntimeInformation.OSDescription}, " +
            $"{Environment.ProcessorCount} cores, torch threads {get_num_threads()}");
        Console.WriteLine($"settings: {settings}; beam {beam}; direct calls of {rows} rows, Transform of {viewRows} rows; " +
            $"{outputLength} tokens per row; float32");
        using var workload = new Seq2SeqDecodeWorkload(settings, outputLength, trainSteps, rows, viewRows);
        Console.WriteLine(workload.Preparation + " (not timed)");
        Console.WriteLine($"model: {workload.Model.Config}; Transform: blocks of {workload.Transformer.Config.BlockSize} rows, " +
            "sorted by source length, decoded in sub-batches of 32 rows");
        SequenceToSequenceTransformer beamModel = workload.WithBeam(beam);   // shares the workload's weights

        // Warm-up and checks: Transform decodes what beam search on its blocks decodes; beam vs greedy for information.
        DecodedSequence[] greedy = workload.Greedy(useCache: true), beamed = workload.Beam(beam);
        int better = Enumerable.Range(0, rows).Count(r => beamed[r].LogProbability >= greedy[r].LogProbability - 1e-4);
        var byTransform = new int[viewRows][];
        var byBlocks = new int[viewRows][];
        long transformTokens = Seq2SeqDecodeWorkload.TransformPass(beamModel, workload.View, byTransform);
        long blockTokens = workload.BlocksPass(beam, byBlocks);
        int same = Enumerable.Range(0, viewRows).Count(r => byTransform[r].AsSpan().SequenceEqual(byBlocks[r]));
        bool lengthsOk = greedy.Concat(beamed).All(d => d.Tokens.Length == outputLength) && transformTokens == workload.ViewTokensPerPass
            && blockTokens == workload.ViewTokensPerPass;
        Console.WriteLine($"check: Transform (beam {beam}) vs beam search on its sub-batches: tokens identical on {same}/{viewRows} rows; " +
            $"every row {outputLength} tokens (greedy, beam, Transform): {(lengthsOk ? "yes" : "NO")}");
        Console.WriteLine($"info: beam {beam} finds a log P at least greedy's on {better}/{rows} rows (mean log P {beamed.Average(d => d.LogProbability):F2} " +
            $"vs greedy {greedy.Average(d => d.LogProbability):F2})");
        if (same != viewRows || !lengthsOk) throw new BenchmarkFailedException("Transform and direct beam search disagree, or a row has the wrong length.");

        TimedPath[] paths =
        [
            new("greedy", () => Seq2SeqDecodeWorkload.TokenCount(workload.Greedy(useCache: true)), workload.TokensPerPass),
            new($"beam{beam}", () => Seq2SeqDecodeWorkload.TokenCount(workload.Beam(beam)), workload.TokensPerPass),
            new("transform", () => Seq2SeqDecodeWorkload.TransformPass(beamModel, workload.View, byTransform), workload.ViewTokensPerPass),
            new("blocks", () => workload.BlocksPass(beam, byBlocks), workload.ViewTokensPerPass),
        ];
        TimeSpan[] fastest = TimedWindows.WarmUp(paths, TimeSpan.FromSeconds(2));
        int[] passes = [.. fastest.Select(f => TimedWindows.PassesPerWindow(f, TimeSpan.FromSeconds(1)))];
        Console.WriteLine("warm-up: fastest pass " + string.Join(", ", paths.Select((p, i) => $"{p.Name} {fastest[i].TotalMilliseconds:F0} ms")) +
            "; passes per window " + string.Join(", ", passes));
        double[][] rates = TimedWindows.Measure(paths, passes, windows, (w, rate) =>
            Console.WriteLine($"window {w + 1}/{windows} ({(w % 2 == 0 ? "in order" : "reversed")}): " +
                string.Join("   ", paths.Select((p, i) => $"{p.Name} {rate[i] / outputLength:N1} rows/s"))));
        double[] rowsPerSecond = [.. rates.Select(r => TimedWindows.Median(r) / outputLength)];
        double beamOverGreedy = rowsPerSecond[1] / rowsPerSecond[0], transformOverBlocks = rowsPerSecond[2] / rowsPerSecond[3];
        double transformOverBeam = rowsPerSecond[2] / rowsPerSecond[1];

        Console.WriteLine();
        Console.WriteLine($"{"path",-10} {"what",-62} {"rows/s",9} {"tokens/s",9}");
        string[] what =
        [
            $"GreedySearch.Decode, {rows} rows per call",
            $"BeamSearch.Decode, beam {beam}, {rows} rows per call",
            $"Transform, beam {beam}, {viewRows} rows (cursor: text + tokens)",
            $"BeamSearch.Decode on Transform's sub-batches of 32, {viewRows} rows",
        ];
        for (int i = 0; i < paths.Length; i++)
            Console.WriteLine($"{paths[i].Name,-10} {what[i],-62} {rowsPerSecond[i],9:N1} {rowsPerSecond[i] * outputLength,9:N0}");
        Console.WriteLine($"ratio beam {beam} / greedy (direct calls, rows/s): {beamOverGreedy:F3}");
        Console.WriteLine($"ratio Transform / direct beam on the same sub-batches: {transformOverBlocks:F3}");
        Console.WriteLine($"ratio Transform / direct beam of {rows} rows per call: {transformOverBeam:F3}");
        Console.WriteLine("PyTorch reference: none (pytorch_ref.py has no beam search)");
        Console.WriteLine($"peak RSS of this process: {ProcessMemory.PeakResidentMb():F0} MB");
        Console.WriteLine($"summary: seq2seq-beam {outputLength} tokens per row: greedy {rowsPerSecond[0]:N1} rows/s, beam {beam} {rowsPerSecond[1]:N1} rows/s " +
            $"(ratio {beamOverGreedy:F3}); Transform beam {beam} {rowsPerSecond[2]:N1} rows/s ({transformOverBlocks:F3} of direct beam on its sub-batches)");

        var json = new Dictionary<string, object>
        {
            ["benchmark"] = "seq2seq-beam",
            ["beam"] = beam,
            ["rows"] = rows,
            ["transform_rows"] = viewRows,
            ["out_len"] = outputLength,
            ["train_steps"] = trainSteps,
            ["windows"] = windows,
            ["passes_per_window"] = passes,
            ["checks"] = new Dictionary<string, object> { ["transform_identical_rows"] = same, ["beam_logp_at_least_greedy_rows"] = better },
            ["rows_per_s"] = paths.Select((p, i) => (p.Name, Value: Math.Round(rowsPerSecond[i], 2))).ToDictionary(p => p.Name, p => p.Value),
            ["ratios"] = new Dictionary<string, double>
            {
                ["beam_over_greedy"] = Math.Round(beamOverGreedy, 3), ["transform_over_blocks"] = Math.Round(transformOverBlocks, 3),
                ["transform_over_beam"] = Math.Round(transformOverBeam, 3),
            },
            ["peak_rss_mb"] = Math.Round(ProcessMemory.PeakResidentMb()),
        };
        foreach (var (key, value) in settings.ToJson()) json[key] = value;
        Console.WriteLine(JsonSerializer.Serialize(json));
        return 0;
    }
}
