using Microsoft.ML.Transformer.Classification;
using static Microsoft.ML.Transformer.Tests.Training.BatchData;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>What the reader accepts (id or key tokens, Boolean or key labels) and how it refuses bad input.</summary>
public class TokenBatchReaderInputTests
{
    /// <summary>Row i: keys [i + 2, 7, 1] (ids i + 1, 6 and trailing padding) and the given label key.</summary>
    private static IDataView KeyRows(MLContext ml, params uint[] labels)
        => Keys(ml, [.. labels.Select((_, i) => new uint[] { (uint)i + 2, 7, 1 })], labels);

    [Fact]
    public void KeyTokensAreIdsPlusOneAndReadLikeIds()
    {
        var ml = new MLContext(seed: 1);
        IdRow[] rows = MixedLengths(50);
        IDataView keys = Keys(ml, [.. rows.Select(row => row.Tokens.Select(id => (uint)id + 1).ToArray())], [.. rows.Select(row => row.Label ? 2u : 1u)]);
        List<string> Epoch(IDataView data, ClassifierKind kind) => Rows(Reader(ml, data, kind: kind).ReadEpoch(1, Cancellation));

        // Same ids and classes (true = key 2 = class 1). The key view can shuffle and the streamed one cannot, so
        // their row orders differ; the rows do not.
        Assert.Equal(Epoch(ml.Data.LoadFromEnumerable(rows), ClassifierKind.Binary).Order(), Epoch(keys, ClassifierKind.Multiclass).Order());
    }

    [Fact]
    public void MissingKeyLabelsAreSkippedAndCounted()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = KeyRows(ml, 1, 0, 3, 0, 2);
        var reader = Reader(ml, data, kind: ClassifierKind.Multiclass);

        List<string> rows = Rows(reader.ReadEpoch(0, Cancellation));
        Assert.Equal(["0:1,6", "1:5,6", "2:3,6"], rows.Order());   // trailing key 1 (id 0, padding) trimmed
        Assert.Equal((5, 3, 2), (reader.LastEpoch!.RowsRead, reader.LastEpoch.RowsUsed, reader.LastEpoch.RowsSkipped));
        Assert.Equal(3, ClassLabel.Find(Host(ml), data.Schema, "Label", ClassifierKind.Multiclass).ClassCount);
    }

    [Fact]
    public void KeyLabelBeyondTheClassCountNamesColumnRowAndRange()
    {
        var ml = new MLContext(seed: 1);
        var reader = Reader(ml, KeyRows(ml, 1, 2, 4), kind: ClassifierKind.Multiclass);

        var error = Assert.Throws<InvalidOperationException>(() => reader.ReadEpoch(0, Cancellation).ToList());
        Assert.Contains("Column 'Label', row 2: label key 4 is outside the 3 classes (valid keys 1–3", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IdOutsideTheVocabularyNamesColumnAndRowEvenWhenShuffled(bool cached)
    {
        var ml = new MLContext(seed: 1);
        IdRow[] rows = MixedLengths(30);
        rows[17].Tokens = [4, 120, 5];
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var reader = Reader(ml, cached ? ml.Data.Cache(data) : data);

        var error = Assert.Throws<InvalidOperationException>(() => reader.ReadEpoch(2, Cancellation).ToList());
        Assert.Contains("Column 'Tokens', row 17: token id 120 is outside the vocabulary of 100 tokens (valid ids 0–99)", error.Message);
    }

    [Fact]
    public void MoreTokensThanMaxLengthIsAnError()
    {
        var ml = new MLContext(seed: 1);
        IdRow[] rows = MixedLengths(5);
        rows[3].Tokens = [.. Enumerable.Repeat(3, 40)];
        var reader = Reader(ml, ml.Data.LoadFromEnumerable(rows));

        var error = Assert.Throws<InvalidOperationException>(() => reader.ReadEpoch(0, Cancellation).ToList());
        Assert.Contains("Column 'Tokens', row 3: 40 tokens, more than max_len 32", error.Message);
    }

    [Fact]
    public void NoUsableRowsIsAnErrorThatSaysWhatWasRead()
    {
        var ml = new MLContext(seed: 1);
        var empty = Reader(ml, ml.Data.LoadFromEnumerable(Array.Empty<IdRow>()));
        var unlabelled = Reader(ml, KeyRows(ml, 0, 0, 0), kind: ClassifierKind.Multiclass);

        Assert.Contains("No usable rows in column 'Tokens' of the training data: 0 rows read, 0 skipped",
            Assert.Throws<InvalidOperationException>(() => empty.ReadEpoch(0, Cancellation).ToList()).Message);
        Assert.Contains("3 rows read, 3 skipped for a missing label in 'Label'",
            Assert.Throws<InvalidOperationException>(() => unlabelled.ReadEpoch(0, Cancellation).ToList()).Message);
    }

    [Fact]
    public void LabelOfTheWrongKindIsASchemaMismatch()
    {
        var ml = new MLContext(seed: 1);
        IDataView keys = KeyRows(ml, 1, 2);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Reader(ml, keys, kind: ClassifierKind.Binary));
        Assert.Contains("Schema mismatch for label column 'Label': expected Boolean", error.Message);
    }
}
