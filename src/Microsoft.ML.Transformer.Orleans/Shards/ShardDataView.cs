using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Orleans.Shards;

/// <summary>An <see cref="IDataView"/> over a shard in memory: one column per shard column, text as
/// <see cref="TextDataViewType"/>, numbers and Booleans as themselves. One cursor at a time suffices: the model's block
/// Transform batches rows itself.</summary>
internal sealed class ShardDataView : IDataView
{
    private readonly ShardTable _table;

    public ShardDataView(ShardTable table)
    {
        _table = table;
        var builder = new DataViewSchema.Builder();
        foreach (ShardColumn column in table.Columns) builder.AddColumn(column.Name, TypeOf(column.ElementType));
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _table.RowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
        => new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null)
        => [GetRowCursor(columnsNeeded, rand)];

    public static DataViewType TypeOf(Type element) => element switch
    {
        _ when element == typeof(string) => TextDataViewType.Instance,
        _ when element == typeof(float) => NumberDataViewType.Single,
        _ when element == typeof(double) => NumberDataViewType.Double,
        _ when element == typeof(int) => NumberDataViewType.Int32,
        _ when element == typeof(long) => NumberDataViewType.Int64,
        _ when element == typeof(uint) => NumberDataViewType.UInt32,
        _ when element == typeof(bool) => BooleanDataViewType.Instance,
        _ => throw new NotSupportedException(element.Name),
    };

    private sealed class Cursor(ShardDataView view, HashSet<int> active) : DataViewRowCursor
    {
        private long _position = -1;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema => view.Schema;

        public override bool MoveNext() => ++_position < view._table.RowCount;

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (!IsColumnActive(column)) throw new InvalidOperationException($"column '{column.Name}' was not asked for when the cursor was made.");
            Array values = view._table.Columns[column.Index].Values;
            Delegate getter = values is string[] texts
                ? (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = texts[_position].AsMemory())
                : values switch
                {
                    float[] v => Getter(v),
                    double[] v => Getter(v),
                    int[] v => Getter(v),
                    long[] v => Getter(v),
                    uint[] v => Getter(v),
                    bool[] v => Getter(v),
                    _ => throw new NotSupportedException(values.GetType().Name),
                };
            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}.");
        }

        private ValueGetter<T> Getter<T>(T[] values) => (ref T value) => value = values[_position];
    }
}
