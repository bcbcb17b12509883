using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Tests.Classification;
using Microsoft.ML.Transformer.Tests.Pretrained;

namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>Pretraining end to end on tiny corpora: the masked-token loss falls, the encoder saves and loads with its
/// tokenizer, a classifier fine-tunes from it with its tokenizer, and an imported checkpoint continues pretraining.</summary>
public class EncoderPretrainingTests(ITestOutputHelper output)
{
    [Fact]
    public void MaskedTokenLossFallsAndValidationReportsAccuracy()
    {
        var ml = new MLContext(seed: 1);
        EncoderPretrainingOptions options = PretrainingData.Options(epochs: 5);
        using PretrainedEncoderTransformer encoder = ml.Transforms.Text.PretrainEncoder("Features", "Text", options)
            .Fit(PretrainingData.View(ml, PretrainingData.Topics(400)));
        foreach (EpochSummary epoch in encoder.TrainingHistory)
            output.WriteLine($"epoch {epoch.Epoch}: loss {epoch.TrainingLoss:F3} accuracy {epoch.TrainingAccuracy:P1}, validation {epoch.ValidationLoss:F3} {epoch.ValidationMetric:P1}");
        EpochSummary first = encoder.TrainingHistory[0], last = encoder.TrainingHistory[^1];
        Assert.True(last.TrainingLoss < first.TrainingLoss * 0.8, $"loss {first.TrainingLoss} → {last.TrainingLoss}");
        Assert.NotNull(last.ValidationLoss);                              // the tail kept back reports loss and masked accuracy
        Assert.True(last.ValidationMetric > 0.07, $"masked-token accuracy {last.ValidationMetric}");   // chance 1/32, at best 1/8
        Assert.Equal((16, 2, TokenizerKind.Word), (encoder.MaxLength, encoder.Layers, encoder.TokenizerOptions.Kind));
        Assert.True(encoder.TokenizerOptions.AddClassificationToken);
    }

    [Fact]
    public void SavedEncoderLoadsInAFreshContextWithTheSameOutputs()
    {
        var ml = new MLContext(seed: 1);
        IDataView text = PretrainingData.View(ml, PretrainingData.Pairs(60));
        using PretrainedEncoderTransformer encoder = ml.Transforms.Text.PretrainEncoder("Features", "Text", PretrainingData.Options(epochs: 1)).Fit(text);
        float[][] before = ClassifierData.Vectors(encoder.Transform(text), "Features");
        using var temp = new ClassifierData.TempDirectory();
        string path = temp.Sub("encoder.zip");
        ml.Model.Save(encoder, text.Schema, path);

        var fresh = new MLContext(seed: 9);
        ITransformer loaded = fresh.Model.Load(path, out _);
        var reloaded = Assert.IsType<PretrainedEncoderTransformer>(loaded);
        float[][] after = ClassifierData.Vectors(loaded.Transform(PretrainingData.View(fresh, PretrainingData.Pairs(60))), "Features");
        Assert.Equal(before, after);
        Assert.Equal(32, before[0].Length);
        Assert.Equal(encoder.Tokenizer.Tokenizer.Encode("p3 q3 p9"), reloaded.Tokenizer.Tokenizer.Encode("p3 q3 p9"));
        reloaded.Dispose();
    }

    [Fact]
    public void ClassifierFineTunesFromThePretrainedEncoderWithItsTokenizer()
    {
        var ml = new MLContext(seed: 1);
        using PretrainedEncoderTransformer encoder = ml.Transforms.Text.PretrainEncoder("Features", "Text", PretrainingData.Options(epochs: 1))
            .Fit(PretrainingData.View(ml, PretrainingData.Pairs(100)));
        IDataView train = ml.Data.LoadFromEnumerable(PretrainingData.Reviews(200)), test = ml.Data.LoadFromEnumerable(PretrainingData.Reviews(100, seed: 3));
        var options = new TransformerClassifierOptions { InitialEncoder = encoder, Epochs = 3, LearningRate = 2e-3, Seed = 1, BatchSize = 16, MixedPrecision = false };

        // no tokenizer given: TransformerOnText uses the encoder's fitted vocabulary as it is
        using var model = ml.BinaryClassification.Trainers.TransformerOnText("Text", options: options).Fit(train);
        var tokenizer = (TokenizerTransformer)model.First();
        Assert.Same(encoder.Tokenizer.Tokenizer, tokenizer.Tokenizer);
        Assert.Equal((encoder.Layers, encoder.VocabularySize), (model.LastTransformer.Layers, model.LastTransformer.VocabularySize));
        CalibratedBinaryClassificationMetrics metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
        output.WriteLine($"accuracy {metrics.Accuracy:F3}");
        Assert.True(metrics.Accuracy > 0.8, $"accuracy {metrics.Accuracy}");

        // the encoder also lends itself to EmbedAndPositionEncode
        IDataView tokens = tokenizer.Transform(test);
        var embedding = ml.Transforms.Text.EmbedAndPositionEncode("Encoded", "Tokens", new EmbeddingOptions { Source = encoder, Contextual = true, Pooling = EmbeddingPooling.Mean });
        Assert.Equal(32, ClassifierData.Vectors(embedding.Fit(tokens).Transform(tokens), "Encoded")[0].Length);
    }

    [Fact]
    public void FineTuningMayCutRowsDifferentlyButNotLearnANewVocabulary()
    {
        var ml = new MLContext(seed: 1);
        using PretrainedEncoderTransformer encoder = ml.Transforms.Text.PretrainEncoder("Features", "Text", PretrainingData.Options(epochs: 1))
            .Fit(PretrainingData.View(ml, PretrainingData.Pairs(60)));
        IDataView train = ml.Data.LoadFromEnumerable(PretrainingData.Reviews(40));
        TransformerClassifierOptions Options() => new() { InitialEncoder = encoder, Epochs = 1, Seed = 1, BatchSize = 16, MixedPrecision = false };

        // a shorter length and head + tail truncation keep the encoder's fitted vocabulary
        TokenizerOptions cut = encoder.TokenizerOptions with { MaxLength = 6, Truncation = TruncationSide.Middle };
        using var model = ml.BinaryClassification.Trainers.TransformerOnText("Text", cut, Options()).Fit(train);
        var tokenizer = (TokenizerTransformer)model.First();
        Assert.Same(encoder.Tokenizer.Tokenizer, tokenizer.Tokenizer);
        Assert.Equal((6, TruncationSide.Middle), (tokenizer.Options.MaxLength, tokenizer.Options.Truncation));
        IDataView text = ml.Data.LoadFromEnumerable(new[] { new PretrainingData.Document { Text = "p1 q1 p2 q2 p3 q3 p4 q4 p5 q5" } });
        int[] ids = tokenizer.Transform(text).GetColumn<int[]>(Options().TokensColumnName).Single();
        Assert.Equal(6, ids.Length);
        Assert.Equal(encoder.Tokenizer.Tokenizer.Encode("q5")[0], ids[^1]);   // the tail is kept, not cut as Right would

        // options that would fit another vocabulary are refused at creation, naming the way out
        var e = Assert.ThrowsAny<ArgumentException>(() => ml.BinaryClassification.Trainers.TransformerOnText("Text",
            encoder.TokenizerOptions with { VocabularySize = encoder.TokenizerOptions.VocabularySize + 10 }, Options()));
        Assert.Equal("tokenizer", e.ParamName);
        Assert.Contains("new vocabulary", e.Message);
    }

    [Fact]
    public void ImportedCheckpointContinuesPretrainingWithItsWordPiece()
    {
        using var checkpoint = new TinyCheckpoint();
        var ml = new MLContext(seed: 1);
        PretrainedEncoder imported = ml.Model.LoadPretrainedEncoder(checkpoint.Folder);
        var random = new Random(4);
        IDataView text = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 80).Select(_ => new PretrainingData.Document
        {
            Text = string.Join(' ', Enumerable.Range(0, random.Next(3, 9)).Select(_ => $"w{random.Next(25)}")),
        }).ToList());
        var options = new EncoderPretrainingOptions { InitialEncoder = imported, Epochs = 1, Seed = 1, BatchSize = 8, MixedPrecision = false };

        using PretrainedEncoderTransformer continued = ml.Transforms.Text.PretrainEncoder("Features", "Text", options).Fit(text);
        Assert.Equal((TinyCheckpoint.Layers, 12, TinyCheckpoint.Vocabulary), (continued.Layers, continued.MaxLength, continued.VocabularySize));
        Assert.Equal(TokenizerKind.WordPiece, continued.TokenizerOptions.Kind);
        Assert.Equal(12, continued.TokenizerOptions.MaxLength);   // the checkpoint's 12 positions, below the default 128
        Assert.True(double.IsFinite(continued.TrainingHistory[^1].TrainingLoss));

        // the continued encoder fine-tunes with the same WordPiece vocabulary
        var reviews = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new PretrainingData.Review { Text = $"w{i % 25} w{(i * 7) % 25}", Label = i % 2 == 0 }).ToList());
        using var model = ml.BinaryClassification.Trainers.TransformerOnText("Text",
            options: new TransformerClassifierOptions { InitialEncoder = continued, Epochs = 1, Seed = 1, MixedPrecision = false }).Fit(reviews);
        Assert.Equal(TokenizerKind.WordPiece, ((TokenizerTransformer)model.First()).Options.Kind);

        // and after a save and a load in a fresh context, as a later process does: the zip holds the vocabulary, its
        // options no longer name the checkpoint's vocab.txt, and fine-tuning tokenizes with the loaded vocabulary
        using var temp = new ClassifierData.TempDirectory();
        string path = temp.Sub("continued.zip");
        ml.Model.Save(continued, text.Schema, path);
        var fresh = new MLContext(seed: 2);
        using var loaded = (PretrainedEncoderTransformer)fresh.Model.Load(path, out _);
        Assert.Null(loaded.TokenizerOptions.VocabularyPath);
        using var reloadedModel = fresh.BinaryClassification.Trainers.TransformerOnText("Text",
            options: new TransformerClassifierOptions { InitialEncoder = loaded, Epochs = 1, Seed = 1, MixedPrecision = false }).Fit(reviews);
        var reloadedTokenizer = (TokenizerTransformer)reloadedModel.First();
        Assert.Same(loaded.Tokenizer.Tokenizer, reloadedTokenizer.Tokenizer);
        Assert.Equal(continued.Tokenizer.Tokenizer.Encode("w3 w17 w4"), reloadedTokenizer.Tokenizer.Encode("w3 w17 w4"));
    }
}
