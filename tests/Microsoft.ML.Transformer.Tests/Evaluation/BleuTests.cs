using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Evaluation;

/// <summary>
/// Corpus BLEU against published sacreBLEU results. Sources (mjpost/sacrebleu at f615c72 unless stated):
/// test/test_bleu.py, test/test_sentence_bleu.py, README.md, test.sh; huggingface/evaluate
/// metrics/sacrebleu/sacrebleu.py (its docstring examples); IBM/unitxt prepare/metrics/unnormalized_sacrebleu.py.
/// sacreBLEU takes references as streams (one list per reference position); here they are grouped per row.
/// </summary>
public class BleuTests
{
    private const double Epsilon = 1e-8;   // test_bleu.py's EPSILON, on the 0–100 scale of corpus_bleu(...).score

    // test_bleu.py's _hyps/_refs, the README example
    private static readonly string[] Hypotheses = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];

    private static readonly string[][] References =
    [
        ["The dog bit the man.", "The dog had bit the man."],
        ["It was not unexpected.", "No one was surprised."],
        ["The man bit him first.", "The man had bitten the dog."],
    ];

    [Fact]
    public void ReadmeExampleScores48_530827WithDefaultSettings()
    {
        // test_bleu.py test_corpus_bleu: default settings and tokenize='13a' give 48.530827
        BleuScore bleu = Bleu.Compute(Hypotheses, References);
        Assert.Equal(48.530827, bleu.Score, Epsilon);
        // README.md: bleu.corpus_score(sys, refs)
        Assert.Equal("BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)", bleu.ToString());
    }

    [Theory]
    [InlineData(1, "77.65")]
    [InlineData(2, "60.50")]
    [InlineData(3, "53.93")]
    [InlineData(4, "48.53")]
    [InlineData(5, "46.14")]
    [InlineData(6, "43.28")]
    public void MaxNgramOrderChangesTheScoreAsPublished(int order, string expected)
        // test_bleu.py test_max_ngram_order
        => Assert.Equal(expected, Bleu.Compute(Hypotheses, References, order).Score.ToString("F2", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void EmptyHypothesesScoreZero()
        // test_bleu.py: "ensure that empty hypotheses are not removed"
        => Assert.Equal(0.0, Bleu.Compute(["", "", ""], References).Score);

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void RowsMayHaveFewerReferences(string? missing)
    {
        // README.md "Variable Number of References": the first row's first reference replaced by '' or None
        string?[][] references = [[missing, "The dog had bit the man."], References[1], References[2]];
        Assert.Equal("BLEU = 29.44 82.4/42.9/27.3/12.5 (BP = 0.889 ratio = 0.895 hyp_len = 17 ref_len = 19)",
            Bleu.Compute(Hypotheses, references!).ToString());
    }

    [Fact]
    public void PerfectMatchScores100AndNoOverlapScores0()
    {
        // test_bleu.py test_raw_bleu: ["this is a test"] vs itself = 1.0; vs "ref1"/"ref2" = 0.0 (issue #141)
        Assert.Equal(100.0, Bleu.Compute(["this is a test"], ["this is a test"]).Score, Epsilon);
        BleuScore none = Bleu.Compute(["this is a test", "another test"], ["ref1", "ref2"]);
        Assert.Equal(0.0, none.Score);
        Assert.Equal([0.0, 0.0, 0.0, 0.0], none.Precisions);
        // test_sentence_bleu.py test_cases_zero_bleu, exp smoothing and 13a
        Assert.Equal(0.0, Bleu.Compute(["this is a cat"], ["okay thanks"]).Score);
    }

    [Fact]
    public void NgramStatisticsAreClippedCounts()
    {
        // test_bleu.py test_statistics: counts [4, 2, 1, 0], totals [6, 5, 4, 3]
        BleuScore bleu = Bleu.Compute(["am I am a character sequence"], ["I am a symbol string sequence a a"]);
        Assert.Equal([4L, 2, 1, 0], bleu.MatchingNgrams);
        Assert.Equal([6L, 5, 4, 3], bleu.TotalNgrams);
    }

    [Fact]
    public void ScoreFromStatisticsMatchesComputeBleu()
        // test_bleu.py test_scoring: compute_bleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11) / 100 = 0.8375922397 (± 1e-8)
        => Assert.Equal(83.75922397, BleuStatistics.Score([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).Score, Epsilon * 100);

    [Theory]
    [InlineData(new long[] { 4, 4, 2, 1 }, 0, 1)]
    [InlineData(new long[] { 10, 11, 12, 0 }, 14, 10)]
    [InlineData(new long[] { 0, 0, 0, 0 }, 0, 0)]
    public void NoMatchAtAllScoresZero(long[] totals, long systemLength, long referenceLength)
        // test_bleu.py test_degenerate_statistics, the cases without any match (the others use floor smoothing)
        => Assert.Equal(0.0, BleuStatistics.Score([0, 0, 0, 0], totals, systemLength, referenceLength).Score);

    [Fact]
    public void ExpSmoothingHalvesEachOrderWithoutAMatch()
    {
        // test_sentence_bleu.py (example from sacreBLEU issue #98): smooth 'exp', tok '13a' = 8.493 (±1e-3)
        const string reference = "producţia de zahăr brut se exprimă în zahăr alb;";
        const string system = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
        Assert.Equal(8.493, Bleu.Compute([system], [reference]).Score, 1e-3);

        // IBM/unitxt unnormalized_sacrebleu.py, second instance: counts [2, 1, 0, 0] of [6, 5, 4, 3] give precisions
        // 33.33, 20.0, 12.5 = 100 / (2 · 4), 8.33 = 100 / (4 · 3); score 16.23
        BleuScore bleu = Bleu.Compute(["on our way to ankh morpork"], [["goodbye ankh morpork", "ankh morpork"]]);
        Assert.Equal([2L, 1, 0, 0], bleu.MatchingNgrams);
        Assert.Equal([100.0 / 3, 20.0, 12.5, 100.0 / 12], bleu.Precisions);
        Assert.Equal((6L, 3L, 1.0), (bleu.SystemLength, bleu.ReferenceLength, bleu.BrevityPenalty));
        Assert.Equal(16.23, Math.Round(bleu.Score, 2));
    }

    [Fact]
    public void MultipleReferencesUseEachRowsClosestLength()
    {
        // huggingface/evaluate sacrebleu docstring example 2 (score 39.8) and unitxt's global target for it:
        // counts [6, 4, 2, 1], totals [10, 8, 6, 4], precisions [60, 50, 33.33, 25], bp 1, sys_len 10, ref_len 7
        BleuScore bleu = Bleu.Compute(
            ["hello there general kenobi", "on our way to ankh morpork"],
            [["hello there general kenobi", "hello there !"], ["goodbye ankh morpork", "ankh morpork"]]);
        Assert.Equal(39.76, Math.Round(bleu.Score, 2));
        Assert.Equal([6L, 4, 2, 1], bleu.MatchingNgrams);
        Assert.Equal([10L, 8, 6, 4], bleu.TotalNgrams);
        Assert.Equal((10L, 7L, 1.0), (bleu.SystemLength, bleu.ReferenceLength, bleu.BrevityPenalty));

        // huggingface/evaluate example 1: 100.0
        Assert.Equal(100.0, Bleu.Compute(["hello there general kenobi", "foo bar foobar"],
            [["hello there general kenobi", "hello there !"], ["foo bar foobar", "foo bar foobar"]]).Score, Epsilon);
    }

    [Fact]
    public void ShortHypothesesPayTheBrevityPenalty()
    {
        // every n-gram matches, but 5 tokens against 6: BP = exp(1 − 6/5)
        BleuScore bleu = Bleu.Compute(["the cat sat on the"], ["the cat sat on the mat"]);
        Assert.Equal(Math.Exp(-0.2), bleu.BrevityPenalty, 15);
        Assert.Equal(100 * Math.Exp(-0.2), bleu.Score, 1e-9);
        Assert.Equal("BLEU = 81.87 100.0/100.0/100.0/100.0 (BP = 0.819 ratio = 0.833 hyp_len = 5 ref_len = 6)", bleu.ToString());
    }

    [Fact]
    public void EquallyCloseReferenceLengthsPickTheShorter()
    {
        // 4 tokens between references of 3 and 5: the effective length is 3, so there is no penalty (5 would give exp(−0.25))
        BleuScore bleu = Bleu.Compute(["a b c d"], [["a b c", "a b c d e"]]);
        Assert.Equal((4L, 3L, 1.0), (bleu.SystemLength, bleu.ReferenceLength, bleu.BrevityPenalty));
        Assert.Equal(100.0, bleu.Score, 1e-9);
    }

    [Fact]
    public void ControlCharactersInAReferenceAreWhitespace()
    {
        // test.sh "Control character tests": a stray \r in the reference does not change the score
        const string hypothesis = "Hello! How are you doing today?";
        Assert.Equal(Bleu.Compute([hypothesis], [hypothesis]).Score, Bleu.Compute([hypothesis], ["Hello! How are you \r doing today?"]).Score);
        Assert.Equal(100.0, Bleu.Compute([hypothesis], ["Hello! How are you \r doing today?"]).Score, Epsilon);
    }

    [Fact]
    public void TrailingWhitespaceIsStrippedBeforeTokenizing()
    {
        // sacreBLEU rstrips each segment first, so a final "-\n" keeps its hyphen instead of joining lines
        // (checked against sacreBLEU 2.6.0: 100.00 here, 59.46 against "a b c line")
        Assert.Equal(100.0, Bleu.Compute(["a b c line-\n"], ["a b c line-"]).Score, 1e-9);
        Assert.Equal(59.46, Math.Round(Bleu.Compute(["a b c line-\n"], ["a b c line"]).Score, 2));
    }

    [Fact]
    public void LowercaseComparesWithoutCaseAsSacreBleuLc()
    {
        // sacreBLEU -lc lowercases hypotheses and references before 13a: the same as scoring lowercased text
        string[] hypotheses = ["Ein Mann mit einem orangefarbenen Hut.", "Ein boston Terrier läuft über Gras."];
        string[] references = ["ein Mann mit einem orangefarbenen Hut.", "Ein Boston Terrier läuft über saftig-grünes Gras."];
        BleuScore mixed = Bleu.Compute(hypotheses, references), lowercased = Bleu.Compute(hypotheses, references, lowercase: true);
        Assert.True(lowercased.Score > mixed.Score, $"{lowercased} vs {mixed}");
        Assert.Equal(Bleu.Compute([.. hypotheses.Select(h => h.ToLowerInvariant())], [.. references.Select(r => r.ToLowerInvariant())]).ToString(),
            lowercased.ToString());
        Assert.Equal(100.0, Bleu.Compute(["THE DOG BIT THE MAN."], ["The dog bit the man."], lowercase: true).Score, Epsilon);
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Bleu.Compute(["a"], ["a"], maxNgramOrder: 0));
        Assert.Contains("no rows", Assert.Throws<ArgumentException>(() => Bleu.Compute([], Array.Empty<string>())).Message);
        Assert.Contains("Row 0 has no reference", Assert.Throws<ArgumentException>(() => Bleu.Compute(["a"], [Array.Empty<string>()])).Message);
    }
}
