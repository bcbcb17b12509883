using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Training;

/// <summary>
/// A text column as one stream of token ids: each row (document) preceded by a separator token, so that a model learns
/// where documents end. The language model separates with [EOS] (GPT-2's document separator), masked-language-model
/// pretraining with [SEP] (BERT's). Documents are never truncated: a model cuts the stream into windows of its context.
/// </summary>
internal sealed class TokenStream
{
    private TokenStream(int[] ids, long characters, long rows) => (Ids, Characters, Rows) = (ids, characters, rows);

    public int[] Ids { get; }

    /// <summary>Characters of text read (for bits per character).</summary>
    public long Characters { get; }

    public long Rows { get; }

    /// <param name="separatorId">The token written before each document; [EOS] unless given.</param>
    public static TokenStream Read(IHost host, IDataView data, string textColumnName, TextTokenizer tokenizer, string what,
        CancellationToken cancellation, int separatorId = SpecialTokens.EndOfSequence)
    {
        DataViewSchema.Column column = data.Schema.GetColumnOrNull(textColumnName)
            ?? throw host.Except($"The {what} has no text column '{textColumnName}'.");
        if (column.Type is not TextDataViewType)
            throw host.ExceptSchemaMismatch(nameof(data), what == "ValidationSet" ? "ValidationSet text" : "text", textColumnName, "String", column.Type.ToString());
        var ids = new List<int>();
        long characters = 0, rows = 0;
        using DataViewRowCursor cursor = data.GetRowCursor([column]);
        ValueGetter<ReadOnlyMemory<char>> getText = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> text = default;
        while (cursor.MoveNext())
        {
            host.CheckAlive();
            cancellation.ThrowIfCancellationRequested();
            getText(ref text);
            ids.Add(separatorId);
            tokenizer.Encode(text.Span, ids);
            characters += text.Length;
            rows++;
        }
        return new TokenStream([.. ids], characters, rows);
    }
}
