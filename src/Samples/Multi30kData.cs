using System.IO.Compression;
using System.Text;

namespace Samples;

/// <summary>One English sentence and its German translation.</summary>
public sealed class TranslationPair
{
    public string English { get; set; } = "";

    public string German { get; set; } = "";
}

/// <summary>Reads Multi30k task 1 (raw): <c>{split}.en.gz</c> and <c>{split}.de.gz</c>, one sentence per line, line i of
/// one file the translation of line i of the other.</summary>
internal static class Multi30kData
{
    public const string Train = "train", Validation = "val", Test = "test_2016_flickr";

    public static List<TranslationPair> Load(string dataDir, string split, int? maxRows = null)
    {
        string[] english = Lines(Path.Combine(dataDir, $"{split}.en.gz"), maxRows);
        string[] german = Lines(Path.Combine(dataDir, $"{split}.de.gz"), maxRows);
        if (english.Length != german.Length)
            throw new InvalidDataException($"Multi30k '{split}': {english.Length} English lines but {german.Length} German lines.");
        return [.. english.Zip(german, (en, de) => new TranslationPair { English = en, German = de })];
    }

    private static string[] Lines(string path, int? maxRows)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Multi30k file not found: {path}", path);
        using Stream file = File.OpenRead(path);
        using Stream data = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(data, Encoding.UTF8);
        var lines = new List<string>();
        string? line;
        while ((maxRows is null || lines.Count < maxRows) && (line = reader.ReadLine()) is not null) lines.Add(line.Trim());
        return [.. lines];
    }
}
