using global::Samples;

namespace Microsoft.ML.Transformer.Tests.Samples;

/// <summary>The translate sample's Multi30k reader: parallel gzip files, one sentence per line.</summary>
public class Multi30kDataTests
{
    [Fact]
    public void PairsLineIOfBothLanguages()
    {
        using var files = new SampleDataFiles();
        files.Write("train.en.gz", "A man sleeps.\nTwo dogs play in the snow.  \nA café.\n");
        files.Write("train.de.gz", "Ein Mann schläft.\nZwei Hunde spielen im Schnee.\nEin Café.\n");

        List<TranslationPair> pairs = Multi30kData.Load(files.Directory, Multi30kData.Train);

        Assert.Equal(["A man sleeps.", "Two dogs play in the snow.", "A café."], pairs.Select(p => p.English));
        Assert.Equal(["Ein Mann schläft.", "Zwei Hunde spielen im Schnee.", "Ein Café."], pairs.Select(p => p.German));
        Assert.Equal(2, Multi30kData.Load(files.Directory, Multi30kData.Train, maxRows: 2).Count);
    }

    [Fact]
    public void RejectsFilesOfDifferentLengthsAndMissingFiles()
    {
        using var files = new SampleDataFiles();
        files.Write("val.en.gz", "One.\nTwo.\n");
        files.Write("val.de.gz", "Eins.\n");
        var mismatch = Assert.Throws<InvalidDataException>(() => Multi30kData.Load(files.Directory, Multi30kData.Validation));
        Assert.Contains("2 English lines but 1 German", mismatch.Message);
        var missing = Assert.Throws<FileNotFoundException>(() => Multi30kData.Load(files.Directory, Multi30kData.Test));
        Assert.Contains("test_2016_flickr.en.gz", missing.Message);
    }
}
