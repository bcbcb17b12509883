using global::Samples;

namespace Microsoft.ML.Transformer.Tests.Samples;

/// <summary>The classify sample's TSV reader: columns by header name, tab-only splitting, clear errors.</summary>
public class TsvClassificationDataTests
{
    [Fact]
    public void FindsLabelAndTextByHeaderNameAndIgnoresOtherColumns()
    {
        using var files = new SampleDataFiles();
        string path = files.Write("train.tsv.gz", "id\ttext\tfine\tlabel\n1\tHow far is it ?\tNUM:dist\tNUM\n2\t\"Who\" wrote it, 'she' said ?\tHUM:ind\tHUM\n");

        List<LabeledText> rows = TsvClassificationData.Load(path);

        Assert.Equal(["NUM", "HUM"], rows.Select(r => r.Label));
        Assert.Equal(["How far is it ?", "\"Who\" wrote it, 'she' said ?"], rows.Select(r => r.Text));   // quotes are text
    }

    [Fact]
    public void SplitsOnTabsOnlyAndKeepsEmptyTexts()
    {
        using var files = new SampleDataFiles();
        string path = files.Write("test.tsv", "Label\tText\r\n1\ta, b;  c | d\r\n0\t\r\n");

        List<LabeledText> rows = TsvClassificationData.Load(path);

        Assert.Equal(["1", "0"], rows.Select(r => r.Label));
        Assert.Equal(["a, b;  c | d", ""], rows.Select(r => r.Text));
        Assert.Single(TsvClassificationData.Load(path, maxRows: 1));
    }

    [Fact]
    public void RejectsAHeaderWithoutLabelOrText()
    {
        using var files = new SampleDataFiles();
        var noLabel = Assert.Throws<InvalidDataException>(() => TsvClassificationData.Load(files.Write("a.tsv.gz", "class\ttext\nx\ty\n")));
        Assert.Contains("no 'label' column", noLabel.Message);
        Assert.Contains("'class', 'text'", noLabel.Message);
        var noText = Assert.Throws<InvalidDataException>(() => TsvClassificationData.Load(files.Write("b.tsv.gz", "label\tsentence\nx\ty\n")));
        Assert.Contains("no 'text' column", noText.Message);
    }

    [Fact]
    public void RejectsALineWithAnotherNumberOfFields()
    {
        using var files = new SampleDataFiles();
        var bad = Assert.Throws<InvalidDataException>(() => TsvClassificationData.Load(files.Write("a.tsv.gz", "label\ttext\n1\tfine\n0\ta\ttab\n")));
        Assert.Contains("line 3 has 3 tab-separated fields, the header has 2", bad.Message);
    }

    [Fact]
    public void MissingFilesAndFoldersSayWhatIsMissing()
    {
        using var files = new SampleDataFiles();
        files.Write("train.tsv.gz", "label\ttext\n1\tx\n");
        var missing = Assert.Throws<FileNotFoundException>(() => TsvClassificationData.LoadFolder(files.Directory));
        Assert.Contains("test.tsv.gz", missing.Message);
        Assert.Throws<DirectoryNotFoundException>(() => TsvClassificationData.LoadFolder(Path.Combine(files.Directory, "absent")));
        files.Write("test.tsv.gz", "label\ttext\n0\ty\n1\tz\n");
        var (train, test) = TsvClassificationData.LoadFolder(files.Directory);
        Assert.Equal((1, 2), (train.Count, test.Count));
    }
}
