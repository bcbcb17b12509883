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

    /// <summary>Annotation kind: Int32, the tokenizer's MaxLength (the longest sequence it writes), so that a model's
    /// max_len can default to it.</summary>
    public const string MaxLength = "TokenMaxLength";

    /// <summary>Annotation kind: Boolean, whether every sequence starts with [CLS] (the tokenizer's AddClassificationToken),
    /// so that a classifier pooling at position 0 can tell it is pooling [CLS].</summary>
    public const string StartsWithClassToken = "TokenStartsWithClassToken";

    /// <summary>Annotation kind: Int32, the id of [PAD] (0 for every kind today), so that a model reads it rather than assumes it.</summary>
    public const string PaddingId = "TokenPaddingId";

    /// <summary>Annotation kind: Int32, the id of [CLS]: 4 for the library's own vocabularies, the vocabulary's own for
    /// WordPiece (101 in bert-base-uncased).</summary>
    public const string ClassificationId = "TokenClassificationId";

    /// <summary>Annotation kind: Int32, the id of [SEP] (102 in bert-base-uncased).</summary>
    public const string SeparatorId = "TokenSeparatorId";

    /// <summary>Annotation kind: text, the vocabulary's <see cref="Tokenization.VocabularyFingerprint"/>, so that a model
    /// trained on one vocabulary refuses ids of another of the same size.</summary>
    public const string VocabularyFingerprint = "TokenVocabularyFingerprint";

    public static DataViewSchema.Annotations For(TextTokenizer tokenizer, TokenizerOptions options)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        AddInt32(builder, VocabularySize, tokenizer.VocabularySize);
        AddInt32(builder, MaxLength, options.MaxLength);
        bool startsWithClassToken = options.StartsWithClassificationToken;
        builder.Add(StartsWithClassToken, BooleanDataViewType.Instance, (ref bool value) => value = startsWithClassToken);
        AddInt32(builder, PaddingId, tokenizer.PaddingId);
        AddInt32(builder, ClassificationId, tokenizer.ClassificationId);
        AddInt32(builder, SeparatorId, tokenizer.SeparatorId);
        var fingerprint = tokenizer.VocabularyFingerprint.AsMemory();
        builder.Add(VocabularyFingerprint, TextDataViewType.Instance, (ref ReadOnlyMemory<char> value) => value = fingerprint);
        return builder.ToAnnotations();
    }

    private static void AddInt32(DataViewSchema.Annotations.Builder builder, string kind, int constant)
        => builder.Add(kind, NumberDataViewType.Int32, (ref int value) => value = constant);

    public static SchemaShape Shape { get; } = new(
    [
        new SchemaShape.Column(VocabularySize, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32, isKey: false),
        new SchemaShape.Column(MaxLength, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32, isKey: false),
        new SchemaShape.Column(StartsWithClassToken, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, isKey: false),
        new SchemaShape.Column(PaddingId, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32, isKey: false),
        new SchemaShape.Column(ClassificationId, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32, isKey: false),
        new SchemaShape.Column(SeparatorId, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Int32, isKey: false),
        new SchemaShape.Column(VocabularyFingerprint, SchemaShape.Column.VectorKind.Scalar, TextDataViewType.Instance, isKey: false),
    ]);

    /// <summary>Whether the tokenizer that wrote <paramref name="column"/> starts every sequence with [CLS]; null when the
    /// column does not say (not written by TokenizeForTransformer).</summary>
    public static bool? FindStartsWithClassToken(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(StartsWithClassToken) is not { } annotation || annotation.Type is not BooleanDataViewType) return null;
        bool value = false;
        column.Annotations.GetValue(StartsWithClassToken, ref value);
        return value;
    }

    /// <summary>The vocabulary fingerprint recorded on <paramref name="column"/>; null when it does not say (not written by
    /// TokenizeForTransformer, or by a version before fingerprints).</summary>
    public static string? FindVocabularyFingerprint(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(VocabularyFingerprint) is not { } annotation || annotation.Type is not TextDataViewType) return null;
        ReadOnlyMemory<char> value = default;
        column.Annotations.GetValue(VocabularyFingerprint, ref value);
        return value.ToString();
    }

    /// <summary>The tokenizer's MaxLength recorded on <paramref name="column"/>; null when it does not say.</summary>
    public static int? FindTokenizerMaxLength(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(MaxLength) is not { } annotation || annotation.Type != NumberDataViewType.Int32) return null;
        int length = 0;
        column.Annotations.GetValue(MaxLength, ref length);
        return length;
    }

    /// <summary>The longest sequence of a token column: its fixed size, or the tokenizer's annotation; null if neither.</summary>
    public static int? FindMaxLength(DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType { Size: > 0 and var size }) return size;
        return FindTokenizerMaxLength(column);
    }

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
