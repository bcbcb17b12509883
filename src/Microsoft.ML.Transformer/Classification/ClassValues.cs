using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Classification;

/// <summary>
/// A multiclass label's key values (the classes) in the label's own type — text, Boolean or a number, as
/// <c>MapValueToKey</c> leaves them — so that Score and PredictedLabel carry them as ML.NET's trainers do and
/// <c>MapKeyToValue</c> gives back the original classes. They are saved as invariant text plus their
/// <see cref="DataKind"/>.
/// </summary>
internal static class ClassValues
{
    private static readonly Dictionary<DataKind, PrimitiveDataViewType> Types = new()
    {
        [DataKind.String] = TextDataViewType.Instance,
        [DataKind.Boolean] = BooleanDataViewType.Instance,
        [DataKind.SByte] = NumberDataViewType.SByte,
        [DataKind.Byte] = NumberDataViewType.Byte,
        [DataKind.Int16] = NumberDataViewType.Int16,
        [DataKind.UInt16] = NumberDataViewType.UInt16,
        [DataKind.Int32] = NumberDataViewType.Int32,
        [DataKind.UInt32] = NumberDataViewType.UInt32,
        [DataKind.Int64] = NumberDataViewType.Int64,
        [DataKind.UInt64] = NumberDataViewType.UInt64,
        [DataKind.Single] = NumberDataViewType.Single,
        [DataKind.Double] = NumberDataViewType.Double,
    };

    /// <summary>The label's key values as text and their kind; null names when it has none (or of another type).</summary>
    public static (string[]? Names, DataKind Kind) Read(DataViewSchema.Column label, int classCount)
    {
        if (label.Annotations.Schema.GetColumnOrNull(AnnotationUtils.Kinds.KeyValues) is not { Type: VectorDataViewType { Size: var size, ItemType: var item } }
            || size != classCount || !Types.Any(t => t.Value.Equals(item)))
            return (null, DataKind.String);
        DataKind kind = Types.First(t => t.Value.Equals(item)).Key;
        string[] names = kind switch
        {
            DataKind.String => Read<ReadOnlyMemory<char>>(label, v => v.ToString()),
            DataKind.Boolean => Read<bool>(label, v => v ? "true" : "false"),
            DataKind.SByte => Read<sbyte>(label, Format),
            DataKind.Byte => Read<byte>(label, Format),
            DataKind.Int16 => Read<short>(label, Format),
            DataKind.UInt16 => Read<ushort>(label, Format),
            DataKind.Int32 => Read<int>(label, Format),
            DataKind.UInt32 => Read<uint>(label, Format),
            DataKind.Int64 => Read<long>(label, Format),
            DataKind.UInt64 => Read<ulong>(label, Format),
            DataKind.Single => Read<float>(label, Format),
            _ => Read<double>(label, Format),
        };
        return (names, kind);
    }

    /// <summary>The values' annotation type, or null for a kind this library does not keep.</summary>
    public static VectorDataViewType? Type(DataKind kind, int count)
        => Types.TryGetValue(kind, out PrimitiveDataViewType? item) ? new VectorDataViewType(item, count) : null;

    /// <summary>Adds <paramref name="annotation"/> with the values <paramref name="names"/> of <paramref name="kind"/>.</summary>
    public static void Add(DataViewSchema.Annotations.Builder builder, string annotation, DataKind kind, string[] names)
    {
        VectorDataViewType type = Type(kind, names.Length) ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unsupported class value type.");
        switch (kind)
        {
            case DataKind.String: Add(builder, annotation, type, names.Select(n => n.AsMemory())); break;
            case DataKind.Boolean: Add(builder, annotation, type, names.Select(n => n == "true")); break;
            case DataKind.SByte: Add(builder, annotation, type, names.Select(Parse<sbyte>)); break;
            case DataKind.Byte: Add(builder, annotation, type, names.Select(Parse<byte>)); break;
            case DataKind.Int16: Add(builder, annotation, type, names.Select(Parse<short>)); break;
            case DataKind.UInt16: Add(builder, annotation, type, names.Select(Parse<ushort>)); break;
            case DataKind.Int32: Add(builder, annotation, type, names.Select(Parse<int>)); break;
            case DataKind.UInt32: Add(builder, annotation, type, names.Select(Parse<uint>)); break;
            case DataKind.Int64: Add(builder, annotation, type, names.Select(Parse<long>)); break;
            case DataKind.UInt64: Add(builder, annotation, type, names.Select(Parse<ulong>)); break;
            case DataKind.Single: Add(builder, annotation, type, names.Select(Parse<float>)); break;
            default: Add(builder, annotation, type, names.Select(Parse<double>)); break;
        }
    }

    private static string[] Read<T>(DataViewSchema.Column label, Func<T, string> format)
    {
        var values = default(VBuffer<T>);
        label.GetKeyValues(ref values);
        return [.. values.DenseValues().Select(format)];
    }

    private static void Add<T>(DataViewSchema.Annotations.Builder builder, string annotation, VectorDataViewType type, IEnumerable<T> values)
    {
        T[] array = [.. values];
        ValueGetter<VBuffer<T>> getter = (ref VBuffer<T> value) => value = new VBuffer<T>(array.Length, (T[])array.Clone());
        builder.Add(annotation, type, getter);
    }

    // Shortest round-trip text ("R" semantics) in the invariant culture.
    private static string Format<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static T Parse<T>(string text) where T : IParsable<T> => T.Parse(text, CultureInfo.InvariantCulture);
}
