using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>A trained source tokenizer + sequence-to-sequence model and what training took.</summary>
internal sealed record TrainedSeq2Seq(TokenizerTransformer SourceTokenizer, SequenceToSequenceTransformer Model, TimeSpan TrainingTime) : IDisposable
{
    /// <summary>The process's memory at the end of each epoch this run trained, by epoch number (empty for a loaded model).</summary>
    public IReadOnlyDictionary<int, ProcessMemory> Memory { get; init; } = new Dictionary<int, ProcessMemory>();

    /// <summary>The saved pipeline: source text → "Predicted".</summary>
    public TransformerChain<ITransformer> Chain => new(SourceTokenizer, Model);

    /// <summary>With checkpoint averaging: the trainer's line on it (epochs averaged, validation before and after).</summary>
    public string? Averaging { get; init; }

    /// <summary>Real tokens (source + target) per second over the epochs trained in this run.</summary>
    public double TokensPerSecond => Model.TrainingHistory.Count == 0 ? 0 : Model.TrainingHistory.Average(e => e.TokensPerSecond);

    public object Epochs => Model.TrainingHistory.Select(e => Entry(e, Memory.GetValueOrDefault(e.Epoch)));

    /// <summary>One epoch of the JSON line; <paramref name="memory"/> is null for an epoch this run did not train.</summary>
    private static object Entry(EpochSummary e, ProcessMemory? memory) => new
    {
        e.Epoch, loss = Math.Round(e.TrainingLoss, 4), valid_loss = e.ValidationLoss is { } l ? Math.Round(l, 4) : (double?)null,
        valid_token_accuracy = e.ValidationMetric is { } m ? Math.Round(m, 4) : (double?)null, seconds = Math.Round(e.Duration.TotalSeconds, 1),
        tokens_per_s = Math.Round(e.TokensPerSecond),
        // where the resident memory sat at the epoch's end: the process, glibc malloc's bytes in use and free in its heaps
        rss_mib = memory is null ? (double?)null : Math.Round(memory.ResidentMiB),
        malloc_in_use_mib = memory?.NativeInUseMiB is { } used ? Math.Round(used) : (double?)null,
        malloc_free_mib = memory?.NativeFreeMiB is { } free ? Math.Round(free) : (double?)null,
    };

    public void Dispose() => Model.Dispose();
}

/// <summary>Predictions of one decoding pass over the test sources and how long it took.</summary>
internal sealed record Decoded(string[] Predictions, TimeSpan Duration)
{
    public double RowsPerSecond => Predictions.Length / Duration.TotalSeconds;
}

/// <summary>
/// What the sequence-to-sequence samples (g2p, translate) share: training with a live progress bar, decoding the test
/// sources greedily and with beam search, saving the pipeline as a zip and checking it reloads in a new MLContext with
/// the same predictions, and the final JSON line.
/// </summary>
internal static class Seq2SeqSample
{
    public const string SourceTokens = "SourceTokens", Predicted = "Predicted";

    /// <summary>Trains the model on the tokenized training rows, validating on the tokenized validation rows after each epoch.</summary>
    public static TrainedSeq2Seq Train(MLContext ml, TokenizerTransformer sourceTokenizer, IDataView train, IDataView validation, string targetColumn,
        SequenceToSequenceOptions options)
    {
        options.ValidationSet = sourceTokenizer.Transform(validation);
        var estimator = ml.Transforms.Text.SequenceToSequence(Predicted, SourceTokens, targetColumn, options);
        string? averaged = null;   // the trainer's log line on checkpoint averaging (--average), with the averaged model's validation
        ml.Log += (_, e) => { if (e.RawMessage.StartsWith("Averaged the weights", StringComparison.Ordinal)) averaged = e.RawMessage; };
        var memory = new Dictionary<int, ProcessMemory>();
        var clock = Stopwatch.StartNew();
        SequenceToSequenceTransformer model = TrainingProgressBar.Fit(options, "Learning the target vocabulary",
            p => $"token acc {p.Accuracy:P1} lr {p.LearningRate:G2}",
            e =>
            {
                memory[e.Epoch] = ProcessMemory.Now();
                return $"Epoch {e.Epoch}: training loss {e.TrainingLoss:F4}, token accuracy {e.TrainingAccuracy:P2}; validation token accuracy " +
                       $"[bold]{e.ValidationMetric:P2}[/]{(e.IsBest ? " (best)" : "")}, loss {e.ValidationLoss:F4}; {e.TokensPerSecond:N0} tokens/s, " +
                       $"{e.Duration.TotalSeconds:F0} s (total {clock.Elapsed.TotalMinutes:F1} min); {memory[e.Epoch]}.";
            },
            () => estimator.Fit(sourceTokenizer.Transform(train)));
        if (averaged is not null) AnsiConsole.MarkupLine(Markup.Escape(averaged));
        return new TrainedSeq2Seq(sourceTokenizer, model, clock.Elapsed) { Averaging = averaged, Memory = memory };
    }

    /// <summary>Decodes every source row with <paramref name="decoding"/> (the same weights; greedy when the beam is 1).</summary>
    public static Decoded Decode(TrainedSeq2Seq trained, IDataView sources, DecodingOptions decoding)
    {
        SequenceToSequenceTransformer decoder = trained.Model.WithDecoding(decoding);   // shares the weights: not disposed here
        string what = decoding.BeamSize == 1 ? "greedy search" : $"beam search ({decoding.BeamSize})";
        string[] predictions = [];
        var clock = Stopwatch.StartNew();
        AnsiConsole.Status().Start($"Decoding the test set with {what}…", _ =>
            predictions = [.. decoder.Transform(trained.SourceTokenizer.Transform(sources)).GetColumn<string>(Predicted)]);
        clock.Stop();
        AnsiConsole.MarkupLine($"Decoded {predictions.Length:N0} rows with {what} in {clock.Elapsed.TotalSeconds:F1} s ({predictions.Length / clock.Elapsed.TotalSeconds:N0} rows/s).");
        return new Decoded(predictions, clock.Elapsed);
    }

    /// <summary>Saves the pipeline atomically, reloads it in a new MLContext and decodes the sources again; true when the
    /// reloaded model predicts exactly <paramref name="expected"/> (greedy search, the saved decoding).</summary>
    public static (bool Same, Decoded Reloaded) SaveAndReload(MLContext ml, TrainedSeq2Seq trained, DataViewSchema inputSchema, string path,
        IDataView sources, string[] expected)
    {
        ml.Model.SaveAtomically(trained.Chain, inputSchema, path);
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        try
        {
            var clock = Stopwatch.StartNew();
            string[] predictions = [.. loaded.Transform(sources).GetColumn<string>(Predicted)];
            var reloaded = new Decoded(predictions, clock.Elapsed);
            bool same = predictions.SequenceEqual(expected);
            AnsiConsole.MarkupLine($"Saved to [bold]{Path.GetFullPath(path)}[/] ({new FileInfo(path).Length / 1024.0 / 1024:F1} MiB); reloaded in a new " +
                                   $"MLContext: {(same ? "[green]same predictions[/]" : "[red]different predictions[/]")}, decoded " +
                                   $"{predictions.Length:N0} rows at {reloaded.RowsPerSecond:N0} rows/s.");
            return (same, reloaded);
        }
        finally
        {
            if (loaded is TransformerChain<ITransformer> chain) foreach (IDisposable d in chain.OfType<IDisposable>()) d.Dispose();
        }
    }

    /// <summary>Loads a pipeline this sample saved (<c>--model</c>): its source tokenizer and model, without training.</summary>
    public static TrainedSeq2Seq Load(MLContext ml, string path)
    {
        ITransformer loaded = ml.Model.Load(path, out _);
        if (loaded is not TransformerChain<ITransformer> chain || chain.OfType<TokenizerTransformer>().FirstOrDefault() is not { } tokenizer
            || chain.OfType<SequenceToSequenceTransformer>().FirstOrDefault() is not { } model)
            throw new ArgumentException($"--model {path} is not a pipeline saved by this sample (a source tokenizer, then a sequence-to-sequence model).");
        AnsiConsole.MarkupLine($"Loaded [bold]{Markup.Escape(path)}[/]; no training.");
        return new TrainedSeq2Seq(tokenizer, model, TimeSpan.Zero);
    }

    /// <summary>With <c>--choose-decoding</c>: the beam size (<c>--beams</c>, default 4 or 8) and length penalty
    /// (<c>--length-penalties</c>, default 0.6, 1.0 or 1.4) whose predictions on <paramref name="validation"/>
    /// <paramref name="score"/> rates best (library: <c>ChooseDecoding</c>), and every trial for the JSON line; otherwise
    /// <paramref name="flagged"/> (the --beam and --length-penalty flags) and null.</summary>
    public static (DecodingOptions Beam, object? Trials) ChooseBeam(ILookup<string, string> args, TrainedSeq2Seq trained, IDataView validation,
        DecodingOptions flagged, Func<IReadOnlyList<string>, double> score, string scoreName)
    {
        if (!args.Flag("choose-decoding")) return (flagged, null);
        int[] beams = args.List<int>("beams") ?? [4, 8];
        double[] penalties = args.List<double>("length-penalties") ?? [0.6, 1.0, 1.4];
        DecodingOptions[] candidates = [.. from beam in beams from alpha in penalties
                                           select flagged with { BeamSize = beam, LengthPenalty = alpha }];
        DecodingChoice choice = null!;
        AnsiConsole.Status().Start("Choosing the beam size and length penalty on the validation set…",
            _ => choice = trained.Model.ChooseDecoding(trained.SourceTokenizer.Transform(validation), candidates, score));
        var table = new Table().AddColumn("validation").AddColumn(scoreName).AddColumn("seconds");
        foreach (DecodingTrial trial in choice.Trials)
            table.AddRow($"beam {trial.Decoding.BeamSize}, length penalty {trial.Decoding.LengthPenalty}{(trial.Decoding == choice.Best ? " [green](chosen)[/]" : "")}",
                $"{trial.Score:F4}", $"{trial.Duration.TotalSeconds:F1}");
        AnsiConsole.Write(table);
        return (choice.Best, choice.Trials.Select(t => new
        {
            beam = t.Decoding.BeamSize, length_penalty = t.Decoding.LengthPenalty, valid_score = Math.Round(t.Score, 4), seconds = Math.Round(t.Duration.TotalSeconds, 1),
        }).ToArray());
    }

    /// <summary>Prints a few test rows: source, prediction and reference(s).</summary>
    public static void ShowExamples(IEnumerable<(string Source, string Greedy, string Beam, string Reference)> rows, string referenceTitle)
    {
        var table = new Table().AddColumn("source").AddColumn("greedy").AddColumn("beam").AddColumn(referenceTitle);
        foreach (var (source, greedy, beam, reference) in rows)
            table.AddRow(Markup.Escape(source), Mark(greedy, reference), Mark(beam, reference), Markup.Escape(reference));
        AnsiConsole.Write(table);

        static string Mark(string prediction, string reference)
            => reference.Split(" | ").Contains(prediction) ? $"[green]{Markup.Escape(prediction)}[/]" : Markup.Escape(prediction);
    }

    /// <summary>The machine-readable summary: one JSON line, last on stdout.</summary>
    public static void WriteJson(object summary) => Console.WriteLine(JsonSerializer.Serialize(summary));
}
