using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>The input rule of the model components: a vector of Int32 token ids or of keys (key k is id k − 1).</summary>
internal static class TokenIdColumn
{
    public const string Expected = "vector of Int32 token ids or of keys (from TokenizeForTransformer)";

    /// <param name="role">The column's role in a schema error: "input", or "ValidationSet input" for held-out data.</param>
    public static DataViewSchema.Column Find(IExceptionContext host, DataViewSchema schema, string name, string role = "input")
    {
        DataViewSchema.Column column = schema.GetColumnOrNull(name) ?? throw host.ExceptSchemaMismatch(nameof(schema), role, name);
        if (column.Type is not VectorDataViewType { ItemType: var item } || !(item == NumberDataViewType.Int32 || item is KeyDataViewType { RawType: var raw } && raw == typeof(uint)))
            throw host.ExceptSchemaMismatch(nameof(schema), role, name, Expected, column.Type.ToString());
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

    /// <summary>max_len when the options leave it unset: the column's fixed length, else the tokenizer's MaxLength
    /// recorded on it, else this.</summary>
    public const int DefaultMaxLength = 512;

    /// <summary>The vocabulary a model reads <paramref name="column"/> with: <paramref name="setting"/> when set, else the
    /// column's key count or tokenizer annotation; an error naming <paramref name="settingName"/> when neither is known.</summary>
    public static int VocabularySize(IExceptionContext host, DataViewSchema.Column column, int? setting, string settingName)
        => setting ?? Tokenization.TokenColumnAnnotations.Find(column)
            ?? throw host.Except($"Cannot tell the vocabulary size of column '{column.Name}': set {settingName}, " +
                "or produce the column with TokenizeForTransformer (which records it).");

    /// <summary>max_len for <paramref name="column"/>: <paramref name="setting"/> when set, else the column's fixed length
    /// or the tokenizer's MaxLength, else <see cref="DefaultMaxLength"/>.</summary>
    public static int MaxLength(DataViewSchema.Column column, int? setting)
        => setting ?? Tokenization.TokenColumnAnnotations.FindMaxLength(column) ?? DefaultMaxLength;

    /// <summary>Throws when a model's MaxLength <paramref name="setting"/> is below <paramref name="tokenizerMaxLength"/>, the
    /// longest sequence the tokenizer (as <paramref name="tokenizer"/> names it) writes: a longer row would stop training
    /// or scoring when it is reached, so it fails before the first row is read.</summary>
    public static void CheckMaxLength(IExceptionContext host, int? setting, int? tokenizerMaxLength, string tokenizer)
    {
        if (setting is { } maxLength && tokenizerMaxLength is { } longest && maxLength < longest)
            throw host.ExceptUserArg("MaxLength", $"MaxLength ({maxLength}) is less than the MaxLength ({longest}) of {tokenizer}: " +
                "a longer row would stop training, or scoring, when it is reached. Leave MaxLength unset to take the tokenizer's, " +
                "or lower the tokenizer's MaxLength (it truncates).");
    }

    /// <summary>Throws unless the column's vocabulary (key count or tokenizer annotation, when known) is
    /// <paramref name="expected"/> and, when both are known, its fingerprint is <paramref name="fingerprint"/>: a model
    /// cannot read ids from a different vocabulary, even one of the same size.</summary>
    public static void CheckVocabulary(IExceptionContext host, DataViewSchema.Column column, int expected, string? fingerprint = null)
    {
        if (Tokenization.TokenColumnAnnotations.Find(column) is { } actual && actual != expected)
            throw host.Except($"Column '{column.Name}' holds ids of a {actual}-token vocabulary, but the model's embedding has {expected} rows: " +
                "the tokenizer does not match the one the model was trained with.");
        if (fingerprint is not null && Tokenization.TokenColumnAnnotations.FindVocabularyFingerprint(column) is { } written && written != fingerprint)
            throw host.Except($"Column '{column.Name}' holds ids of another {expected}-token vocabulary than the one the model was trained " +
                $"with (vocabulary fingerprints {Short(written)} and {Short(fingerprint)}): the same ids mean other tokens. Tokenize with the " +
                "model's own tokenizer (the one it was trained with, or a pretrained encoder's TokenizerOptions).");
    }

    private static string Short(string fingerprint) => fingerprint.Length > 19 ? fingerprint[..19] + "…" : fingerprint;
}
