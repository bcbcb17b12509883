using System.IO.Compression;

namespace Samples;

/// <summary>One document of unlabelled text.</summary>
public sealed class Document
{
    public string Text { get; set; } = "";
}

/// <summary>Reads a gzip TSV whose first column is the text (header "text", no quoting), as IMDb's <c>unsup.tsv.gz</c>.</summary>
internal static class UnlabelledText
{
    public static List<Document> Load(string path, int? maxRows = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Unlabelled text not found: {path}", path);
        using Stream file = File.OpenRead(path);
        using Stream data = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(data);
        string header = reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty.");
        if (!header.StartsWith("text", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: expected the header 'text', found '{header}'.");
        var documents = new List<Document>();
        string? line;
        while ((maxRows is null || documents.Count < maxRows) && (line = reader.ReadLine()) is not null)
        {
            int tab = line.IndexOf('\t');
            documents.Add(new Document { Text = tab < 0 ? line : line[..tab] });
        }
        return documents;
    }
}
