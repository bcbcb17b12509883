using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Training;

/// <summary>How a training label is read: none, Boolean (binary) or a key (multiclass, key k is class k − 1).</summary>
internal enum TrainingLabelKind
{
    None,
    Boolean,
    Key,
}

/// <summary>Reads a label column as a class index; a missing key (0) reads as <see cref="Missing"/>.</summary>
internal sealed class TrainingLabel
{
    public const long Missing = -1;

    private readonly IExceptionContext _host;
    private readonly DataViewRow _row;
    private readonly DataViewSchema.Column _column;
    private readonly int _classCount;
    private readonly ValueGetter<bool>? _getBool;
    private readonly ValueGetter<uint>? _getKey;

    private TrainingLabel(IExceptionContext host, DataViewRow row, DataViewSchema.Column column, int classCount)
    {
        (_host, _row, _column, _classCount) = (host, row, column, classCount);
        if (column.Type is BooleanDataViewType) _getBool = row.GetGetter<bool>(column);
        else _getKey = row.GetGetter<uint>(column);
    }

    /// <summary>The label column of <paramref name="kind"/>, checked, and its class count (2 for Boolean).</summary>
    public static (DataViewSchema.Column Column, int ClassCount) Find(IExceptionContext host, DataViewSchema schema, string name, TrainingLabelKind kind)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(name) ?? throw host.ExceptSchemaMismatch(nameof(schema), "label", name);
        switch (kind)
        {
            case TrainingLabelKind.Boolean when column.Type is BooleanDataViewType:
                return (column, 2);
            case TrainingLabelKind.Key when column.Type is KeyDataViewType { RawType: var raw, Count: var count } && raw == typeof(uint):
                if (count > int.MaxValue) throw host.Except($"Label column '{name}' has {count} classes, too many for a classifier.");
                return (column, (int)count);
            default:
                string expected = kind == TrainingLabelKind.Boolean ? "Boolean" : "key of UInt32 (MapValueToKey)";
                throw host.ExceptSchemaMismatch(nameof(schema), "label", name, expected, column.Type.ToString());
        }
    }

    public static TrainingLabel Create(IExceptionContext host, DataViewRow row, DataViewSchema.Column column, int classCount)
        => new(host, row, column, classCount);

    /// <summary>The current row's class index, or <see cref="Missing"/>.</summary>
    public long Read()
    {
        if (_getBool is not null)
        {
            bool value = false;
            _getBool(ref value);
            return value ? 1 : 0;
        }
        uint key = 0;
        _getKey!(ref key);
        if (key == 0) return Missing;
        // A well-formed key column cannot exceed its count; a hand-made view can, and the loss would index out of range.
        if (key > _classCount)
            throw _host.Except($"Column '{_column.Name}', row {_row.Position}: label key {key} is outside the {_classCount} classes " +
                $"(valid keys 1–{_classCount}; key 0 is a missing label).");
        return key - 1;
    }
}
