using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Orleans.Shards;

/// <summary>
/// The rows of a scored view as a shard: every visible column of a type a shard holds, in schema order. Text, numbers
/// and Booleans stay as they are; a key (a multiclass PredictedLabel) is written as its raw <see cref="uint"/>; a float
/// vector of known size (a multiclass Score) becomes one float column per slot, named <c>Name.0</c>, <c>Name.1</c>, …;
/// other columns (token vectors, for one) are left out.
/// </summary>
internal static class ScoredTable
{
    public static ShardTable Read(IDataView scored, int rowCount, CancellationToken cancellation)
    {
        var collectors = scored.Schema.Where(c => !c.IsHidden).Select(c => Collector.For(c, rowCount)).OfType<Collector>().ToArray();
        using DataViewRowCursor cursor = scored.GetRowCursor(collectors.Select(c => c.Column));
        foreach (Collector collector in collectors) collector.Bind(cursor);
        int row = 0;
        while (cursor.MoveNext())
        {
            if (row == rowCount) throw new InvalidOperationException($"the model returned more rows than the {rowCount} it was given.");
            if ((row & 255) == 0) cancellation.ThrowIfCancellationRequested();
            foreach (Collector collector in collectors) collector.Take(row);
            row++;
        }
        if (row != rowCount) throw new InvalidOperationException($"the model returned {row} rows of the {rowCount} it was given.");
        return new ShardTable([.. collectors.SelectMany(c => c.Columns())]);
    }

    private abstract class Collector(DataViewSchema.Column column)
    {
        public DataViewSchema.Column Column { get; } = column;

        public abstract void Bind(DataViewRow row);

        public abstract void Take(int row);

        public abstract IEnumerable<ShardColumn> Columns();

        public static Collector? For(DataViewSchema.Column column, int rows) => column.Type switch
        {
            TextDataViewType => new Converting<ReadOnlyMemory<char>, string>(column, rows, v => v.ToString()),
            KeyDataViewType { RawType: var raw } when raw == typeof(uint) => new Plain<uint>(column, rows),
            VectorDataViewType { ItemType: NumberDataViewType { RawType: var raw }, Size: > 0 } vector when raw == typeof(float)
                => new FloatVector(column, rows, vector.Size),
            BooleanDataViewType => new Plain<bool>(column, rows),
            NumberDataViewType { RawType: var raw } when raw == typeof(float) => new Plain<float>(column, rows),
            NumberDataViewType { RawType: var raw } when raw == typeof(double) => new Plain<double>(column, rows),
            NumberDataViewType { RawType: var raw } when raw == typeof(int) => new Plain<int>(column, rows),
            NumberDataViewType { RawType: var raw } when raw == typeof(long) => new Plain<long>(column, rows),
            NumberDataViewType { RawType: var raw } when raw == typeof(uint) => new Plain<uint>(column, rows),
            _ => null,
        };
    }

    private sealed class Plain<T>(DataViewSchema.Column column, int rows) : Collector(column)
    {
        private readonly T[] _values = new T[rows];
        private ValueGetter<T>? _getter;

        public override void Bind(DataViewRow row) => _getter = row.GetGetter<T>(Column);

        public override void Take(int row) => _getter!(ref _values[row]);

        public override IEnumerable<ShardColumn> Columns() => [new ShardColumn(Column.Name, _values)];
    }

    private sealed class Converting<TRaw, T>(DataViewSchema.Column column, int rows, Func<TRaw, T> convert) : Collector(column)
    {
        private readonly T[] _values = new T[rows];
        private ValueGetter<TRaw>? _getter;
        private TRaw _raw = default!;

        public override void Bind(DataViewRow row) => _getter = row.GetGetter<TRaw>(Column);

        public override void Take(int row)
        {
            _getter!(ref _raw);
            _values[row] = convert(_raw);
        }

        public override IEnumerable<ShardColumn> Columns() => [new ShardColumn(Column.Name, _values)];
    }

    private sealed class FloatVector(DataViewSchema.Column column, int rows, int size) : Collector(column)
    {
        private readonly float[][] _slots = [.. Enumerable.Range(0, size).Select(_ => new float[rows])];
        private ValueGetter<VBuffer<float>>? _getter;
        private VBuffer<float> _vector;

        public override void Bind(DataViewRow row) => _getter = row.GetGetter<VBuffer<float>>(Column);

        public override void Take(int row)
        {
            _getter!(ref _vector);
            int slot = 0;
            foreach (float value in _vector.DenseValues()) _slots[slot++][row] = value;
        }

        public override IEnumerable<ShardColumn> Columns() => _slots.Select((values, i) => new ShardColumn($"{Column.Name}.{i}", values));
    }
}
