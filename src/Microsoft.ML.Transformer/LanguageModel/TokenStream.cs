using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.LanguageModel;

/// <summary>
/// A text column as one stream of token ids, the way a language model reads it: each row (document) preceded by [EOS],
/// GPT-2's document separator, so that the model learns where documents end and an empty prompt can start a new one.
/// </summary>
internal sealed class TokenStream
{
    private TokenStream(int[] ids, long characters, long rows) => (Ids, Characters, Rows) = (ids, characters, rows);

    public int[] Ids { get; }

    /// <summary>Characters of text read (for bits per character).</summary>
    public long Characters { get; }

    public long Rows { get; }

    public static TokenStream Read(IHost host, IDataView data, string textColumnName, TextTokenizer tokenizer, string what,
        CancellationToken cancellation)
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
            ids.Add(SpecialTokens.EndOfSequence);
            tokenizer.Encode(text.Span, ids);
            characters += text.Length;
            rows++;
        }
        return new TokenStream([.. ids], characters, rows);
    }

    /// <summary>The ids of one prompt as generation starts from it: the prompt's tokens; [EOS] (the start of a document)
    /// when it has none. A non-empty prompt is not prefixed with [EOS]: training windows start anywhere in the stream,
    /// while [EOS] precedes only the documents' starts (once in a single long text), so a prefix would put the model off
    /// its training distribution.</summary>
    public static List<int> Prompt(TextTokenizer tokenizer, ReadOnlySpan<char> prompt)
    {
        var ids = new List<int>();
        tokenizer.Encode(prompt, ids);
        if (ids.Count == 0) ids.Add(SpecialTokens.EndOfSequence);
        return ids;
    }
}
