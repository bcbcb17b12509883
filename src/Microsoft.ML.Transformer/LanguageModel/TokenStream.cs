using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.LanguageModel;

/// <summary>
/// A text column as one stream of token ids, the way a language model reads it: each row (document) preceded by [EOS],
/// GPT-2's document separator, so that the model learns where documents start and end, and a prompt is continued as the
/// start of a document.
/// </summary>
internal sealed class TokenStream
{
    private TokenStream(int[] ids, long characters, long rows) => (Ids, Characters, Rows) = (ids, characters, rows);

    public int[] Ids { get; }

    /// <summary>Characters of text read (for bits per character).</summary>
    public long Characters { get; }

    public long Rows { get; }

    public static TokenStream Read(IHost host, IDataView data, string textColumnName, TextTokenizer tokenizer, string what)
    {
        DataViewSchema.Column column = data.Schema.GetColumnOrNull(textColumnName)
            ?? throw host.Except($"The {what} has no text column '{textColumnName}'.");
        if (column.Type is not TextDataViewType)
            throw host.ExceptSchemaMismatch(nameof(data), "text", textColumnName, "String", column.Type.ToString());
        var ids = new List<int>();
        long characters = 0, rows = 0;
        using DataViewRowCursor cursor = data.GetRowCursor([column]);
        ValueGetter<ReadOnlyMemory<char>> getText = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> text = default;
        while (cursor.MoveNext())
        {
            host.CheckAlive();
            getText(ref text);
            ids.Add(SpecialTokens.EndOfSequence);
            tokenizer.Encode(text.Span, ids);
            characters += text.Length;
            rows++;
        }
        return new TokenStream([.. ids], characters, rows);
    }

    /// <summary>The ids of one prompt as generation starts from it: [EOS] then the prompt's tokens.</summary>
    public static List<int> Prompt(TextTokenizer tokenizer, string? prompt)
    {
        var ids = new List<int> { SpecialTokens.EndOfSequence };
        tokenizer.Encode(prompt.AsSpan(), ids);
        return ids;
    }
}
