namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>A row of token ids and a binary label, as the classifier benchmarks load it into ML.NET.</summary>
internal sealed class TokenRow
{
    public int[] Tokens { get; set; } = [];

    public bool Label { get; set; }
}

/// <summary>
/// The deterministic tokens of pytorch_ref.py (<c>make_tokens</c>, <c>make_labels</c>): row i of batch k has
/// <c>length(i) = S − (i·37) mod (S/2)</c> real tokens (S/2 + 1 … S), <c>token(i, j) = 1 + (i·7919 + j·104729 + k·13) mod (V − 1)</c>
/// (never the padding id 0) and the label <c>(i + k) mod 2</c> (pytorch_ref has 4 classes; ours are binary).
/// </summary>
internal static class SyntheticTokens
{
    /// <summary>pytorch_ref's length of row <paramref name="i"/> of a batch (not of the data set).</summary>
    public static int ReferenceLength(int i, int seq) => seq - i * 37 % (seq / 2);

    public static int Token(long i, long j, long batch, int vocabulary) => (int)(1 + (i * 7919 + j * 104729 + batch * 13) % (vocabulary - 1));

    /// <summary>Row <paramref name="i"/> of pytorch_ref's batch <paramref name="batch"/>, with <paramref name="length"/> tokens.</summary>
    public static TokenRow Row(int i, int batch, int length, int vocabulary)
    {
        var tokens = new int[length];
        for (int j = 0; j < length; j++) tokens[j] = Token(i, j, batch, vocabulary);
        return new TokenRow { Tokens = tokens, Label = (i + batch) % 2 == 1 };
    }

    /// <summary>
    /// Data-set row <paramref name="r"/> = row r mod B of pytorch_ref's batch r / B, so that B consecutive rows are one of
    /// its batches. <paramref name="fullLength"/>: every row has <paramref name="seq"/> tokens instead of length(i).
    /// </summary>
    public static TokenRow DataRow(int r, ClassifierSettings s, bool fullLength)
    {
        int i = r % s.Batch;
        return Row(i, r / s.Batch, fullLength ? s.Length : ReferenceLength(i, s.Length), s.Vocabulary);
    }

    /// <summary>pytorch_ref's batch <paramref name="batch"/>, padded with 0 to [B, S] as make_tokens does, and its labels.</summary>
    public static (long[] Ids, float[] Labels) PaddedBatch(int batch, ClassifierSettings s)
    {
        var ids = new long[s.Batch * s.Length];
        var labels = new float[s.Batch];
        for (int i = 0; i < s.Batch; i++)
        {
            TokenRow row = Row(i, batch, ReferenceLength(i, s.Length), s.Vocabulary);
            for (int j = 0; j < row.Tokens.Length; j++) ids[i * s.Length + j] = row.Tokens[j];
            labels[i] = row.Label ? 1 : 0;
        }
        return (ids, labels);
    }
}
