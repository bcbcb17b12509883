namespace Microsoft.ML.Transformer.Tests.Evaluation;

/// <summary>Corpus WER/PER and the G2P sequence error rate on hand-computed examples.</summary>
public class ErrorRateTests
{
    [Fact]
    public void WordErrorRateIsTotalEditsOverTotalReferenceWords()
    {
        string[] references = ["the cat sat on the mat", "hello world"];
        string[] hypotheses = ["the cat sit on mat", "hello big world"];
        // row 1: sat→sit and a deleted "the" = 2 edits of 6 words; row 2: one insertion of 2 words.
        // (2 + 1) / (6 + 2) = 0.375, not the mean of the row rates (2/6 + 1/2) / 2 ≈ 0.417
        Assert.Equal(0.375, ErrorRate.Tokens(hypotheses, references), 15);
        Assert.Equal(1.0, ErrorRate.Sequences(hypotheses, references));
    }

    [Fact]
    public void RatesCanExceedOneAndIgnoreRunsOfWhitespace()
    {
        Assert.Equal(3.0, ErrorRate.Tokens(["a b c d"], ["a"]));
        Assert.Equal(0.0, ErrorRate.Tokens(["  a\tb  c "], ["a b c"]));
        Assert.Equal(0.0, ErrorRate.Sequences(["  a\tb  c "], ["a b c"]));
    }

    /// <summary>CMUdict lists alternative pronunciations (EITHER, TOMATO, READ have two each).</summary>
    private static readonly string[][] Pronunciations =
    [
        ["IY1 DH ER0", "AY1 DH ER0"],
        ["T AH0 M EY1 T OW2", "T AH0 M AA1 T OW2"],
        ["R EH1 D", "R IY1 D"],
    ];

    [Fact]
    public void G2PWordErrorCountsAWordCorrectWhenItMatchesAnyPronunciation()
    {
        string[] predicted = ["AY1 DH ER0", "T AH0 M AE1 T OW2", "R R IY1 D"];
        // EITHER matches its second pronunciation; TOMATO and READ are wrong: 2 of 3 words
        Assert.Equal(2.0 / 3, ErrorRate.Sequences(predicted, Pronunciations), 15);
    }

    [Fact]
    public void PhonemeErrorRateUsesTheClosestPronunciation()
    {
        string[] predicted = ["AY1 DH ER0", "T AH0 M AE1 T OW2", "R R IY1 D"];
        // EITHER: 0 of 3; TOMATO: 1 substitution of 6 (either reference); READ: "R IY1 D" is 1 edit away,
        // "R EH1 D" (listed first) 2 edits, so 1 of 3. PER = 2 / 12.
        Assert.Equal(2.0 / 12, ErrorRate.Tokens(predicted, Pronunciations), 15);
    }

    [Fact]
    public void EqualDistancesChooseTheFirstListedReference()
    {
        // "A B C" is one edit from both; the first listed (2 tokens) is used: 1 / 2, not 1 / 4
        Assert.Equal(0.5, ErrorRate.Tokens(["A B C"], [["A B", "A B C D"]]));
        Assert.Equal(0.25, ErrorRate.Tokens(["A B C"], [["A B C D", "A B"]]));
    }

    [Fact]
    public void NullReferencesAreSkippedButARowNeedsOne()
    {
        Assert.Equal(0.0, ErrorRate.Tokens(["a b"], [[null!, "a b"]]));
        var error = Assert.Throws<ArgumentException>(() => ErrorRate.Tokens(["a", "b"], [["a"], [null!]]));
        Assert.Contains("Row 1 has no reference", error.Message);
        Assert.Equal("references", error.ParamName);
    }

    [Fact]
    public void MismatchedOrEmptyInputsAreRejected()
    {
        Assert.Contains("2 hypotheses but 1 reference rows", Assert.Throws<ArgumentException>(() => ErrorRate.Tokens(["a", "b"], ["a"])).Message);
        Assert.Contains("no rows", Assert.Throws<ArgumentException>(() => ErrorRate.Sequences([], Array.Empty<string>())).Message);
        Assert.Contains("Hypothesis 0 is null", Assert.Throws<ArgumentException>(() => ErrorRate.Tokens([null!], ["a"])).Message);
    }
}
