using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// The token-id column carries its vocabulary size as an annotation, so that the next component (embedding,
/// classifier, …) sizes its table without being told. Key-typed columns carry it as their key count instead.
/// </summary>
internal static class TokenColumnAnnotations
{
    /// <summary>Annotation kind: Int32, the number of token ids (special tokens included).</summary>
    public const string VocabularySize = "TokenVocabularySize";

    public static DataViewSchema.Annotations For(int vocabularySize)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        builder.Add(VocabularySize, NumberDataViewType.Int32, (ref int value) => value = vocabularySize);
        return builder.ToAnnotations();
    }

    public static SchemaShape Shape { get; } = new([new SchemaShape.Column(VocabularySize, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32, isKey: false)]);

    /// <summary>The vocabulary size of a token column: its key count, or its annotation; null if neither.</summary>
    public static int? Find(DataViewSchema.Column column)
    {
        if (column.Type.GetItemType() is KeyDataViewType key) return (int)key.Count;
        if (column.Annotations.Schema.GetColumnOrNull(VocabularySize) is not { } annotation || annotation.Type != NumberDataViewType.Int32) return null;
        int size = 0;
        column.Annotations.GetValue(VocabularySize, ref size);
        return size;
    }
}
