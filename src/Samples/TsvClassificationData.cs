using System.IO.Compression;

namespace Samples;

/// <summary>One row of a classification file: the label as written, and the text.</summary>
public sealed class LabeledText
{
    public string Label { get; set; } = "";

    public string Text { get; set; } = "";
}

/// <summary>
/// Reads the classify sample's files: UTF-8 TSV (gzip when the name ends in .gz), a header line naming the columns,
/// <c>label</c> and <c>text</c> found by name (case-insensitive), other columns ignored. Quoting is off: a line is split
/// on tabs only, and must have as many fields as the header.
/// </summary>
internal static class TsvClassificationData
{
    public const string TrainFile = "train.tsv.gz";
    public const string TestFile = "test.tsv.gz";

    /// <summary>The training and test rows of <paramref name="folder"/> (<see cref="TrainFile"/>, <see cref="TestFile"/>),
    /// each cut to its first <paramref name="maxRows"/> rows when given.</summary>
    public static (List<LabeledText> Train, List<LabeledText> Test) LoadFolder(string folder, int? maxRows = null)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"data folder not found: {folder}");
        return (Load(Path.Combine(folder, TrainFile), maxRows), Load(Path.Combine(folder, TestFile), maxRows));
    }

    public static List<LabeledText> Load(string path, int? maxRows = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"data file not found: {path} (expected {TrainFile} and {TestFile})", path);
        using Stream file = File.OpenRead(path);
        using Stream data = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(data);
        string[] header = (reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty: expected a header line.")).Split('\t');
        int label = Column(header, "label", path), text = Column(header, "text", path);
        var rows = new List<LabeledText>();
        string? line;
        for (int number = 2; (maxRows is null || rows.Count < maxRows) && (line = reader.ReadLine()) is not null; number++)
        {
            string[] fields = line.Split('\t');
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{path}: line {number} has {fields.Length} tab-separated fields, the header has {header.Length} " +
                                               "(quoting is off: a tab inside a text splits it).");
            rows.Add(new LabeledText { Label = fields[label], Text = fields[text] });
        }
        return rows;
    }

    private static int Column(string[] header, string name, string path)
    {
        int index = Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? index
            : throw new InvalidDataException($"{path}: the header has no '{name}' column (found: {string.Join(", ", header.Select(h => $"'{h}'"))}); " +
                                             "the file needs columns named 'label' and 'text'.");
    }
}
