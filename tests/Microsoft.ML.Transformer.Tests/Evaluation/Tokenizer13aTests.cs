using Microsoft.ML.Transformer.Evaluation;

namespace Microsoft.ML.Transformer.Tests.Evaluation;

/// <summary>
/// The 13a tokenizer. sacreBLEU has no unit test of its own for 13a; the first case is the one asserted on sacreBLEU's
/// 13a output by sbintuitions/flexeval (tests/core/metric/tokenizer/test_sacrebleu_tokenizer.py). The others exercise
/// each rule of sacreBLEU's tokenizer_13a.py / tokenizer_re.py; their expected outputs are what sacreBLEU 2.6.0's
/// <c>Tokenizer13a</c> returns for them (mjpost/sacrebleu at f615c72).
/// </summary>
public class Tokenizer13aTests
{
    [Theory]
    [InlineData("I'm a student.", "I'm a student .")]                                  // flexeval's published case
    [InlineData("Hello, world!", "Hello , world !")]
    [InlineData("It costs $3.50, or 3,000 yen.", "It costs $ 3.50 , or 3,000 yen .")] // numbers keep . and ,
    [InlineData(".5 and 5. and a,b", ". 5 and 5 . and a , b")]
    [InlineData("U.S.A.", "U . S . A .")]
    [InlineData("He said: \"no\"; she left...", "He said : \" no \" ; she left . . .")]
    [InlineData("(a) [b] {c} a/b x+y=z @home #tag", "( a ) [ b ] { c } a / b x + y = z @ home # tag")]
    [InlineData("pages 10-20 and well-known", "pages 10 - 20 and well-known")]           // dash split only after a digit
    [InlineData("e-mail -5 3-", "e-mail -5 3 -")]
    [InlineData("Über café — naïve…", "Über café — naïve…")]                           // non-ASCII is left alone
    [InlineData("  many   spaces\there  ", "many spaces here")]
    [InlineData("\u00a0x\u00a0y\u00a0", "x y")]
    [InlineData("a\u001Cb", "a b")]                                    // Python's split() also splits on U+001C–U+001F
    [InlineData(",5", ", 5")]                                          // the line is padded, so a leading comma is split
    [InlineData("", "")]
    public void SplitsPunctuationAsMteval13a(string line, string expected)
        => Assert.Equal(expected, Tokenizer13a.Tokenize(line));

    [Theory]
    [InlineData("end of line-\nbreak", "end of linebreak")]              // a word hyphenated across lines is joined
    [InlineData("two\nlines", "two lines")]
    [InlineData("before<skipped>after", "beforeafter")]
    [InlineData("&quot;quoted&quot; &amp; &lt;tag&gt;", "\" quoted \" & < tag >")]
    [InlineData("&amp;lt;", "<")]                                        // unescaped in sequence, &amp; before &lt;
    [InlineData("&amp;quot;", "& quot ;")]                               // ... and &quot; before &amp;
    public void CleansUpLikeMteval13aFirst(string line, string expected)
        => Assert.Equal(expected, Tokenizer13a.Tokenize(line));
}
