using global::Samples;

namespace Microsoft.ML.Transformer.Tests.Samples;

/// <summary>The classify sample's label-kind detection and its Boolean mapping of two labels.</summary>
public class ClassLabelsTests
{
    [Theory]
    [InlineData("0", "1", "1")]
    [InlineData("1", "0", "1")]
    [InlineData("false", "true", "true")]
    [InlineData("True", "False", "True")]
    [InlineData("positive", "negative", "positive")]
    [InlineData("neg", "pos", "pos")]            // two arbitrary strings: the one that sorts second ordinally
    [InlineData("yes", "no", "yes")]
    [InlineData("b", "B", "b")]                  // ordinal: 'B' (0x42) < 'b' (0x62)
    public void TwoLabelsAreBinary(string first, string second, string trueLabel)
    {
        ClassLabels labels = ClassLabels.Detect([first, second, first, first]);

        Assert.True(labels.IsBinary);
        Assert.Equal(trueLabel, labels.TrueLabel);
        Assert.Equal(trueLabel == first ? second : first, labels.FalseLabel);
        Assert.True(labels.IsTrue(trueLabel));
        Assert.False(labels.IsTrue(labels.FalseLabel!));
    }

    [Fact]
    public void MoreLabelsAreMulticlassInOrdinalOrder()
    {
        ClassLabels labels = ClassLabels.Detect(["LOC", "DESC", "NUM", "DESC", "ABBR"]);

        Assert.False(labels.IsBinary);
        Assert.Null(labels.TrueLabel);
        Assert.Equal(["ABBR", "DESC", "LOC", "NUM"], labels.Classes);
    }

    [Fact]
    public void OneLabelIsAnError()
    {
        var error = Assert.Throws<InvalidDataException>(() => ClassLabels.Detect(["spam", "spam"]));
        Assert.Contains("at least two distinct labels, found 1 ('spam')", error.Message);
    }

    [Fact]
    public void ATestLabelUnseenInTrainingIsNamed()
    {
        ClassLabels labels = ClassLabels.Detect(["a", "b", "c"]);
        LabeledText[] test = [new() { Label = "a" }, new() { Label = "d" }, new() { Label = "e" }];

        var error = Assert.Throws<InvalidDataException>(() => labels.CheckKnown(test, "test.tsv.gz"));

        Assert.Contains("test.tsv.gz: row 2 has the label 'd'", error.Message);
        Assert.Contains("2 row(s) with unseen labels", error.Message);
        labels.CheckKnown([new() { Label = "c" }], "test.tsv.gz");
    }

    [Fact]
    public void MacroF1IsTheMeanOfPerClassF1()
    {
        // actual × predicted: class 0 F1 = 2·8/(10+9), class 1 F1 = 2·4/(5+6), class 2 neither present nor predicted
        double[][] counts = [[8, 2, 0], [1, 4, 0], [0, 0, 0]];
        Assert.Equal((16.0 / 19 + 8.0 / 11) / 2, MacroF1.Of(counts), 12);
    }
}
