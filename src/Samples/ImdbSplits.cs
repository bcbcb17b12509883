using Spectre.Console;

namespace Samples;

/// <summary>The train and test reviews the IMDb samples use: from --data, or the built-in corpus without it.</summary>
internal static class ImdbSplits
{
    public static (List<Review> Train, List<Review> Test) Load(string? dataDir, int? maxRows = null)
    {
        List<Review> train, test;
        if (dataDir is null)
        {
            AnsiConsole.MarkupLine("[yellow]No --data given: using a small built-in corpus.[/] For IMDb: --data ../shared/data/imdb");
            train = ImdbData.BuiltIn(2000, seed: 1);
            test = ImdbData.BuiltIn(500, seed: 2);
        }
        else
        {
            train = ImdbData.Load(Path.Combine(dataDir, "train.tsv.gz"), maxRows);
            test = ImdbData.Load(Path.Combine(dataDir, "test.tsv.gz"), maxRows);
        }
        AnsiConsole.MarkupLine($"Loaded [bold]{train.Count:N0}[/] training and [bold]{test.Count:N0}[/] test reviews.");
        return (train, test);
    }
}
