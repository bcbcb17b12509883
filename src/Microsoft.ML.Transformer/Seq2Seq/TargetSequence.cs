using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Tokenization;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Seq2Seq;

/// <summary>
/// The sequence-to-sequence label as training reads it: the row's target token ids, unpadded (teacher forcing pads
/// them once, per batch). Rows with an empty target are skipped; more than max_len target tokens is an error.
/// </summary>
internal sealed class TargetSequence : IBatchLabel<int[]>
{
    private readonly IExceptionContext _host;
    private readonly DataViewSchema.Column _column;
    private readonly int _vocabularySize, _maxLength, _paddingId;

    public TargetSequence(IExceptionContext host, DataViewSchema schema, string column, int vocabularySize, int maxLength, int paddingId)
    {
        host.CheckParam(vocabularySize > 0 && maxLength > 0, nameof(column), "needs a target vocabulary and max length");
        (_host, _vocabularySize, _maxLength, _paddingId) = (host, vocabularySize, maxLength, paddingId);
        _column = TokenIdColumn.Find(host, schema, column);
        TokenIdColumn.CheckVocabulary(host, _column, vocabularySize);
        SkipReasons = [$"an empty target in '{column}'"];
    }

    public IReadOnlyList<DataViewSchema.Column> Columns => [_column];

    public IReadOnlyList<string> SkipReasons { get; }

    public int Tokens(int[] target) => target.Length;

    public RowLabel<int[]> Open(DataViewRow row)
    {
        var reader = new TokenIdReader(_host, row, _column, _vocabularySize, _maxLength, _paddingId);
        var scratch = new long[_maxLength];
        return (out int[] target) =>
        {
            target = reader.ReadArray(scratch);
            return target.Length == 0 ? SkipReasons[0] : null;
        };
    }
}
