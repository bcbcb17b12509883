using System.Buffers;

namespace Microsoft.ML.Transformer.Evaluation;

/// <summary>Levenshtein distance: the fewest insertions, deletions and substitutions of single tokens that turn one
/// sequence into the other. O(n·m) time; one row of min(n, m) + 1 counters, on the stack when short.</summary>
internal static class EditDistance
{
    // rows up to this many counters (1 KiB) live on the stack; longer ones are rented
    private const int StackRowLength = 256;

    public static int Compute<T>(ReadOnlySpan<T> first, ReadOnlySpan<T> second) where T : IEquatable<T>
    {
        if (first.Length < second.Length)
        {
            ReadOnlySpan<T> longer = second;
            second = first;
            first = longer;
        }
        if (second.IsEmpty) return first.Length;

        int[]? rented = null;
        Span<int> row = second.Length < StackRowLength
            ? stackalloc int[StackRowLength]
            : (rented = ArrayPool<int>.Shared.Rent(second.Length + 1));
        try
        {
            return Fill(first, second, row[..(second.Length + 1)]);
        }
        finally
        {
            if (rented is not null) ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Runs the dynamic programme over <paramref name="first"/> keeping one row indexed by positions in
    /// <paramref name="second"/>: row[j] is the distance between the prefix of <paramref name="first"/> read so far
    /// and the first j tokens of <paramref name="second"/>.</summary>
    private static int Fill<T>(ReadOnlySpan<T> first, ReadOnlySpan<T> second, Span<int> row) where T : IEquatable<T>
    {
        for (int j = 0; j < row.Length; j++) row[j] = j;
        for (int i = 0; i < first.Length; i++)
        {
            int diagonal = row[0];      // the previous row's value at j − 1, which this row has already overwritten
            row[0] = i + 1;
            T token = first[i];
            for (int j = 1; j < row.Length; j++)
            {
                int substitution = diagonal + (token.Equals(second[j - 1]) ? 0 : 1);
                diagonal = row[j];
                row[j] = Math.Min(substitution, Math.Min(diagonal, row[j - 1]) + 1);
            }
        }
        return row[^1];
    }
}
