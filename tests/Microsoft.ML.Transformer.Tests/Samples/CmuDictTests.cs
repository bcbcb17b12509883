using global::Samples;

namespace Microsoft.ML.Transformer.Tests.Samples;

/// <summary>The g2p sample's CMUdict reader and its 90/5/5 split by word.</summary>
public class CmuDictTests
{
    private const string Dictionary =
        "'bout B AW1 T\n" +
        "aalborg AO1 L B AO0 R G # place, danish\n" +
        "\n" +
        "read R IY1 D\n" +
        "read(2) R EH1 D\n" +
        "read(3) R IY1 D\n" +                       // a repeated pronunciation is kept once
        "r(2)d AA1 R D IY1\n" +                      // "(2)" inside a word is part of the word
        "# a comment-only line\n" +
        "tomato T AH0 M EY1 T OW2\n" +
        "tomato(2) T AH0 M AA1 T OW2\n";

    [Fact]
    public void ReadsWordsWithAllTheirPronunciations()
    {
        using var files = new SampleDataFiles();
        List<CmuWord> words = CmuDict.Load(files.Write("cmudict.dict.gz", Dictionary));

        Assert.Equal(["'bout", "aalborg", "read", "r(2)d", "tomato"], words.Select(w => w.Word));
        Assert.Equal(["AO1 L B AO0 R G"], words[1].Pronunciations);
        Assert.Equal(["R IY1 D", "R EH1 D"], words[2].Pronunciations);
        Assert.Equal(["T AH0 M EY1 T OW2", "T AH0 M AA1 T OW2"], words[4].Pronunciations);
    }

    [Fact]
    public void ReadsAnUncompressedFileToo()
    {
        using var files = new SampleDataFiles();
        Assert.Equal(5, CmuDict.Load(files.Write("cmudict.dict", Dictionary)).Count);
    }

    [Fact]
    public void RejectsAWordWithoutPhonesAndAMissingFile()
    {
        using var files = new SampleDataFiles();
        var bad = Assert.Throws<InvalidDataException>(() => CmuDict.Load(files.Write("bad.dict.gz", "read R IY1 D\nlonely # nothing\n")));
        Assert.Contains("line 2", bad.Message);
        Assert.Throws<FileNotFoundException>(() => CmuDict.Load(Path.Combine(files.Directory, "absent.dict.gz")));
    }

    [Fact]
    public void StressDigitsComeOffVowelsOnly()
    {
        Assert.Equal("T AH M EY T OW", CmuDict.WithoutStress("T AH0 M EY1 T OW2"));
        Assert.Equal("R EH D", CmuDict.WithoutStress("R EH D"));
        Assert.Equal("", CmuDict.WithoutStress(""));
    }

    [Fact]
    public void AWordWithoutStressKeepsPronunciationsThatDifferOnlyInStressOnce()
    {
        var word = new CmuWord("object", ["AA1 B JH EH0 K T", "AH0 B JH EH1 K T", "AA1 B JH EH2 K T"]);
        Assert.Equal(["AA B JH EH K T", "AH B JH EH K T"], CmuDict.WithoutStress(word).Pronunciations);
        Assert.Equal("object", CmuDict.WithoutStress(word).Word);
    }

    [Fact]
    public void TheHashIsFnv1aOfTheUtf8Bytes()
    {
        Assert.Equal(0x811C9DC5u, CmuDict.Fnv1a(""));        // the offset basis
        Assert.Equal(0xE40C292Cu, CmuDict.Fnv1a("a"));       // published FNV-1a test vectors
        Assert.Equal(0xBF9CF968u, CmuDict.Fnv1a("foobar"));
    }

    [Fact]
    public void SplitsAboutNinetyFiveFiveAndAlwaysTheSameWay()
    {
        string[] words = [.. Enumerable.Range(0, 20_000).Select(i => $"w{i}x{i * 7919 % 1000}")];
        var sides = words.Select(CmuDict.SideOf).ToArray();
        double Share(CmuDict.Split side) => sides.Count(s => s == side) / (double)words.Length;
        Assert.InRange(Share(CmuDict.Split.Train), 0.88, 0.92);
        Assert.InRange(Share(CmuDict.Split.Validation), 0.04, 0.06);
        Assert.InRange(Share(CmuDict.Split.Test), 0.04, 0.06);
        Assert.Equal(sides, words.Select(CmuDict.SideOf));
    }
}
