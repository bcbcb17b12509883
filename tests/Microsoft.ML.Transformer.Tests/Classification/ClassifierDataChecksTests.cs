using Microsoft.ML.Transformer.Tests.Embedding;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>What the classifier can tell about its data before the first optimizer step fails there, naming the option
/// or column at fault (issue 17, item 3): [CLS] pooling without [CLS], a label of one class, a max_len below the
/// tokenizer's.</summary>
public class ClassifierDataChecksTests
{
    private static TransformerClassifierOptions Counting(List<long> steps, ClassifierPooling pooling = ClassifierPooling.Mean, int? maxLength = null)
    {
        TransformerClassifierOptions options = ClassifierData.Options(epochs: 1);
        (options.VocabularySize, options.MaxLength, options.Pooling) = (null, maxLength, pooling);
        (options.ProgressInterval, options.OnProgress) = (1, p => steps.Add(p.Step));
        return options;
    }

    private static TokenizerOptions Words(bool classToken = false, int maxLength = 32)
        => new() { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxLength = maxLength, AddClassificationToken = classToken };

    private static IDataView Tokenized(MLContext ml, IDataView text, TokenizerOptions tokenizer)
        => ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", tokenizer).Fit(text).Transform(text);

    [Fact]
    public void ClassTokenPoolingWithoutTheClassTokenFailsOnTextAtCreation()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.ThrowsAny<Exception>(() => ml.BinaryClassification.Trainers.TransformerOnText("Text", Words(), Counting([], ClassifierPooling.ClassToken)));
        Assert.Contains("Pooling ClassToken", error.Message);
        Assert.Contains("AddClassificationToken", error.Message);
    }

    [Fact]
    public void ClassTokenPoolingOnAColumnWithoutTheClassTokenFailsBeforeTheFirstStep()
    {
        var ml = new MLContext(seed: 1);
        var steps = new List<long>();
        IDataView data = Tokenized(ml, EmbedAndPositionEncodeEstimatorTests.Reviews(ml), Words());
        var error = Assert.ThrowsAny<Exception>(() => ml.BinaryClassification.Trainers.Transformer(Counting(steps, ClassifierPooling.ClassToken)).Fit(data));
        Assert.Empty(steps);
        Assert.Contains("Pooling ClassToken", error.Message);
        Assert.Contains("the tokenizer that wrote column 'Tokens' does not add it", error.Message);
    }

    [Fact]
    public void ClassTokenPoolingTrainsWhenTheTokenizerAddsTheClassToken()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = Tokenized(ml, EmbedAndPositionEncodeEstimatorTests.Reviews(ml), Words(classToken: true));
        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(Counting([], ClassifierPooling.ClassToken)).Fit(data);
        Assert.Single(model.TrainingHistory);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ABinaryLabelOfOneClassFailsBeforeTheFirstStep(bool value)
    {
        var ml = new MLContext(seed: 1);
        var steps = new List<long>();
        ClassifierData.BinaryRow[] rows = ClassifierData.TokenSevenOccurs(40, seed: 1);
        foreach (ClassifierData.BinaryRow row in rows) row.Label = value;
        TransformerClassifierOptions options = Counting(steps, maxLength: 24);
        options.VocabularySize = ClassifierData.Vocabulary;
        var error = Assert.ThrowsAny<Exception>(() => ml.BinaryClassification.Trainers.Transformer(options).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Empty(steps);
        Assert.Contains($"Label column 'Label' holds one class only ({value}, in all 40 rows)", error.Message);
    }

    [Fact]
    public void AKeyLabelOfOneClassPresentFailsBeforeTheFirstStep()
    {
        var ml = new MLContext(seed: 1);
        var steps = new List<long>();
        TransformerClassifierOptions options = Counting(steps, maxLength: 24);
        options.VocabularySize = ClassifierData.Vocabulary;
        uint[] labels = [0, 2, 2, 0, 2, 2, 2, 2];   // key 2 only, and missing labels
        var error = Assert.ThrowsAny<Exception>(() => ml.MulticlassClassification.Trainers.Transformer(options).Fit(ClassifierData.KeyRows(ml, labels)));
        Assert.Empty(steps);
        Assert.Contains("Label column 'Label' holds one class only (key 2, in all 6 rows with a label)", error.Message);
    }

    [Fact]
    public void AMaxLengthBelowTheTokenizersFailsOnTextAtCreation()
    {
        var ml = new MLContext(seed: 1);
        var error = Assert.ThrowsAny<Exception>(() => ml.BinaryClassification.Trainers.TransformerOnText("Text", Words(maxLength: 32), Counting([], maxLength: 8)));
        Assert.Contains("MaxLength (8) is less than the MaxLength (32) of the tokenizer:", error.Message);
    }

    [Fact]
    public void AMaxLengthBelowTheTokenizersRecordedOnTheColumnFailsBeforeTheFirstStep()
    {
        var ml = new MLContext(seed: 1);
        var steps = new List<long>();
        // every review fits in 16 tokens; the first that does not would fail mid-training
        IDataView data = Tokenized(ml, EmbedAndPositionEncodeEstimatorTests.Reviews(ml, 64), Words(maxLength: 32));
        var error = Assert.ThrowsAny<Exception>(() => ml.BinaryClassification.Trainers.Transformer(Counting(steps, maxLength: 8)).Fit(data));
        Assert.Empty(steps);
        Assert.Contains("MaxLength (8) is less than the MaxLength (32) of the tokenizer that wrote column 'Tokens'", error.Message);
    }
}
