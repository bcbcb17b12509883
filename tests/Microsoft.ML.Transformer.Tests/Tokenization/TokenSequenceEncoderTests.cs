using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

public class TokenSequenceEncoderTests
{
    private static readonly TextTokenizer Chars =
        TextTokenizerTests.Train(new TokenizerOptions { Kind = TokenizerKind.Character, MinimumFrequency = 1 });

    private static int Id(char c) => Chars.Encode(c.ToString())[0];

    private static (int[] Sequence, int Length) Encode(string text, TokenizerOptions options)
    {
        var encoder = new TokenSequenceEncoder(Chars, options with { Kind = TokenizerKind.Character });
        int length = encoder.Encode(text);
        return (encoder.Sequence.ToArray(), length);
    }

    [Fact]
    public void AddsClassBeginAndEndTokensAroundTheText()
    {
        var (ids, length) = Encode("the", new TokenizerOptions { AddClassificationToken = true, AddBeginOfSequence = true, AddEndOfSequence = true });
        Assert.Equal([SpecialTokens.Classification, SpecialTokens.BeginOfSequence, Id('t'), Id('h'), Id('e'), SpecialTokens.EndOfSequence], ids);
        Assert.Equal(6, length);
    }

    [Fact]
    public void TruncatesTheRightEndKeepingSpecialTokens()
    {
        var (ids, _) = Encode("movie", new TokenizerOptions { MaxLength = 4, AddBeginOfSequence = true, AddEndOfSequence = true });
        Assert.Equal([SpecialTokens.BeginOfSequence, Id('m'), Id('o'), SpecialTokens.EndOfSequence], ids);
    }

    [Fact]
    public void TruncatesTheLeftEndWhenAsked()
    {
        var (ids, _) = Encode("movie", new TokenizerOptions { MaxLength = 3, Truncation = TruncationSide.Left });
        Assert.Equal([Id('v'), Id('i'), Id('e')], ids);
    }

    [Fact]
    public void MiddleTruncationKeepsAQuarterFromTheHeadAndTheRestFromTheTail()
    {
        var (ids, _) = Encode("abcdefghijkl", new TokenizerOptions { MaxLength = 9, Truncation = TruncationSide.Middle, AddClassificationToken = true });
        // budget 8 after [CLS]: 2 from the head, 6 from the tail
        Assert.Equal([SpecialTokens.Classification, Id('a'), Id('b'), Id('g'), Id('h'), Id('i'), Id('j'), Id('k'), Id('l')], ids);
        Assert.Equal([Id('a'), Id('b'), Id('c')], Encode("abc", new TokenizerOptions { MaxLength = 4, Truncation = TruncationSide.Middle }).Sequence);
    }

    [Fact]
    public void PadsWithZerosToMaxLengthAndReportsTheUnpaddedLength()
    {
        var (ids, length) = Encode("the", new TokenizerOptions { MaxLength = 6, PadToMaxLength = true });
        Assert.Equal([Id('t'), Id('h'), Id('e'), SpecialTokens.Pad, SpecialTokens.Pad, SpecialTokens.Pad], ids);
        Assert.Equal(3, length);
    }

    [Fact]
    public void EmptyTextGivesAnEmptyOrAllPadSequence()
    {
        Assert.Empty(Encode("", new TokenizerOptions()).Sequence);
        Assert.Equal(new int[4], Encode("", new TokenizerOptions { MaxLength = 4, PadToMaxLength = true }).Sequence);
        Assert.Equal([SpecialTokens.BeginOfSequence], Encode("", new TokenizerOptions { AddBeginOfSequence = true }).Sequence);
    }
}
