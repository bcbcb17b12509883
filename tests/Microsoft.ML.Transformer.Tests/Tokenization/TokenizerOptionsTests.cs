namespace Microsoft.ML.Transformer.Tests.Tokenization;

public class TokenizerOptionsTests
{
    public static TheoryData<TokenizerOptions, string> InvalidOptions => new()
    {
        { new TokenizerOptions { VocabularySize = 100 }, nameof(TokenizerOptions.VocabularySize) }, // < 7 specials + 256 bytes
        { new TokenizerOptions { Kind = TokenizerKind.Word, VocabularySize = 7 }, nameof(TokenizerOptions.VocabularySize) },
        { new TokenizerOptions { MaxLength = 0 }, nameof(TokenizerOptions.MaxLength) },
        { new TokenizerOptions { MaxLength = -5 }, nameof(TokenizerOptions.MaxLength) },
        { new TokenizerOptions { MaxLength = 2, AddBeginOfSequence = true, AddEndOfSequence = true }, nameof(TokenizerOptions.MaxLength) },
        { new TokenizerOptions { MinimumFrequency = 0 }, nameof(TokenizerOptions.MinimumFrequency) },
        { new TokenizerOptions { MaxRowsForFitting = 0 }, nameof(TokenizerOptions.MaxRowsForFitting) },
        { new TokenizerOptions { Kind = (TokenizerKind)42 }, nameof(TokenizerOptions.Kind) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOptionsThrowNamingTheOption(TokenizerOptions options, string option)
    {
        var ml = new MLContext();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", options));
        Assert.Equal(option, error.ParamName);
    }

    [Fact]
    public void PretrainedKindsIgnoreVocabularySize()
    {
        var ml = new MLContext();
        ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", new TokenizerOptions { Kind = TokenizerKind.Gpt2, VocabularySize = 1 });
    }
}
