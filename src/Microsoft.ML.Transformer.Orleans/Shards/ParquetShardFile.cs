using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.Transformer.Orleans.Shards;

/// <summary>Parquet shards through Parquet.Net: flat columns of the <see cref="ShardColumn.SupportedTypes"/>, every row
/// group read, written as one row group. A null text reads as empty, a null number as NaN (float, double) or fails (integers, Booleans).</summary>
internal static class ParquetShardFile
{
    public static async Task<ShardTable> ReadAsync(string path, CancellationToken cancellation)
    {
        using Stream file = File.OpenRead(path);
        await using ParquetReader reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellation);
        DataField[] fields = reader.Schema.DataFields;
        if (reader.Schema.Fields.Count != fields.Length || fields.Any(f => f.IsArray))
            throw new InvalidDataException($"{path}: nested or repeated Parquet columns are not supported; shards hold flat columns.");
        long total = 0;
        for (int g = 0; g < reader.RowGroupCount; g++) total += reader.RowGroups[g].RowCount;
        if (total > Array.MaxLength) throw new InvalidDataException($"{path}: {total} rows is more than one shard can hold; cut it smaller.");
        var columns = fields.Select(f => Array.CreateInstance(Element(f, path), (int)total)).ToArray();
        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            int rows = (int)group.RowCount;
            for (int c = 0; c < fields.Length; c++)
                await ReadColumn(group, fields[c], columns[c], offset, rows, path, cancellation);
            offset += rows;
        }
        return new ShardTable([.. fields.Select((f, c) => new ShardColumn(f.Name, columns[c]))]);
    }

    public static async Task WriteAsync(ShardTable table, Stream output, CancellationToken cancellation)
    {
        DataField[] fields = [.. table.Columns.Select(c => new DataField(c.Name, c.ElementType, isNullable: c.ElementType == typeof(string)))];
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), output, cancellationToken: cancellation);
        using ParquetRowGroupWriter group = writer.CreateRowGroup();
        for (int c = 0; c < fields.Length; c++)
        {
            Task write = table.Columns[c].Values switch
            {
                string[] v => group.WriteAsync(fields[c], v),
                float[] v => group.WriteAsync<float>(fields[c], v, cancellationToken: cancellation),
                double[] v => group.WriteAsync<double>(fields[c], v, cancellationToken: cancellation),
                int[] v => group.WriteAsync<int>(fields[c], v, cancellationToken: cancellation),
                long[] v => group.WriteAsync<long>(fields[c], v, cancellationToken: cancellation),
                uint[] v => group.WriteAsync<uint>(fields[c], v, cancellationToken: cancellation),
                bool[] v => group.WriteAsync<bool>(fields[c], v, cancellationToken: cancellation),
                _ => throw new NotSupportedException(table.Columns[c].ElementType.Name),
            };
            await write;
        }
        group.CompleteValidate();
    }

    private static Type Element(DataField field, string path)
    {
        Type type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(ReadOnlyMemory<char>)) type = typeof(string);   // how Parquet.Net 6 reports a UTF-8 column
        return ShardColumn.SupportedTypes.Contains(type) ? type
            : throw new InvalidDataException($"{path}: column '{field.Name}' is {type.Name}; shards hold {string.Join(", ", ShardColumn.SupportedTypes.Select(t => t.Name))}.");
    }

    private static async Task ReadColumn(ParquetRowGroupReader group, DataField field, Array target, int offset, int rows, string path, CancellationToken cancellation)
    {
        switch (target)
        {
            case string[] strings:
                var texts = new string?[rows];
                await group.ReadAsync(field, texts, null, cancellation);
                for (int i = 0; i < rows; i++) strings[offset + i] = texts[i] ?? "";   // a null text scores as empty
                break;
            case float[] floats:
                await ReadNumbers(group, field, floats.AsMemory(offset, rows), float.NaN, cancellation);
                break;
            case double[] doubles:
                await ReadNumbers(group, field, doubles.AsMemory(offset, rows), double.NaN, cancellation);
                break;
            case int[] ints:
                await ReadNumbers<int>(group, field, ints.AsMemory(offset, rows), null, cancellation);
                break;
            case long[] longs:
                await ReadNumbers<long>(group, field, longs.AsMemory(offset, rows), null, cancellation);
                break;
            case uint[] uints:
                await ReadNumbers<uint>(group, field, uints.AsMemory(offset, rows), null, cancellation);
                break;
            case bool[] bools:
                await ReadNumbers<bool>(group, field, bools.AsMemory(offset, rows), null, cancellation);
                break;
        }

        async Task ReadNumbers<T>(ParquetRowGroupReader reader, DataField column, Memory<T> values, T? missing, CancellationToken token) where T : struct
        {
            if (!column.IsNullable)
            {
                await reader.ReadAsync(column, values, null, token);
                return;
            }
            var nullable = new T?[values.Length];
            await reader.ReadAsync<T>(column, nullable, null, token);
            Span<T> span = values.Span;
            for (int i = 0; i < nullable.Length; i++)
                span[i] = nullable[i] ?? missing ?? throw new InvalidDataException($"{path}: column '{column.Name}' has a null in row {offset + i + 1}.");
        }
    }
}
