using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Scoring;

/// <summary>A block mapper whose outputs are all computed from one token-id column, checked against the model's
/// vocabulary when the model is bound to a schema.</summary>
internal abstract class TokenColumnBlockMapper : IBlockMapper
{
    /// <param name="vocabularyFingerprint">The fingerprint of the model's vocabulary, when it knows it.</param>
    private protected TokenColumnBlockMapper(IHost host, DataViewSchema inputSchema, string tokensColumnName, int vocabularySize,
        string? vocabularyFingerprint = null)
    {
        (Host, InputSchema) = (host, inputSchema);
        Tokens = TokenIdColumn.Find(host, inputSchema, tokensColumnName);
        TokenIdColumn.CheckVocabulary(host, Tokens, vocabularySize, vocabularyFingerprint);
    }

    public DataViewSchema InputSchema { get; }

    public abstract DataViewSchema.DetachedColumn[] OutputColumns { get; }

    /// <summary>The token-id column read.</summary>
    public DataViewSchema.Column Tokens { get; }

    private protected IHost Host { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(Func<int, bool> activeOutput)
        => Enumerable.Range(0, OutputColumns.Length).Any(activeOutput) ? [Tokens] : [];

    public abstract IBlockComputation CreateComputation(DataViewRow input, int capacity);
}
