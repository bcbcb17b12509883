using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Tests.LanguageModel;
using Microsoft.ML.Transformer.Tests.Seq2Seq;

namespace Microsoft.ML.Transformer.Tests.Training;

/// <summary>A ValidationSet that cannot be validated on fails before the first optimizer step, with an error that names
/// the ValidationSet (issue 17, item 3): every trainer.</summary>
public class ValidationSetChecksTests
{
    /// <summary>Counts optimizer steps through the progress callback (one report per step).</summary>
    private static T Counting<T>(T options, List<long> steps) where T : TransformerTrainingOptions
    {
        (options.ProgressInterval, options.OnProgress, options.Epochs) = (1, p => steps.Add(p.Step), 1);
        return options;
    }

    private static string FitError(Action fit, List<long> steps)
    {
        Exception error = Assert.ThrowsAny<Exception>(fit);
        Assert.Empty(steps);   // failed before the first step
        return ClassifierData.Innermost(error).Message;
    }

    [Fact]
    public void AnEmptyValidationSetFailsTheClassifierBeforeTheFirstStep()
    {
        var ml = new MLContext(seed: 1);
        var steps = new List<long>();
        TransformerClassifierOptions options = Counting(ClassifierData.Options(), steps);
        options.ValidationSet = ClassifierData.Binary(ml, 0);
        string message = FitError(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 64)), steps);
        Assert.Contains("The ValidationSet has no rows", message);
    }

    [Fact]
    public void AnEmptyValidationSetFailsSequenceToSequenceBeforeTheFirstStep()
    {
        var ml = new MLContext(seed: 1);
        var steps = new List<long>();
        SequenceToSequenceOptions options = Counting(Seq2SeqData.Options(), steps);
        options.WarmupSteps = null;
        IDataView train = ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(64, seed: 1, reverse: false));
        TokenizerTransformer source = ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", Seq2SeqData.SourceTokenizer).Fit(train);
        options.ValidationSet = source.Transform(ml.Data.LoadFromEnumerable(Array.Empty<Seq2SeqData.Pair>()));
        string message = FitError(() => ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target", options).Fit(source.Transform(train)), steps);
        Assert.Contains("The ValidationSet has no rows", message);
    }

    [Theory]
    [InlineData(0, "The ValidationSet has no rows")]
    [InlineData(1, "The ValidationSet gives no batch to validate on")]   // "the dog sat on the mat." is shorter than a window
    public void AValidationSetWithoutAWindowFailsTheLanguageModelBeforeTheFirstStep(int lines, string expected)
    {
        var ml = new MLContext(seed: 1);
        var steps = new List<long>();
        LanguageModelOptions options = Counting(LanguageModelData.Options(), steps);
        options.ValidationSet = ml.Data.LoadFromEnumerable(lines == 0 ? [] : LanguageModelData.Rhymes(lines, seed: 2));
        string message = FitError(() => ml.Transforms.Text.TrainLanguageModel("Text", options).Fit(ml.Data.LoadFromEnumerable(LanguageModelData.Rhymes(40, seed: 1))), steps);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void AValidationSetWithNoUsableRowSaysItIsTheValidationSetBeforeTheFirstStep()
    {
        var ml = new MLContext(seed: 1);
        var steps = new List<long>();
        TransformerClassifierOptions options = Counting(ClassifierData.Options(), steps);
        options.ValidationSet = ClassifierData.KeyRows(ml, new uint[10]);   // every label missing
        uint[] labels = [.. Enumerable.Range(0, 40).Select(i => (uint)(i % 3 + 1))];
        string message = FitError(() => ml.MulticlassClassification.Trainers.Transformer(options).Fit(ClassifierData.KeyRows(ml, labels)), steps);
        Assert.Contains("No usable rows in column 'Tokens' of the ValidationSet: 10 rows read, 10 skipped for a missing label in 'Label'", message);
    }

    private sealed class FloatLabelRow
    {
        public int[] Tokens { get; set; } = [];

        public float Label { get; set; }
    }

    [Fact]
    public void AValidationSetWithAWrongLabelTypeIsASchemaErrorNamingTheValidationSet()
    {
        var ml = new MLContext(seed: 1);
        TransformerClassifierOptions options = ClassifierData.Options(epochs: 1);
        options.ValidationSet = ml.Data.LoadFromEnumerable(ClassifierData.TokenSevenOccurs(8, seed: 2)
            .Select(r => new FloatLabelRow { Tokens = r.Tokens, Label = r.Label ? 1 : 0 }));
        var error = Assert.ThrowsAny<Exception>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(ClassifierData.Binary(ml, 32)));
        Assert.Contains("Schema mismatch for ValidationSet label column 'Label': expected Boolean, got Single", error.Message);
    }

    private sealed class NumberTarget
    {
        public string Source { get; set; } = "";

        public float Target { get; set; }
    }

    [Fact]
    public void AValidationSetWithAWrongTargetTypeIsASchemaErrorNamingTheValidationSet()
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(32, seed: 1, reverse: false));
        TokenizerTransformer source = ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", Seq2SeqData.SourceTokenizer).Fit(train);
        SequenceToSequenceOptions options = Seq2SeqData.Options(epochs: 1);
        options.ValidationSet = source.Transform(ml.Data.LoadFromEnumerable(new[] { new NumberTarget { Source = "a b", Target = 1 } }));
        var error = Assert.ThrowsAny<Exception>(() => ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target", options).Fit(source.Transform(train)));
        Assert.Contains("Schema mismatch for ValidationSet target column 'Target': expected String, got Single", error.Message);
    }
}
