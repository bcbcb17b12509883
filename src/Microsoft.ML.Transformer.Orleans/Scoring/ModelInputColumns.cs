using System.Globalization;
using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Orleans.Shards;

namespace Microsoft.ML.Transformer.Orleans.Scoring;

/// <summary>
/// Matches a shard's columns to the input columns a model was saved with: names are matched ignoring case (a TSV's
/// <c>text</c> feeds a model's <c>Text</c>), and a text column (every TSV column) is converted to the model column's
/// number or Boolean type when every value parses. A column that does not convert stays as it was, under its own name:
/// a model that needs it then names it in its error.
/// </summary>
internal static class ModelInputColumns
{
    public static ShardTable Adapt(ShardTable shard, DataViewSchema modelInput)
    {
        var columns = new List<ShardColumn>(shard.Columns.Count);
        foreach (ShardColumn column in shard.Columns)
        {
            DataViewSchema.Column? match = modelInput.Where(m => !m.IsHidden && string.Equals(m.Name, column.Name, StringComparison.OrdinalIgnoreCase))
                .Select(m => (DataViewSchema.Column?)m).FirstOrDefault();
            bool nameFree = match is { } m && (m.Name == column.Name || shard.Find(m.Name) is null);
            columns.Add(match is { } model && nameFree ? Matched(column, model) : column);
        }
        return new ShardTable(columns);
    }

    private static ShardColumn Matched(ShardColumn column, DataViewSchema.Column model)
    {
        Type wanted = model.Type.RawType == typeof(ReadOnlyMemory<char>) ? typeof(string) : model.Type.RawType;
        if (wanted == column.ElementType) return column with { Name = model.Name };
        if (column.Values is string[] texts && Parse(texts, wanted) is { } parsed) return new ShardColumn(model.Name, parsed);
        return column;
    }

    private static Array? Parse(string[] texts, Type wanted)
    {
        var invariant = CultureInfo.InvariantCulture;
        return wanted switch
        {
            _ when wanted == typeof(float) => All(texts, (string s, out float v) => float.TryParse(s, NumberStyles.Float, invariant, out v)),
            _ when wanted == typeof(double) => All(texts, (string s, out double v) => double.TryParse(s, NumberStyles.Float, invariant, out v)),
            _ when wanted == typeof(int) => All(texts, (string s, out int v) => int.TryParse(s, NumberStyles.Integer, invariant, out v)),
            _ when wanted == typeof(long) => All(texts, (string s, out long v) => long.TryParse(s, NumberStyles.Integer, invariant, out v)),
            _ when wanted == typeof(uint) => All(texts, (string s, out uint v) => uint.TryParse(s, NumberStyles.Integer, invariant, out v)),
            _ when wanted == typeof(bool) => All(texts, (string s, out bool v) => bool.TryParse(s, out v)),
            _ => null,
        };
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static T[]? All<T>(string[] texts, TryParse<T> parse)
    {
        var values = new T[texts.Length];
        for (int i = 0; i < texts.Length; i++)
            if (!parse(texts[i].Trim(), out values[i])) return null;
        return values;
    }
}
