using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>The default training length on a few thousand rows: with Epochs unset a small model must learn, not stop
/// near chance (3 epochs, the old default, gave 0.83 here and 1 epoch 0.56), watching a slice it keeps back.</summary>
public class ClassifierDefaultLengthTests
{
    [Fact]
    public void UnsetEpochsLearnThreeThousandRows()
    {
        // a small model for speed, float32 for determinism; Epochs, learning rate, schedule and batch stay at their defaults
        var options = new TransformerClassifierOptions
        {
            VocabularySize = ClassifierData.VoteVocabulary, MaxLength = 48, Seed = 11, MixedPrecision = false,
            Shape = { ModelDimension = 32, Heads = 2, Layers = 1 },
        };
        var ml = new MLContext(seed: 1);
        var (train, test) = (ClassifierData.Vote(ml, 3000, seed: 1), ClassifierData.Vote(ml, 1000, seed: 2));
        var log = new List<LoggingEventArgs>();
        ml.Log += (_, e) => { if (e.Kind != ChannelMessageKind.Trace) log.Add(e); };

        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(options).Fit(train);
        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(model.Transform(test));

        Assert.Null(options.Epochs);
        // about a tenth of the rows is kept back to stop on (HeldOutSlice); 86 steps per epoch on the rest: 12 epochs reach 1,000
        Assert.Contains(log, e => e.Message.Contains("Epochs unset and no ValidationSet: 264 of 3000 rows are kept back"));
        Assert.Contains(log, e => e.Message.Contains("Training for 12 epochs × about 86 optimizer steps (1032 in all; Epochs unset"));
        Assert.InRange(model.TrainingHistory.Count, 1, 12);
        Assert.All(model.TrainingHistory, epoch => Assert.NotNull(epoch.ValidationMetric));
        Assert.True(metrics.Accuracy > 0.95, $"accuracy {metrics.Accuracy:F3}");
        Assert.DoesNotContain(log, e => e.Kind == ChannelMessageKind.Warning);
    }

    [Fact]
    public void ASetShortRunWarnsThatItIsShort()
    {
        var ml = new MLContext(seed: 1);
        var warnings = new List<string>();
        ml.Log += (_, e) => { if (e.Kind == ChannelMessageKind.Warning) warnings.Add(e.Message); };

        using TransformerClassifierTransformer model = ml.BinaryClassification.Trainers.Transformer(ClassifierData.Options(epochs: 1))
            .Fit(ClassifierData.Binary(ml, 64));

        Assert.Contains(warnings, w => w.Contains("Training makes only 4 optimizer steps (1 epochs × 4)") && w.Contains("Leave Epochs unset"));
    }
}
