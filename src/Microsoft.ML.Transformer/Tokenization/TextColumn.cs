using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>The text column a component reads (a language model's prompts, a pretrained encoder's documents): found and
/// of type String, or a schema error naming it as <c>kind</c> ("text", "prompt").</summary>
internal static class TextColumn
{
    public static DataViewSchema.Column Find(IExceptionContext host, DataViewSchema schema, string name, string kind = "text")
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(name) ?? throw host.ExceptSchemaMismatch(nameof(schema), kind, name);
        if (column.Type is not TextDataViewType)
            throw host.ExceptSchemaMismatch(nameof(schema), kind, name, "String", column.Type.ToString());
        return column;
    }

    /// <summary>Checks the text column of <paramref name="inputSchema"/> and returns it with <paramref name="output"/> added.</summary>
    public static SchemaShape WithOutput(IExceptionContext host, SchemaShape inputSchema, string name, SchemaShape.Column output)
    {
        host.CheckValue(inputSchema, nameof(inputSchema));
        if (!inputSchema.TryFindColumn(name, out SchemaShape.Column text))
            throw host.ExceptSchemaMismatch(nameof(inputSchema), "text", name);
        if (text.Kind != SchemaShape.Column.VectorKind.Scalar || text.ItemType is not TextDataViewType)
            throw host.ExceptSchemaMismatch(nameof(inputSchema), "text", name, "String", text.GetTypeString());
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[output.Name] = output;
        return new SchemaShape(columns.Values);
    }
}
