using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Classification;

/// <summary>
/// The classifier's label as training reads it: a Boolean column (binary) or a key column (multiclass, key k is class
/// k − 1), as a class index; rows with a missing key (0) are skipped.
/// </summary>
internal sealed class ClassLabel : IBatchLabel<long>
{
    private readonly IExceptionContext _host;

    private ClassLabel(IExceptionContext host, DataViewSchema.Column column, int classCount)
    {
        (_host, Column, ClassCount) = (host, column, classCount);
        SkipReasons = [$"a missing label in '{column.Name}'"];
    }

    public DataViewSchema.Column Column { get; }

    /// <summary>Classes of the label: 2 for Boolean, the key count for keys.</summary>
    public int ClassCount { get; }

    public IReadOnlyList<DataViewSchema.Column> Columns => [Column];

    public IReadOnlyList<string> SkipReasons { get; }

    /// <summary>The label column of <paramref name="kind"/> in <paramref name="schema"/>, checked; <paramref name="role"/> is
    /// how a schema error names it ("label", or "ValidationSet label" for held-out data).</summary>
    public static ClassLabel Find(IExceptionContext host, DataViewSchema schema, string name, ClassifierKind kind, string role = "label")
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(name) ?? throw host.ExceptSchemaMismatch(nameof(schema), role, name);
        switch (kind)
        {
            case ClassifierKind.Binary when column.Type is BooleanDataViewType:
                return new ClassLabel(host, column, 2);
            case ClassifierKind.Multiclass when column.Type is KeyDataViewType { RawType: var raw, Count: var count } && raw == typeof(uint):
                if (count > int.MaxValue) throw host.Except($"Label column '{name}' has {count} classes, too many for a classifier.");
                return new ClassLabel(host, column, (int)count);
            default:
                string expected = kind == ClassifierKind.Binary ? "Boolean" : "key of UInt32 (MapValueToKey)";
                throw host.ExceptSchemaMismatch(nameof(schema), role, name, expected, column.Type.ToString());
        }
    }

    /// <summary>
    /// Fails when the labelled rows of <paramref name="data"/> hold a single class: the model could only learn to predict
    /// it. Reads the label column alone and stops at the second class, so data with both classes early costs a few rows;
    /// only one-class data is read to its end. Rows without a label do not count; with none, the reader reports it.
    /// </summary>
    public void RequireTwoClasses(IDataView data)
    {
        using DataViewRowCursor cursor = data.GetRowCursor([Column]);
        RowLabel<long> read = Open(cursor);
        long? first = null;
        long rows = 0;
        while (cursor.MoveNext())
        {
            if (read(out long label) is not null) continue;   // a missing label
            if (first is { } seen && seen != label) return;
            first = label;
            rows++;
        }
        if (first is not { } only) return;
        string which = Column.Type is BooleanDataViewType ? $"{only == 1}, in all {rows} rows" : $"key {only + 1}, in all {rows} rows with a label";
        throw _host.Except($"Label column '{Column.Name}' holds one class only ({which}): a classifier needs examples of at least two classes.");
    }

    /// <summary>A batch's class indices as an int64 tensor [Count] on <paramref name="device"/>.</summary>
    public static Tensor Tensor(TokenBatch<long> batch, Device device) => tensor(batch.Labels, [batch.Count], device: device);

    public int Tokens(long label) => 0;

    public RowLabel<long> Open(DataViewRow row)
    {
        if (Column.Type is BooleanDataViewType)
        {
            ValueGetter<bool> getBool = row.GetGetter<bool>(Column);
            return (out long label) =>
            {
                bool value = false;
                getBool(ref value);
                label = value ? 1 : 0;
                return null;
            };
        }
        ValueGetter<uint> getKey = row.GetGetter<uint>(Column);
        return (out long label) =>
        {
            uint key = 0;
            getKey(ref key);
            label = key - 1L;
            if (key == 0) return SkipReasons[0];
            // A well-formed key column cannot exceed its count; a hand-made view can, and the loss would index out of range.
            if (key > ClassCount)
                throw _host.Except($"Column '{Column.Name}', row {row.Position}: label key {key} is outside the {ClassCount} classes " +
                    $"(valid keys 1–{ClassCount}; key 0 is a missing label).");
            return null;
        };
    }
}
