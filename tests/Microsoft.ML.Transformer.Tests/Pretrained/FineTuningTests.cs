using Microsoft.ML.Data;
using Microsoft.ML.Transformer.Serialization;
using Microsoft.ML.Transformer.Tests.Modules;
using Microsoft.ML.Transformer.Tests.Classification;

namespace Microsoft.ML.Transformer.Tests.Pretrained;

/// <summary>A classifier fine-tuned from an imported checkpoint (<see cref="TransformerClassifierOptions.InitialEncoder"/>):
/// it takes the encoder's shape, weights and tokenizer, fine-tuning defaults, refuses ids of another vocabulary, and
/// saves self-contained. A tiny checkpoint keeps it fast; MiniLM itself is fine-tuned by the classify sample.</summary>
public class FineTuningTests
{
    private sealed class Sentence
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    /// <summary>Rows of 2 to 8 of the tiny checkpoint's words; positive when w1 occurs.</summary>
    private static IDataView Sentences(MLContext ml, int rows) => ml.Data.LoadFromEnumerable(SentenceRows(rows));

    private static List<Sentence> SentenceRows(int rows)
    {
        var random = new Random(1);
        return Enumerable.Range(0, rows).Select(_ =>
        {
            string[] words = Enumerable.Range(0, random.Next(2, 9)).Select(_ => $"w{random.Next(25)}").ToArray();
            return new Sentence { Text = string.Join(' ', words), Label = words.Contains("w1") };
        }).ToList();
    }

    private static TransformerClassifierOptions FineTuning(PretrainedEncoder encoder, int? epochs = 2)
        => new() { InitialEncoder = encoder, Epochs = epochs, Seed = 1, BatchSize = 16 };

    private static float[] Probabilities(IDataView scored)
        => scored.GetColumn<float>("Probability").ToArray();

    [Fact]
    public void TakesTheEncodersShapeWeightsAndTokenizer()
    {
        using var checkpoint = new TinyCheckpoint();
        var ml = new MLContext(seed: 1);
        PretrainedEncoder encoder = ml.Model.LoadPretrainedEncoder(checkpoint.Folder);
        TransformerClassifierOptions options = FineTuning(encoder, epochs: 1);
        options.Shape.Layers = 6;                          // not used: the encoder decides (a warning says so)
        (options.LearningRate, options.WarmupSteps) = (1e-9, 0);
        IDataView data = Sentences(ml, 32);

        // no tokenizer given: TransformerOnText takes the pretrained encoder's
        using var model = ml.BinaryClassification.Trainers.TransformerOnText("Text", options: options).Fit(data);
        TransformerClassifierTransformer classifier = model.LastTransformer;
        Assert.Equal((TinyCheckpoint.Layers, 12, TinyCheckpoint.Vocabulary), (classifier.Layers, classifier.MaxLength, classifier.VocabularySize));
        Assert.Equal(TokenizerKind.WordPiece, ((TokenizerTransformer)model.First()).Options.Kind);

        // at a vanishing learning rate the fine-tuned body is still the checkpoint's encoder
        float[][] Encoded(ITransformerEncoderSource source) => ClassifierData.Vectors(ml.Transforms.Text.EmbedAndPositionEncode("Encoded", "Tokens",
            new EmbeddingOptions { Source = source, Contextual = true }).Fit(model.First().Transform(data)).Transform(model.First().Transform(data)), "Encoded");
        float[][] imported = Encoded(encoder), tuned = Encoded(classifier);
        Assert.All(imported.Zip(tuned), p => Assert.All(p.First.Zip(p.Second), v => Assert.Equal(v.First, v.Second, 1e-5f)));
    }

    [Fact]
    public void PoolerPoolingStartsFromTheCheckpointsPooler()
    {
        using var checkpoint = new TinyCheckpoint();
        float[] weight = Enumerable.Range(0, 16 * 16).Select(i => (i % 7 - 3) / 10f).ToArray(), bias = Enumerable.Range(0, 16).Select(i => i / 100f).ToArray();
        checkpoint.WriteWeights([.. checkpoint.Tensors, TensorData.FromSingle("pooler.dense.weight", weight, 16, 16), TensorData.FromSingle("pooler.dense.bias", bias, 16)]);
        var ml = new MLContext(seed: 1);
        TransformerClassifierOptions options = FineTuning(ml.Model.LoadPretrainedEncoder(checkpoint.Folder), epochs: 1);
        (options.Pooling, options.LearningRate, options.WarmupSteps) = (ClassifierPooling.Pooler, 1e-9, 0);
        IDataView data = Sentences(ml, 32);

        using var model = ml.BinaryClassification.Trainers.TransformerOnText("Text", options: options).Fit(data);
        var layer = model.LastTransformer.Model.PoolerLayer!;
        using (var expected = TorchSharp.torch.tensor(weight, [16, 16])) TensorAssert.Close(expected, layer.weight!, 1e-6);
        using (var expected = TorchSharp.torch.tensor(bias)) TensorAssert.Close(expected, layer.bias!, 1e-6);

        // saved and reloaded with its pooler
        using var temp = new ClassifierData.TempDirectory();
        ml.Model.Save(model, data.Schema, temp.Sub("pooler.zip"));
        Assert.Equal(Probabilities(model.Transform(data)), Probabilities(new MLContext().Model.Load(temp.Sub("pooler.zip"), out _).Transform(data)));
    }

    [Fact]
    public void UnsetLearningRateAndEpochsTakeFineTuningDefaults()
    {
        using var checkpoint = new TinyCheckpoint();
        var ml = new MLContext(seed: 1);
        TransformerClassifierOptions options = FineTuning(ml.Model.LoadPretrainedEncoder(checkpoint.Folder), epochs: null);
        var rates = new List<double>();
        var epochs = new List<EpochSummary>();
        (options.OnProgress, options.OnEpochEnd, options.ProgressInterval) = (p => rates.Add(p.LearningRate), epochs.Add, 1);

        // 160 rows of batch 16: 10 steps an epoch, so 3 epochs are raised towards 250 steps and capped at 20
        using var model = ml.BinaryClassification.Trainers.TransformerOnText("Text", options: options).Fit(Sentences(ml, 160));
        Assert.Equal(20, epochs.Count);
        Assert.InRange(rates.Max(), 4.9e-5, 5e-5);
        Assert.Null(options.LearningRate);                 // the user's options are not changed
    }

    [Fact]
    public void SavedModelIsSelfContainedAndScoresTheSameInAFreshProcess()
    {
        string folder;
        var ml = new MLContext(seed: 1);
        IDataView data = Sentences(ml, 64);
        using var temp = new ClassifierData.TempDirectory();
        string zip = temp.Sub("fine-tuned.zip");
        float[] before;
        using (var checkpoint = new TinyCheckpoint())
        {
            folder = checkpoint.Folder;
            PretrainedEncoder encoder = ml.Model.LoadPretrainedEncoder(folder);
            using var model = ml.BinaryClassification.Trainers.TransformerOnText("Text", options: FineTuning(encoder)).Fit(data);
            before = Probabilities(model.Transform(data));
            ml.Model.Save(model, data.Schema, zip);
        }   // the checkpoint folder is deleted here

        Assert.False(Directory.Exists(folder));
        Assert.Equal(before, Probabilities(new MLContext(seed: 2).Model.Load(zip, out _).Transform(data)));
        using (var archive = System.IO.Compression.ZipFile.OpenRead(zip))
            foreach (var entry in archive.Entries.Where(e => e.Name.EndsWith(".json", StringComparison.Ordinal)))
            {
                using var reader = new StreamReader(entry.Open());
                Assert.DoesNotContain(Path.GetFileName(folder), reader.ReadToEnd());
            }

        string[] texts = ["w1 w2 w3", "w4 w5", "w1"];
        IDataView probe = ml.Data.LoadFromEnumerable(texts.Select(t => new Sentence { Text = t }));
        string[] expected = Probabilities(ml.Model.Load(zip, out _).Transform(probe)).Select(p => $"Probability: {p.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}").ToArray();
        var (exit, log) = ProcessRunner.Run(TestPaths.DotnetHost, [TestPaths.SamplesDll, "inspect", "--model", zip, .. texts.SelectMany(t => new[] { "--text", t })]);
        Assert.True(exit == 0, log);
        Assert.Equal(expected, log.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Probability: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void ColumnOfAnotherVocabularyIsRefused()
    {
        using TinyCheckpoint checkpoint = new(), other = new(word: "v");
        var ml = new MLContext(seed: 1);
        IDataView data = Sentences(ml, 32);
        PretrainedEncoder encoder = ml.Model.LoadPretrainedEncoder(checkpoint.Folder);
        var otherTokens = ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", ml.Model.LoadPretrainedEncoder(other.Folder).TokenizerOptions).Fit(data);

        // training: the same size (30 ids), other tokens
        var fit = Assert.Throws<InvalidOperationException>(() =>
            ml.BinaryClassification.Trainers.Transformer(FineTuning(encoder)).Fit(otherTokens.Transform(data)));
        Assert.Contains("another 30-token vocabulary", fit.Message);

        // scoring: a fine-tuned model fed a column of the other vocabulary fails when bound, before any row is scored
        using var model = ml.BinaryClassification.Trainers.TransformerOnText("Text", options: FineTuning(encoder)).Fit(data);
        var score = Assert.Throws<InvalidOperationException>(() => model.LastTransformer.Transform(otherTokens.Transform(data)));
        Assert.Contains("Tokenize with the model's own tokenizer", score.Message);
    }

    [Fact]
    public void EmptyAndOverlongTextsAreScoredAndTruncationsCounted()
    {
        using var checkpoint = new TinyCheckpoint();
        var ml = new MLContext(seed: 1);
        List<Sentence> rows = SentenceRows(32);
        rows.Add(new Sentence { Text = "", Label = false });
        rows.Add(new Sentence { Text = string.Join(' ', Enumerable.Repeat("w1 w2", 20)), Label = true });   // 40 words: 12 positions hold 10
        IDataView data = ml.Data.LoadFromEnumerable(rows);

        using var model = ml.BinaryClassification.Trainers.TransformerOnText("Text", options: FineTuning(ml.Model.LoadPretrainedEncoder(checkpoint.Folder))).Fit(data);
        float[] probabilities = Probabilities(model.Transform(data));
        Assert.Equal(rows.Count, probabilities.Length);
        Assert.All(probabilities, p => Assert.True(float.IsFinite(p)));
        Assert.True(((TokenizerTransformer)model.First()).TruncatedRowCount >= 1);
    }

    [Fact]
    public void TokensBeyondTheEncodersPositionsAreRefusedBeforeTraining()
    {
        using var checkpoint = new TinyCheckpoint();
        var ml = new MLContext(seed: 1);
        PretrainedEncoder encoder = ml.Model.LoadPretrainedEncoder(checkpoint.Folder);
        TokenizerOptions tokenizer = encoder.TokenizerOptions with { MaxLength = 20 };
        var e = Assert.Throws<InvalidOperationException>(() =>
            ml.BinaryClassification.Trainers.TransformerOnText("Text", tokenizer, FineTuning(encoder)).Fit(Sentences(ml, 32)));
        Assert.Contains("the InitialEncoder has 12 positions", e.Message);
    }
}
