using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Transformer;
using Spectre.Console;

namespace Samples;

/// <summary>
/// Token embeddings as features for a classic ML.NET trainer: tokenize → EmbedAndPositionEncode (mean-pooled sentence
/// vector from a fresh, seeded table) → SdcaLogisticRegression. A fresh table is a random projection of the bag of
/// tokens; pass a trained model of this library as EmbeddingOptions.Source to use trained vectors instead.
/// </summary>
internal static class EmbeddingFeaturesSample
{
    public static int Run(ILookup<string, string> args)
    {
        string? dataDir = args.Value("data");
        int rows = int.Parse(args.Value("rows") ?? "25000");
        int dModel = int.Parse(args.Value("dim") ?? "256");
        var ml = new MLContext(seed: 1);

        var (train, test) = ImdbSplits.Load(dataDir, rows);
        IDataView trainView = ml.Data.LoadFromEnumerable(train), testView = ml.Data.LoadFromEnumerable(test);

        var pipeline = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions
            {
                Kind = TokenizerKind.BytePairEncoding,
                VocabularySize = dataDir is null ? 1000 : 8000,
                StripHtmlTags = true,
                LowerCase = true,
                MaxLength = 256,
            })
            .Append(ml.Transforms.Text.EmbedAndPositionEncode("Features", "Tokens", new EmbeddingOptions
            {
                ModelDimension = dModel,
                Pooling = EmbeddingPooling.Mean,
                Positional = PositionalEncodingKind.None,   // a bag of tokens: positions would only add noise to a mean
            }))
            .AppendCacheCheckpoint(ml)   // SDCA passes over the data several times: embed each review once
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(featureColumnName: "Features"));

        var clock = Stopwatch.StartNew();
        ITransformer model = null!;
        AnsiConsole.Status().Start("Fitting tokenizer, embedding and logistic regression…", _ => model = pipeline.Fit(trainView));
        double fitSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(testView));
        double scoreSeconds = clock.Elapsed.TotalSeconds;
        AnsiConsole.MarkupLine($"Fit in [bold]{fitSeconds:F1} s[/]; test accuracy [bold]{metrics.Accuracy:P2}[/], AUC {metrics.AreaUnderRocCurve:F3}, " +
                               $"F1 {metrics.F1Score:F3}; scored {test.Count / scoreSeconds:N0} rows/s.");

        string modelPath = args.Value("out") ?? "imdb-embedding-features.zip";
        ml.Model.SaveAtomically(model, trainView.Schema, modelPath);
        var reloaded = new MLContext().Model.Load(modelPath, out _);
        double reloadedAccuracy = ml.BinaryClassification.Evaluate(reloaded.Transform(testView)).Accuracy;
        AnsiConsole.MarkupLine($"Saved to [bold]{Path.GetFullPath(modelPath)}[/]; reloaded accuracy {reloadedAccuracy:P2}.");

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            sample = "features",
            data = dataDir ?? "built-in",
            train_rows = train.Count,
            test_rows = test.Count,
            d_model = dModel,
            fit_seconds = Math.Round(fitSeconds, 2),
            score_rows_per_s = Math.Round(test.Count / scoreSeconds),
            accuracy = Math.Round(metrics.Accuracy, 4),
            auc = Math.Round(metrics.AreaUnderRocCurve, 4),
            f1 = Math.Round(metrics.F1Score, 4),
            reload_identical = reloadedAccuracy == metrics.Accuracy,
        }));
        return reloadedAccuracy == metrics.Accuracy ? 0 : 1;
    }
}
