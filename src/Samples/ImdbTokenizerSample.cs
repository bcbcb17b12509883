using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// The IMDb job: learns a byte-level BPE vocabulary on the training reviews inside an ML.NET pipeline, tokenizes the
/// test reviews, saves the fitted pipeline as an ML.NET zip, reloads it in a new MLContext and checks the reloaded
/// model gives identical token ids. (The Transformer classifier joins this pipeline in a later release.)
/// </summary>
internal static class ImdbTokenizerSample
{
    public static int Run(ILookup<string, string> args)
    {
        string? dataDir = args.Value("data");
        string modelPath = args.Value("out") ?? "imdb-tokenizer.zip";
        var ml = new MLContext(seed: 1);

        var (train, test) = ImdbSplits.Load(dataDir);

        IDataView trainView = ml.Data.LoadFromEnumerable(train);
        IDataView testView = ml.Data.LoadFromEnumerable(test);
        var tokenizerOptions = new TokenizerOptions
        {
            Kind = TokenizerKind.BytePairEncoding,
            VocabularySize = dataDir is null ? 1000 : 16_000,
            StripHtmlTags = true, // IMDb reviews contain "<br /><br />"
            MaxLength = 256,
            LengthColumnName = "Length",
        };
        var pipeline = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", tokenizerOptions);

        var fitClock = Stopwatch.StartNew();
        ITransformer model = null!;
        AnsiConsole.Status().Start("Learning the BPE vocabulary on the training reviews…", _ => model = pipeline.Fit(trainView));
        fitClock.Stop();
        var tokenizer = ((TokenizerTransformer)model).Tokenizer;
        AnsiConsole.MarkupLine($"Vocabulary: [bold]{tokenizer.VocabularySize:N0}[/] tokens, learned in [bold]{fitClock.Elapsed.TotalSeconds:F1} s[/].");

        var scoreClock = Stopwatch.StartNew();
        var (ids, stats) = ReadTokens(model.Transform(testView), tokenizerOptions.MaxLength);
        scoreClock.Stop();
        AnsiConsole.MarkupLine($"Test set: [bold]{stats.Tokens:N0}[/] tokens, {stats.Tokens / (double)test.Count:F1} per review, " +
                               $"{stats.AtCap:N0} reviews cut at {tokenizerOptions.MaxLength}; " +
                               $"{stats.Tokens / scoreClock.Elapsed.TotalSeconds:N0} tokens/s.");
        ShowExample(test[0].Text, ids[0], tokenizer);

        ml.Model.SaveAtomically(model, trainView.Schema, modelPath);
        AnsiConsole.MarkupLine($"Saved the fitted pipeline to [bold]{Path.GetFullPath(modelPath)}[/] ({new FileInfo(modelPath).Length / 1024.0:F0} KiB).");

        var reloaded = new MLContext().Model.Load(modelPath, out _);
        var (reloadedIds, _) = ReadTokens(reloaded.Transform(testView), tokenizerOptions.MaxLength);
        int mismatches = ids.Zip(reloadedIds).Count(p => !p.First.AsSpan().SequenceEqual(p.Second));
        AnsiConsole.MarkupLine(mismatches == 0
            ? "Reloaded model: [green]identical token ids on every test review[/]."
            : $"Reloaded model: [red]{mismatches} reviews differ[/].");

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            sample = "imdb",
            stage = "tokenizer",
            data = dataDir ?? "built-in",
            train_rows = train.Count,
            test_rows = test.Count,
            vocabulary = tokenizer.VocabularySize,
            fit_seconds = Math.Round(fitClock.Elapsed.TotalSeconds, 2),
            test_tokens = stats.Tokens,
            tokens_per_review = Math.Round(stats.Tokens / (double)test.Count, 1),
            transform_tokens_per_s = Math.Round(stats.Tokens / scoreClock.Elapsed.TotalSeconds),
            reviews_at_max_length = stats.AtCap,
            reload_identical = mismatches == 0,
            model = Path.GetFullPath(modelPath),
        }));
        return mismatches == 0 ? 0 : 1;
    }

    private static (List<int[]> Ids, (long Tokens, int AtCap) Stats) ReadTokens(IDataView scored, int maxLength)
    {
        var all = new List<int[]>();
        long tokens = 0;
        int atCap = 0;
        using var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name is "Tokens" or "Length"));
        var getTokens = cursor.GetGetter<VBuffer<int>>(scored.Schema["Tokens"]);
        var getLength = cursor.GetGetter<int>(scored.Schema["Length"]);
        VBuffer<int> buffer = default;
        int length = 0;
        while (cursor.MoveNext())
        {
            getTokens(ref buffer);
            getLength(ref length);
            all.Add(buffer.DenseValues().ToArray());
            tokens += length;
            if (length == maxLength) atCap++;
        }
        return (all, (tokens, atCap));
    }

    private static void ShowExample(string text, int[] ids, TextTokenizer tokenizer)
    {
        var table = new Table().AddColumn("first review").AddColumn("first 16 tokens");
        table.AddRow(Markup.Escape(text.Length > 100 ? text[..100] + "…" : text),
            Markup.Escape(string.Join(" | ", ids.Take(16).Select(tokenizer.IdToToken))));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Decoded back: [italic]{Markup.Escape(tokenizer.Decode(ids.Take(24).ToArray()))}…[/]");
    }
}
