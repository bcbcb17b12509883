namespace Microsoft.ML.Transformer.Tests.Seq2Seq;

/// <summary><c>ChooseDecoding</c>: decoding settings compared on held-out rows by the caller's score.</summary>
public class DecodingChoiceTests(CopyModelFixture fixture) : IClassFixture<CopyModelFixture>
{
    private IDataView SourceTokens => fixture.Model.Take(1).Single().Transform(fixture.Test);

    private double ExactMatch(IReadOnlyList<string> predictions) => Seq2SeqData.ExactMatch(predictions, Seq2SeqData.Column(fixture.Test, "Target"));

    [Fact]
    public void ChoosesTheSettingWithTheBestScoreAndReportsEveryTrial()
    {
        // Outputs cut to 2 tokens cannot copy 3–7 letters; without the cut the model copies (≥ 99 %).
        DecodingOptions cut = new() { MaxOutputLength = 2 }, full = new() { BeamSize = 2 }, cutBeam = new() { BeamSize = 2, MaxOutputLength = 2 };

        DecodingChoice choice = fixture.Seq2Seq.ChooseDecoding(SourceTokens, [cut, full, cutBeam], ExactMatch);

        Assert.Equal(full, choice.Best);
        Assert.Equal([cut, full, cutBeam], choice.Trials.Select(t => t.Decoding));
        Assert.Equal(0.0, choice.Trials[0].Score);
        Assert.True(choice.Trials[1].Score >= 0.99, $"exact match {choice.Trials[1].Score:P1}");
        Assert.All(choice.Trials, t => Assert.True(t.Duration > TimeSpan.Zero));
        Assert.Equal(new DecodingOptions(), fixture.Seq2Seq.Decoding);   // the model keeps its own setting
    }

    [Fact]
    public void TiesGoToTheFirstSetting()
    {
        DecodingOptions a = new() { LengthPenalty = 0.6 }, b = new() { LengthPenalty = 1.0 };
        Assert.Equal(b, fixture.Seq2Seq.ChooseDecoding(SourceTokens, [b, a], _ => 1.0).Best);
    }

    [Fact]
    public void BadCandidatesAreClearErrors()
    {
        Assert.Contains("no decoding settings", Assert.Throws<ArgumentException>(() =>
            fixture.Seq2Seq.ChooseDecoding(SourceTokens, [], ExactMatch)).Message);
        Assert.Contains("Decoding candidate 1 is invalid", Assert.Throws<ArgumentException>(() =>
            fixture.Seq2Seq.ChooseDecoding(SourceTokens, [new DecodingOptions(), new DecodingOptions { BeamSize = 0 }], ExactMatch)).Message);
        Assert.Throws<ArgumentNullException>(() => fixture.Seq2Seq.ChooseDecoding(SourceTokens, [new DecodingOptions()], null!));
    }
}
