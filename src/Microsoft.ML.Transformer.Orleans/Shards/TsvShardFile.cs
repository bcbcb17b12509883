using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.Transformer.Orleans.Shards;

/// <summary>
/// TSV shards as the samples read them: UTF-8, gzip when the name ends in .gz, a header line naming the columns, fields
/// split on tabs only (no quoting), every line with as many fields as the header. Every column reads as text; numbers
/// are written in invariant culture, round-trippable.
/// </summary>
internal static class TsvShardFile
{
    public static ShardTable Read(string path, bool gzip)
    {
        using Stream file = File.OpenRead(path);
        using Stream data = gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(data, Encoding.UTF8);
        string[] header = (reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty: expected a header line.")).Split('\t');
        var values = header.Select(_ => new List<string>()).ToArray();
        string? line;
        for (int number = 2; (line = reader.ReadLine()) is not null; number++)
        {
            string[] fields = line.Split('\t');
            if (fields.Length != header.Length)
                throw new InvalidDataException($"{path}: line {number} has {fields.Length} tab-separated fields, the header has {header.Length} " +
                                               "(quoting is off: a tab inside a text splits it).");
            for (int i = 0; i < fields.Length; i++) values[i].Add(fields[i]);
        }
        return new ShardTable([.. header.Select((name, i) => new ShardColumn(name.Trim(), values[i].ToArray()))]);
    }

    public static void Write(ShardTable table, Stream output, bool gzip)
    {
        using Stream? compressed = gzip ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true) : null;
        using var writer = new StreamWriter(compressed ?? output, new UTF8Encoding(false), leaveOpen: true);
        writer.Write(string.Join('\t', table.Columns.Select(c => Field(c.Name, c.Name))));
        writer.Write('\n');
        for (int row = 0; row < table.RowCount; row++)
        {
            for (int c = 0; c < table.Columns.Count; c++)
            {
                if (c > 0) writer.Write('\t');
                ShardColumn column = table.Columns[c];
                writer.Write(Field(column.Name, Format(column.Values.GetValue(row))));
            }
            writer.Write('\n');
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A field as written; a tab or line break would split it where no quoting can tell.</summary>
    private static string Field(string column, string text)
        => text.AsSpan().IndexOfAny('\t', '\n', '\r') < 0 ? text
            : throw new InvalidDataException($"column '{column}' holds a tab or a line break, which a TSV shard cannot hold (no quoting); write Parquet shards.");
}
