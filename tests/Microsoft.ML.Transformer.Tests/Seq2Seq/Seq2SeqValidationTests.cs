namespace Microsoft.ML.Transformer.Tests.Seq2Seq;

/// <summary>Validation during sequence-to-sequence training: the set, the metric early stopping watches, and the error for
/// a validation set that was not tokenized.</summary>
public class Seq2SeqValidationTests
{
    private static (MLContext Ml, TokenizerTransformer Source, IDataView Train, IDataView Validation) Data()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(96, seed: 3, reverse: false));
        IDataView validation = ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(32, seed: 4, reverse: false));
        TokenizerTransformer source = ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", Seq2SeqData.SourceTokenizer).Fit(train);
        return (ml, source, train, validation);
    }

    private static SequenceToSequenceOptions Options(IDataView validation, SequenceToSequenceValidationMetric metric)
    {
        SequenceToSequenceOptions options = Seq2SeqData.Options(epochs: 2);
        options.WarmupSteps = null;
        options.ValidationSet = validation;
        options.ValidationMetric = metric;
        return options;
    }

    [Theory]
    [InlineData(SequenceToSequenceValidationMetric.TokenAccuracy)]
    [InlineData(SequenceToSequenceValidationMetric.Loss)]
    public void EachEpochReportsTheChosenValidationMetric(SequenceToSequenceValidationMetric metric)
    {
        var (ml, source, train, validation) = Data();
        using SequenceToSequenceTransformer model = ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target",
            Options(source.Transform(validation), metric)).Fit(source.Transform(train));
        Assert.All(model.TrainingHistory, e =>
        {
            Assert.True(e.ValidationLoss > 0);
            if (metric == SequenceToSequenceValidationMetric.Loss) Assert.Equal(-e.ValidationLoss!.Value, e.ValidationMetric!.Value, 12);
            else Assert.InRange(e.ValidationMetric!.Value, 0, 1);
        });
    }

    [Fact]
    public void UntokenizedValidationSetIsExplained()
    {
        var (ml, source, train, validation) = Data();
        var estimator = ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target", Options(validation, SequenceToSequenceValidationMetric.TokenAccuracy));
        var e = Assert.ThrowsAny<Exception>(() => estimator.Fit(source.Transform(train)));
        Assert.Contains("ValidationSet has no column 'SourceTokens'", e.Message);
    }
}
