namespace Microsoft.ML.Transformer.Orleans.Shards;

/// <summary>One column of a shard: its name and its values, one per row, as an array of <see cref="string"/>,
/// <see cref="float"/>, <see cref="double"/>, <see cref="int"/>, <see cref="long"/>, <see cref="uint"/> or
/// <see cref="bool"/>.</summary>
public sealed record ShardColumn(string Name, Array Values)
{
    /// <summary>The element types a shard column may hold.</summary>
    public static IReadOnlyList<Type> SupportedTypes { get; } =
        [typeof(string), typeof(float), typeof(double), typeof(int), typeof(long), typeof(uint), typeof(bool)];

    /// <summary>The type of one value.</summary>
    public Type ElementType => Values.GetType().GetElementType()!;
}

/// <summary>A whole shard in memory, column by column; every column has <see cref="RowCount"/> values.</summary>
public sealed class ShardTable
{
    /// <summary>A table of <paramref name="columns"/>, which must be of equal length and distinct names.</summary>
    public ShardTable(IReadOnlyList<ShardColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new InvalidDataException("a shard needs at least one column.");
        RowCount = columns[0].Values.Length;
        foreach (ShardColumn column in columns)
        {
            if (!ShardColumn.SupportedTypes.Contains(column.ElementType))
                throw new NotSupportedException($"column '{column.Name}' holds {column.ElementType.Name}; shards hold {string.Join(", ", ShardColumn.SupportedTypes.Select(t => t.Name))}.");
            if (column.Values.Length != RowCount)
                throw new InvalidDataException($"column '{column.Name}' has {column.Values.Length} values, column '{columns[0].Name}' has {RowCount}.");
        }
        var duplicate = columns.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidDataException($"two columns are named '{duplicate.Key}'.");
        Columns = columns;
    }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<ShardColumn> Columns { get; }

    /// <summary>How many rows every column holds.</summary>
    public int RowCount { get; }

    /// <summary>The column named <paramref name="name"/> (exactly), or null.</summary>
    public ShardColumn? Find(string name) => Columns.FirstOrDefault(c => c.Name == name);
}
