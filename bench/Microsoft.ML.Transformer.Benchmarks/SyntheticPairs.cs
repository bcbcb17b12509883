namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>A source of token ids and the target text to learn, as the sequence-to-sequence benchmarks load them.</summary>
internal sealed class PairRow
{
    public int[] SourceTokens { get; set; } = [];

    public string Target { get; set; } = "";
}

/// <summary>A source of token ids only (scoring).</summary>
internal sealed class SourceRow
{
    public int[] SourceTokens { get; set; } = [];
}

/// <summary>
/// Deterministic sequence pairs of a fixed size, on pytorch_ref.py's token formula moved past the special tokens:
/// token j of row i of batch k is <c>7 + (i·7919 + j·104729 + k·13) mod (V − 7)</c> (an ordinary id, never padding,
/// [BOS] or [EOS]). The target of data-set row r uses batch index k + 1000 (pytorch_ref's choice) and is written as
/// words <c>w0 … w{V−8}</c>: a word tokenizer over exactly those words (<see cref="TargetTokenizer"/>) maps word wN to
/// id 7 + N, so the target vocabulary is V, every row has exactly the asked number of target tokens, and no word is
/// unknown. Row r is row r mod B of batch r / B.
/// </summary>
internal static class SyntheticPairs
{
    public const string SourceColumn = nameof(PairRow.SourceTokens), TargetColumn = nameof(PairRow.Target);

    public static int Token(long i, long j, long batch, int vocabulary)
        => (int)(SpecialTokens.Count + (i * 7919 + j * 104729 + batch * 13) % (vocabulary - SpecialTokens.Count));

    public static int[] Source(int r, int batch, int length, int vocabulary)
    {
        var tokens = new int[length];
        for (int j = 0; j < length; j++) tokens[j] = Token(r % batch, j, r / batch, vocabulary);
        return tokens;
    }

    public static PairRow Pair(int r, Seq2SeqSettings s)
    {
        var words = new string[s.TargetLength];
        for (int j = 0; j < words.Length; j++) words[j] = Word(Token(r % s.Batch, j, r / s.Batch + 1000, s.Vocabulary));
        return new PairRow { SourceTokens = Source(r, s.Batch, s.SourceLength, s.Vocabulary), Target = string.Join(' ', words) };
    }

    /// <summary>The word a target id is written as.</summary>
    public static string Word(int id) => "w" + (id - SpecialTokens.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A word tokenizer whose vocabulary is the V − 7 words <c>w0 …</c> (id 7 + N for wN), reading the target column,
    /// with <paramref name="maxLength"/> tokens at most and no special tokens added: what the estimator fits on the
    /// target text when every word occurs, given to it ready-made (<see cref="SequenceToSequenceOptions.TargetTokenizer"/>) so that
    /// the target vocabulary is exactly V whatever the number of rows.
    /// </summary>
    public static TokenizerTransformer TargetTokenizer(MLContext ml, int vocabulary, int maxLength, string outputColumn = "TargetTokens")
    {
        string[] words = [.. Enumerable.Range(SpecialTokens.Count, vocabulary - SpecialTokens.Count).Select(Word)];
        var options = new TokenizerOptions { Kind = TokenizerKind.Word, VocabularySize = vocabulary, MinimumFrequency = 1, MaxLength = maxLength };
        options.Validate();
        return new TokenizerTransformer(ml, outputColumn, TargetColumn, options, new WordTokenizer(words, lowerCase: false, stripHtmlTags: false));
    }

    /// <summary>Source ids [rows, length] of batch index <paramref name="batch"/> (row i of it), as int64 for the model.</summary>
    public static long[] SourceIds(int rows, int length, int batch, int vocabulary)
    {
        var ids = new long[rows * length];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < length; j++) ids[i * length + j] = Token(i, j, batch, vocabulary);
        return ids;
    }
}
