using Microsoft.ML.Transformer.Tests.Embedding;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>TransformerOnText: tokenizer and classifier in one chain, from raw text.</summary>
public class ClassifierOnTextTests
{
    [Fact]
    public void BinaryClassifierOnTextLearnsEndToEnd()
    {
        var ml = new MLContext(seed: 1);
        IDataView data = EmbedAndPositionEncodeEstimatorTests.Reviews(ml, 160);
        var options = ClassifierData.Options(epochs: 4);
        options.VocabularySize = null;   // from the tokenizer
        options.MaxLength = null;
        var pipeline = ml.BinaryClassification.Trainers.TransformerOnText("Text",
            new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxLength = 700 }, options);

        var model = pipeline.Fit(data);
        IDataView scored = model.Transform(data);
        var classifier = model.LastTransformer;
        using (classifier)
        {
            Assert.Equal(((TokenizerTransformer)model.First()).VocabularySize, classifier.VocabularySize);
            Assert.Equal(700, classifier.MaxLength);   // the tokenizer's MaxLength, recorded on the column, not the 512 fallback
            Assert.NotNull(scored.Schema.GetColumnOrNull("Tokens"));
            var metrics = ml.BinaryClassification.Evaluate(scored);
            Assert.True(metrics.Accuracy > 0.95, $"accuracy {metrics.Accuracy:F3}");
        }
    }
}
