using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Embedding;

/// <summary>The input rule of the model components: a vector of Int32 token ids or of keys (key k is id k − 1).</summary>
internal static class TokenIdColumn
{
    public const string Expected = "vector of Int32 token ids or of keys (from TokenizeForTransformer)";

    public static DataViewSchema.Column Find(IExceptionContext host, DataViewSchema schema, string name)
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(name) ?? throw host.ExceptSchemaMismatch(nameof(schema), "input", name);
        if (column.Type is not VectorDataViewType { ItemType: var item } || !(item == NumberDataViewType.Int32 || item is KeyDataViewType { RawType: var raw } && raw == typeof(uint)))
            throw host.ExceptSchemaMismatch(nameof(schema), "input", name, Expected, column.Type.ToString());
        return column;
    }

    public static SchemaShape.Column Find(IExceptionContext host, SchemaShape schema, string name)
    {
        if (!schema.TryFindColumn(name, out SchemaShape.Column column)) throw host.ExceptSchemaMismatch(nameof(schema), "input", name);
        bool isVector = column.Kind != SchemaShape.Column.VectorKind.Scalar;
        bool idType = column.IsKey ? column.ItemType.RawType == typeof(uint) : column.ItemType == NumberDataViewType.Int32;
        if (!isVector || !idType) throw host.ExceptSchemaMismatch(nameof(schema), "input", name, Expected, column.GetTypeString());
        return column;
    }

    /// <summary>Throws unless the column's vocabulary (key count or tokenizer annotation, when known) is
    /// <paramref name="expected"/>: a model cannot read ids from a different vocabulary.</summary>
    public static void CheckVocabulary(IExceptionContext host, DataViewSchema.Column column, int expected)
    {
        if (Tokenization.TokenColumnAnnotations.Find(column) is { } actual && actual != expected)
            throw host.Except($"Column '{column.Name}' holds ids of a {actual}-token vocabulary, but the model's embedding has {expected} rows: " +
                "the tokenizer does not match the one the model was trained with.");
    }
}
