using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>The columns a sequence-to-sequence model writes: decoded text, predicted token ids, and optionally the
/// prediction's log-probability.</summary>
internal static class Seq2SeqOutputColumns
{
    public static DataViewSchema.DetachedColumn[] Create(string text, string tokens, string? score)
    {
        var columns = new List<DataViewSchema.DetachedColumn>
        {
            new(text, TextDataViewType.Instance),
            new(tokens, new VectorDataViewType(NumberDataViewType.Int32)),
        };
        if (score is not null) columns.Add(new DataViewSchema.DetachedColumn(score, NumberDataViewType.Single));
        return [.. columns];
    }

    public static IEnumerable<SchemaShape.Column> Shape(string text, string tokens, string? score)
    {
        yield return new SchemaShape.Column(text, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, isKey: false);
        yield return new SchemaShape.Column(tokens, SchemaShape.Column.VectorKind.VariableVector, NumberDataViewType.Int32, isKey: false);
        if (score is not null) yield return new SchemaShape.Column(score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, isKey: false);
    }
}
