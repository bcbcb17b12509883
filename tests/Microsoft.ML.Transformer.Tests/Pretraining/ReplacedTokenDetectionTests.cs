using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Modules;
using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>ELECTRA's replaced-token detection on tiny corpora: the discriminator learns to find the generator's
/// replacements (clearly beyond answering "original" everywhere) while the generator learns to predict the masked words; the
/// kept discriminator saves with its objective and starts a classifier; the generator's shape follows the fraction.
/// Determinism and resume: <see cref="PretrainingCheckpointTests"/>; invalid settings: <see cref="PretrainingBadInputTests"/>.</summary>
public class ReplacedTokenDetectionTests(ITestOutputHelper output)
{
    private static EncoderPretrainingOptions Options(int epochs)
    {
        EncoderPretrainingOptions options = PretrainingData.Options(epochs);
        options.Objective = PretrainingObjective.ReplacedTokenDetection;
        return options;
    }

    [Fact]
    public void DiscriminatorFindsReplacedTokensBeyondTheAllOriginalBaseline()
    {
        var ml = new MLContext(seed: 1);
        EncoderPretrainingOptions options = Options(epochs: 15);
        options.ValidationSet = PretrainingData.View(ml, PretrainingData.Permutations(200, seed: 7));
        using PretrainedEncoderTransformer encoder = ml.Transforms.Text.PretrainEncoder("Features", "Text", options)
            .Fit(PretrainingData.View(ml, PretrainingData.Permutations(800)));
        foreach (EpochSummary epoch in encoder.TrainingHistory)
            output.WriteLine($"epoch {epoch.Epoch}: loss {epoch.TrainingLoss:F3} accuracy {epoch.TrainingAccuracy:P1}, validation {epoch.ValidationLoss:F3} " +
                $"{epoch.ValidationMetric:P1}; {string.Join(", ", epoch.ValidationDetails.Select(d => $"{d.Key} {d.Value:F3}"))}; {epoch.TokensPerSecond:F0} tokens/s {epoch.Duration.TotalSeconds:F1} s");

        EpochSummary last = encoder.TrainingHistory[^1];
        IReadOnlyDictionary<string, double> details = last.ValidationDetails;
        double replaced = details[ReplacedTokenDetectionMetrics.ReplacedShare], accuracy = last.ValidationMetric!.Value;
        double recall = details[ReplacedTokenDetectionMetrics.ReplacedRecall], precision = details[ReplacedTokenDetectionMetrics.ReplacedPrecision];
        // 15 % of the ordinary tokens are masked ([SEP] and [CLS] never); the generator samples some back to the original
        Assert.InRange(replaced, 0.08, 0.15);
        // the all-"original" baseline is 1 − replaced; the discriminator must remove a clear share of its errors
        // (measured: 89.7 % against 87.3 %, errors 0.81 of the baseline's; precision 86 %, recall 22 %)
        Assert.True(1 - accuracy < 0.9 * replaced, $"discriminator accuracy {accuracy:P2}, baseline {1 - replaced:P2}");
        Assert.True(precision > 0.6 && recall > 0.12, $"precision {precision:P1}, recall {recall:P1}");
        // the generator learns too: from above ln 32 (3.47, the 32 words) towards ln 8 and below
        Assert.True(details[ReplacedTokenDetectionMetrics.GeneratorLoss] < 3.3, $"generator loss {details[ReplacedTokenDetectionMetrics.GeneratorLoss]:F3}");
        Assert.True(details[ReplacedTokenDetectionMetrics.GeneratorAccuracy] > 0.05, $"generator accuracy {details[ReplacedTokenDetectionMetrics.GeneratorAccuracy]:P1}");
        Assert.Equal(PretrainingObjective.ReplacedTokenDetection, encoder.Objective);
        Assert.Equal((16, 2, 32), (encoder.MaxLength, encoder.Layers, encoder.ModelDimension));   // the discriminator is kept, at its own size
    }

    [Fact]
    public void SavedDiscriminatorStartsAClassifier()
    {
        var ml = new MLContext(seed: 1);
        IDataView text = PretrainingData.View(ml, PretrainingData.Pairs(100));
        using PretrainedEncoderTransformer encoder = ml.Transforms.Text.PretrainEncoder("Features", "Text", Options(epochs: 2)).Fit(text);
        using var temp = new ClassifierData.TempDirectory();
        string path = temp.Sub("encoder.zip");
        ml.Model.Save(encoder, text.Schema, path);

        var fresh = new MLContext(seed: 1);
        using var loaded = Assert.IsType<PretrainedEncoderTransformer>(fresh.Model.Load(path, out _));
        Assert.Equal(PretrainingObjective.ReplacedTokenDetection, loaded.Objective);
        Assert.Equal(encoder.TrainingHistory, loaded.TrainingHistory);   // validation details included
        Assert.Equal(ClassifierData.Vectors(encoder.Transform(text), "Features"), ClassifierData.Vectors(loaded.Transform(text), "Features"));

        IDataView train = fresh.Data.LoadFromEnumerable(PretrainingData.Reviews(200)), test = fresh.Data.LoadFromEnumerable(PretrainingData.Reviews(100, seed: 3));
        var options = new TransformerClassifierOptions { InitialEncoder = loaded, Epochs = 3, LearningRate = 2e-3, Seed = 1, BatchSize = 16, MixedPrecision = false };
        using var model = fresh.BinaryClassification.Trainers.TransformerOnText("Text", options: options).Fit(train);
        Assert.Same(loaded.Tokenizer.Tokenizer, ((TokenizerTransformer)model.First()).Tokenizer);
        CalibratedBinaryClassificationMetrics metrics = fresh.BinaryClassification.Evaluate(model.Transform(test));
        output.WriteLine($"accuracy {metrics.Accuracy:F3}");
        Assert.True(metrics.Accuracy > 0.8, $"accuracy {metrics.Accuracy}");
    }

    [Theory]
    [InlineData(0.25, 256, 4, 1024, 64, 1, 256)]    // ELECTRA-Small's generator
    [InlineData(0.5, 256, 4, 1024, 128, 2, 512)]
    [InlineData(1.0 / 3, 256, 4, 1024, 85, 1, 341)]  // an odd width keeps one head
    [InlineData(0.5, 96, 6, 384, 48, 3, 192)]
    [InlineData(0.25, 120, 4, 480, 30, 1, 120)]
    [InlineData(0.75, 128, 4, 512, 96, 3, 384)]
    [InlineData(0.5, 90, 4, 360, 45, 1, 180)]       // 2 heads do not divide 45
    [InlineData(0.01, 32, 2, 64, 1, 1, 1)]          // never below one
    [InlineData(1.0, 32, 2, 64, 32, 2, 64)]
    public void GeneratorScalesWidthHeadsAndFeedForward(double fraction, int width, int heads, int feedForward, int generatorWidth, int generatorHeads,
        int generatorFeedForward)
    {
        var discriminator = new TransformerConfig { ModelDimension = width, Heads = heads, FeedForwardDimension = feedForward, EncoderLayers = 3, DecoderLayers = 0 };
        TransformerConfig generator = ReplacedTokenDetection.GeneratorShape(discriminator, fraction);
        Assert.Equal((generatorWidth, generatorHeads, generatorFeedForward, 3), (generator.ModelDimension, generator.Heads, generator.ResolvedFeedForwardDimension, generator.EncoderLayers));
        Assert.Equal(0, generator.ModelDimension % generator.Heads);
    }
}
