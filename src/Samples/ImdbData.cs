using System.IO.Compression;

namespace Samples;

/// <summary>One IMDb review as the samples load it.</summary>
public sealed class Review
{
    public bool Label { get; set; }

    public string Text { get; set; } = "";
}

/// <summary>Reads the IMDb TSV files (gzip, header "label\ttext", no quoting), or makes a small built-in corpus.</summary>
internal static class ImdbData
{
    public static List<Review> Load(string path, int? maxRows = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IMDb file not found: {path}", path);
        using Stream file = File.OpenRead(path);
        using Stream data = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(data);
        string header = reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty.");
        if (!header.StartsWith("label\ttext", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: expected the header 'label<TAB>text', found '{header}'.");
        var reviews = new List<Review>();
        string? line;
        while ((maxRows is null || reviews.Count < maxRows) && (line = reader.ReadLine()) is not null)
        {
            int tab = line.IndexOf('\t');
            if (tab < 0) throw new InvalidDataException($"{path}: line {reviews.Count + 2} has no tab.");
            reviews.Add(new Review { Label = line[..tab] == "1", Text = line[(tab + 1)..] });
        }
        return reviews;
    }

    /// <summary>A deterministic toy corpus of short positive and negative reviews, for runs without --data.</summary>
    public static List<Review> BuiltIn(int count, int seed)
    {
        string[] subjects = ["The movie", "This film", "The plot", "The acting", "The soundtrack", "The ending", "The director's vision"];
        string[] good = ["was wonderful", "is a masterpiece", "moved me to tears", "felt fresh and clever", "was beautifully shot"];
        string[] bad = ["was boring", "is a mess", "made no sense", "felt cheap and lazy", "dragged on forever"];
        string[] extras = ["<br /><br />I would watch it again.", "Ten stars!", "Not worth the ticket.", "My kids loved it.", "Avoid."];
        var random = new Random(seed);
        var reviews = new List<Review>(count);
        for (int i = 0; i < count; i++)
        {
            bool positive = random.Next(2) == 1;
            string[] verdicts = positive ? good : bad;
            reviews.Add(new Review
            {
                Label = positive,
                Text = $"{subjects[random.Next(subjects.Length)]} {verdicts[random.Next(verdicts.Length)]}. " +
                       $"{subjects[random.Next(subjects.Length)]} {verdicts[random.Next(verdicts.Length)]}, {extras[random.Next(extras.Length)]}",
            });
        }
        return reviews;
    }
}
