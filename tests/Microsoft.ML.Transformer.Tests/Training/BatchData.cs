using Microsoft.ML.Runtime;
using Microsoft.ML.Transformer.Classification;
using Microsoft.ML.Transformer.Training;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>Small synthetic token rows and helpers to read a reader's epoch back as rows.</summary>
internal static class BatchData
{
    public const int Vocabulary = 100, MaxLength = 32;

    public sealed class IdRow
    {
        public int[] Tokens { get; set; } = [];

        public bool Label { get; set; }
    }

    /// <summary>
    /// Key tokens and a 3-class key label, as raw key values. Built directly because LoadFromEnumerable reads a
    /// scalar [KeyType] property as a 0-based index (it adds 1), which could not hold a missing or too-large key.
    /// </summary>
    public static IDataView Keys(MLContext ml, uint[][] tokens, uint[] labels)
    {
        var builder = new ArrayDataViewBuilder(ml);
        builder.AddColumn("Tokens", new KeyDataViewType(typeof(uint), Vocabulary), tokens);
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), 3), labels);
        return builder.GetDataView();
    }

    /// <summary>Row i: (i·7) mod 31 tokens (some empty), ids 1…99 (never padding), label i even.</summary>
    public static IdRow[] MixedLengths(int count)
        => [.. Enumerable.Range(0, count).Select(i => new IdRow
        {
            Tokens = [.. Enumerable.Range(0, i * 7 % 31).Select(j => (i + j) % (Vocabulary - 1) + 1)],
            Label = i % 2 == 0,
        })];

    /// <summary>xunit's token, so a cancelled test run stops reading.</summary>
    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static IHost Host(MLContext ml) => ((IHostEnvironment)ml).Register("batches");

    public static TokenBatchOptions Options() => new()
    {
        TokenColumn = "Tokens",
        VocabularySize = Vocabulary,
        MaxLength = MaxLength,
        BatchSize = 8,
        ShuffleBufferRows = 64,
        BucketFactor = 4,
        Seed = 5,
        LengthMultiple = 1,
    };

    /// <summary>A reader of <paramref name="data"/>'s "Tokens" with its "Label" read as a class of <paramref name="kind"/>.</summary>
    public static TokenBatchReader<long> Reader(MLContext ml, IDataView data, TokenBatchOptions? options = null, ClassifierKind kind = ClassifierKind.Binary)
        => new(Host(ml), data, options ?? Options(), ClassLabel.Find(Host(ml), data.Schema, "Label", kind));

    /// <summary>The rows of a batch sequence as "label:ids" strings, checking that only padding follows each row.</summary>
    public static List<string> Rows(IEnumerable<TokenBatch<long>> batches)
    {
        var rows = new List<string>();
        foreach (TokenBatch<long> batch in batches)
            for (int r = 0; r < batch.Count; r++)
            {
                ReadOnlySpan<long> row = batch.Ids.AsSpan(r * batch.Length, batch.Length);
                Assert.All(row[batch.Lengths[r]..].ToArray(), id => Assert.Equal(0, id));
                rows.Add($"{batch.Labels?[r]}:{string.Join(',', row[..batch.Lengths[r]].ToArray())}");
            }
        return rows;
    }

    public static List<string> Expected(IEnumerable<IdRow> rows)
        => [.. rows.Select(row => $"{(row.Label ? 1 : 0)}:{string.Join(',', row.Tokens)}")];
}
