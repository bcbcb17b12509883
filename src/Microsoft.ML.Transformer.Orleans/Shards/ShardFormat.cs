namespace Microsoft.ML.Transformer.Orleans.Shards;

/// <summary>The file formats a shard may have, told by the file name's ending.</summary>
public enum ShardFormat
{
    /// <summary><c>.parquet</c>: typed columns (Parquet.Net).</summary>
    Parquet,

    /// <summary><c>.tsv</c>: a header line naming the columns, tab-separated text, no quoting (as the samples read it).</summary>
    Tsv,

    /// <summary><c>.tsv.gz</c>: the same, gzip-compressed.</summary>
    TsvGz,
}

/// <summary>Which files are shards, and in which format.</summary>
public static class ShardFormats
{
    /// <summary>The format of <paramref name="path"/> by its name, or null when it is not a shard.</summary>
    public static ShardFormat? Of(string path)
    {
        string name = Path.GetFileName(path);
        if (name.StartsWith('.')) return null;   // hidden: the temporary files of an atomic write among them
        if (name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase)) return ShardFormat.Parquet;
        if (name.EndsWith(".tsv.gz", StringComparison.OrdinalIgnoreCase)) return ShardFormat.TsvGz;
        if (name.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase)) return ShardFormat.Tsv;
        return null;
    }

    /// <summary>The shard files directly in <paramref name="folder"/>, by ordinal name.</summary>
    public static string[] List(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"shard folder not found: {folder}");
        return [.. Directory.EnumerateFiles(folder).Where(f => Of(f) is not null).OrderBy(f => f, StringComparer.Ordinal)];
    }
}
