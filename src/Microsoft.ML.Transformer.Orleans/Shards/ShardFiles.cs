namespace Microsoft.ML.Transformer.Orleans.Shards;

/// <summary>Reads and writes shards in the format their names tell (<see cref="ShardFormats.Of"/>); a write is atomic.</summary>
public static class ShardFiles
{
    /// <summary>The ending of a shard being written; hidden (a leading dot) so that no listing takes it for a shard.</summary>
    public const string PartialSuffix = ".partial";

    /// <summary>Reads the whole shard at <paramref name="path"/>.</summary>
    public static async Task<ShardTable> ReadAsync(string path, CancellationToken cancellation = default)
    {
        ShardFormat format = Format(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"shard not found: {path}", path);
        return format == ShardFormat.Parquet ? await ParquetShardFile.ReadAsync(path, cancellation) : TsvShardFile.Read(path, format == ShardFormat.TsvGz);
    }

    /// <summary>Writes <paramref name="table"/> to a hidden temporary file beside <paramref name="path"/>, then renames it
    /// to <paramref name="path"/> (replacing a file there): the shard is either complete or absent, whatever stops the
    /// write. The temporary file is deleted when the write fails or is cancelled.</summary>
    public static async Task WriteAtomicallyAsync(ShardTable table, string path, CancellationToken cancellation = default)
    {
        ShardFormat format = Format(path);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}{PartialSuffix}");
        try
        {
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                if (format == ShardFormat.Parquet) await ParquetShardFile.WriteAsync(table, output, cancellation);
                else TsvShardFile.Write(table, output, format == ShardFormat.TsvGz);
                cancellation.ThrowIfCancellationRequested();
                output.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Deletes the temporary files of writes that never finished (their process died) in <paramref name="folder"/>;
    /// call it only while nothing writes there.</summary>
    /// <returns>How many were deleted.</returns>
    public static int DeletePartials(string folder)
    {
        if (!Directory.Exists(folder)) return 0;
        string[] partials = Directory.GetFiles(folder, "." + "*" + PartialSuffix);
        foreach (string partial in partials) File.Delete(partial);
        return partials.Length;
    }

    private static ShardFormat Format(string path)
        => ShardFormats.Of(path) ?? throw new ArgumentException($"'{path}' is not a shard: shard names end in .parquet, .tsv or .tsv.gz.", nameof(path));
}
