using Microsoft.ML.Data;

namespace Microsoft.ML.Transformer.Tests.Pretrained;

/// <summary>The documented sentence-embedding pipeline on the shared all-MiniLM-L6-v2: equal to sentence-transformers'
/// embedding computed from ONNX Runtime, self-contained once saved, and usable by an ML.NET trainer.</summary>
public class SentenceEmbeddingTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    private sealed class Sentence
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    /// <summary>tokenize with the encoder's options → pooled, normalised contextual embedding, as docs/pretrained.md shows.</summary>
    private static IEstimator<ITransformer> SentenceEmbedding(MLContext ml, PretrainedEncoder encoder)
        => ml.Transforms.Text.TokenizeForTransformer("Tokens", "Text", encoder.TokenizerOptions)
            .Append(ml.Transforms.Text.EmbedAndPositionEncode("Features", "Tokens",
                new EmbeddingOptions { Source = encoder, Contextual = true, Pooling = EmbeddingPooling.Mean, Normalize = true, ScoringBlockSize = 8 }));

    [Fact]
    public void FeaturesEqualOnnxRuntimeMeanPooledAndNormalised()
    {
        using var oracle = MiniLmOracle.OpenOrSkip();
        var ml = new MLContext(seed: 1);
        string[] texts = Texts().ToArray();
        IDataView data = ml.Data.LoadFromEnumerable(texts.Select(t => new Sentence { Text = t }));
        ITransformer model = SentenceEmbedding(ml, ml.Model.LoadPretrainedEncoder(MiniLmOracle.Folder)).Fit(data);

        float[][] ours = Features(model.Transform(data));
        double worst = 0;
        for (int row = 0; row < texts.Length; row++)
        {
            float[] theirs = oracle.SentenceEmbedding(texts[row]);
            Assert.Equal(MiniLmOracle.Width, ours[row].Length);
            worst = Math.Max(worst, ours[row].Zip(theirs, (a, b) => Math.Abs(a - b)).Max());
        }
        output.WriteLine($"sentence embeddings: max_abs_diff {worst:E2} over {texts.Length} texts in blocks of 8");
        Assert.True(worst <= Tolerance, $"max abs difference {worst:E2} > {Tolerance:E0}");
        (model as IDisposable)?.Dispose();
    }

    [Fact]
    public void SavedModelNeedsNoCheckpointFolder()
    {
        MiniLmOracle.SkipIfAbsent();
        string copy = TestPaths.NewTempDirectory(), zip = Path.Combine(TestPaths.NewTempDirectory(), "embedding.zip");
        foreach (string file in new[] { "config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json" })
            File.Copy(Path.Combine(MiniLmOracle.Folder, file), Path.Combine(copy, file));

        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Texts().Take(16).Select(t => new Sentence { Text = t }));
        ITransformer model = SentenceEmbedding(ml, ml.Model.LoadPretrainedEncoder(copy)).Fit(data);
        float[][] before = Features(model.Transform(data));
        ml.Model.Save(model, data.Schema, zip);
        Directory.Delete(copy, recursive: true);

        var fresh = new MLContext(seed: 2);
        ITransformer loaded = fresh.Model.Load(zip, out _);
        Assert.Equal(before, Features(loaded.Transform(data)));
        using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
        foreach (var entry in archive.Entries.Where(e => e.Name.EndsWith(".json", StringComparison.Ordinal) || e.Name == "Model.key"))
        {
            using var reader = new StreamReader(entry.Open());
            Assert.DoesNotContain(Path.GetFileName(copy), reader.ReadToEnd());
        }
    }

    [Fact]
    public void FeedsAnMLNetTrainer()
    {
        MiniLmOracle.SkipIfAbsent();
        var ml = new MLContext(seed: 1);
        string[] good = ["a wonderful film", "I loved it", "great acting and a moving story", "pure joy", "brilliant and funny",
            "an excellent evening", "beautiful music", "my favourite book this year", "superb", "warm and delightful"];
        string[] bad = ["a terrible film", "I hated it", "boring and far too long", "a waste of money", "awful acting",
            "dull and predictable", "the worst meal I have had", "badly written", "painful to watch", "cold and rude staff"];
        var rows = good.Select(t => new Sentence { Text = t, Label = true }).Concat(bad.Select(t => new Sentence { Text = t, Label = false })).ToList();
        IDataView data = ml.Data.LoadFromEnumerable(rows);

        var pipeline = SentenceEmbedding(ml, ml.Model.LoadPretrainedEncoder(MiniLmOracle.Folder))
            .AppendCacheCheckpoint(ml)
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(featureColumnName: "Features"));
        var metrics = ml.BinaryClassification.Evaluate(pipeline.Fit(data).Transform(data));
        output.WriteLine($"training-set accuracy {metrics.Accuracy:F3}");
        Assert.True(metrics.Accuracy >= 0.9, $"accuracy {metrics.Accuracy:F3} on its own 20 training rows");
    }

    private static float[][] Features(IDataView scored)
        => scored.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();

    /// <summary>20 texts from 1 to about 60 words, so that each block of 8 pads most of its rows.</summary>
    private static IEnumerable<string> Texts()
    {
        string[] words = "The committee met on Thursday to discuss the budget , but nobody could agree on what the new library should cost or who would pay for it ! Is that really surprising ?".Split(' ');
        for (int i = 0; i < 20; i++)
            yield return string.Join(' ', Enumerable.Range(i, 1 + i * 37 % 60).Select(k => words[k % words.Length]));
    }
}
