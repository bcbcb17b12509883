using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

public class TextTokenizerTests
{
    internal static readonly string[] Corpus =
    [
        "The movie was wonderful, the acting was great.",
        "The movie was boring; the plot made no sense.",
        "I loved the soundtrack and the ending!",
        "The ending was a mess.<br /><br />Avoid it.",
        "Wonderful wonderful wonderful.",
    ];

    internal static TextTokenizer Train(TokenizerOptions options, IEnumerable<string>? texts = null)
    {
        var trainer = new TokenizerTrainer(options);
        foreach (string text in texts ?? Corpus) trainer.Add(text);
        return trainer.Build();
    }

    public static TheoryData<string> UnicodeTexts =>
    [
        "plain ASCII, with punctuation!?",
        "naïve café — déjà vu",
        "日本語のテキストと中文",
        "emoji 😀👍🏽 and flags 🇩🇪, ZWJ 👩‍👩‍👧",
        "עברית and العربية mixed with English",
        "combining: e\u0301 a\u0308, tabs\tand\nnewlines\r\n  trailing spaces   ",
        "\u0000 control \u0007 chars \u001b[0m",
    ];

    [Theory]
    [MemberData(nameof(UnicodeTexts))]
    public void ByteLevelBpeRoundTripsAnyUnicodeText(string text)
    {
        TextTokenizer bpe = Train(new TokenizerOptions { VocabularySize = 400, MinimumFrequency = 1 });
        int[] ids = bpe.Encode(text);
        Assert.All(ids, id => Assert.InRange(id, SpecialTokens.Count, bpe.VocabularySize - 1));
        Assert.Equal(text, bpe.Decode(ids));
    }

    [Fact]
    public void ByteLevelBpeUsesItsMergesOnTrainingWords()
    {
        TextTokenizer bpe = Train(new TokenizerOptions { VocabularySize = 400, MinimumFrequency = 2 });
        int[] ids = bpe.Encode(" wonderful");
        Assert.Single(ids); // 4 occurrences in the corpus: merged into one token
        Assert.Equal("Ġwonderful", bpe.IdToToken(ids[0]));
        Assert.True(bpe.Encode(" xylophone").Length > 3); // unseen: falls back to smaller pieces
    }

    [Theory]
    [InlineData(TokenizerKind.Gpt2, new[] { 15496, 995 })]
    [InlineData(TokenizerKind.Cl100kBase, new[] { 9906, 1917 })]
    [InlineData(TokenizerKind.O200kBase, new[] { 13225, 2375 })]
    public void PretrainedEncodingsWorkOfflineWithIdsShiftedPastTheSpecialTokens(TokenizerKind kind, int[] tiktokenIds)
    {
        TextTokenizer tokenizer = Train(new TokenizerOptions { Kind = kind }, []);
        Assert.Equal(tiktokenIds.Select(id => id + SpecialTokens.Count), tokenizer.Encode("Hello world"));
        const string text = "naïve 😀 日本語";
        Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        Assert.True(tokenizer.VocabularySize > 50_000);
    }

    [Fact]
    public void WordVocabularyKeepsFrequentWordsAndMapsOthersToUnknown()
    {
        TextTokenizer words = Train(new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 2, LowerCase = true });
        int[] ids = words.Encode("The movie was terrible.");
        Assert.Equal(["the", "movie", "was", "[UNK]", "."], ids.Select(words.IdToToken));
        Assert.Equal("the movie was .", words.Decode(ids));
        Assert.Equal("the movie was [UNK] .", words.Decode(ids, skipSpecialTokens: false));
    }

    [Fact]
    public void WordVocabularySizeCapsTheMostFrequentWords()
    {
        TextTokenizer words = Train(new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, VocabularySize = SpecialTokens.Count + 3 });
        Assert.Equal(SpecialTokens.Count + 3, words.VocabularySize);
        // Case-sensitive counts: "." ×5, "the" ×4, "was" ×4, "The" ×3, "wonderful" ×3 … ties in ordinal order.
        Assert.Equal([".", "the", "was"], Enumerable.Range(SpecialTokens.Count, 3).Select(words.IdToToken));
    }

    [Fact]
    public void CharacterVocabularyRoundTripsKnownCharactersAndMarksUnknownOnes()
    {
        TextTokenizer chars = Train(new TokenizerOptions { Kind = TokenizerKind.Character, MinimumFrequency = 1 });
        Assert.Equal("the movie", chars.Decode(chars.Encode("the movie")));
        int[] ids = chars.Encode("the 😀");
        Assert.Equal(SpecialTokens.Unknown, ids[^1]);
        Assert.Equal(5, ids.Length); // the emoji is one code point, one token
    }

    [Fact]
    public void NormalizationStripsHtmlTagsAndLowerCases()
    {
        var normalizer = new TextNormalizer(lowerCase: true, stripHtmlTags: true);
        Assert.Equal("a mess.  avoid it. <3 a < b,  i >", normalizer.Normalize("A mess.<br /><br />Avoid it. <3 a < b, <i>I</i>>"));

        TextTokenizer chars = Train(new TokenizerOptions { Kind = TokenizerKind.Character, MinimumFrequency = 1, StripHtmlTags = true, LowerCase = true });
        Assert.Equal("a mess.  avoid it.", chars.Decode(chars.Encode("A mess.<br /><br />Avoid it.")));
    }

    [Fact]
    public void TrainingIsDeterministic()
    {
        var options = new TokenizerOptions { VocabularySize = 350, MinimumFrequency = 1 };
        var first = (ByteLevelBpeTokenizer)Train(options);
        var second = (ByteLevelBpeTokenizer)Train(options, Corpus.Reverse()); // order of rows must not matter
        Assert.Equal(first.Merges, second.Merges);
    }

    [Fact]
    public void DecodeRejectsIdsOutsideTheVocabulary()
    {
        TextTokenizer chars = Train(new TokenizerOptions { Kind = TokenizerKind.Character });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => chars.Decode([SpecialTokens.Count, chars.VocabularySize]));
        Assert.Contains($"Token id {chars.VocabularySize}", error.Message);
    }
}
