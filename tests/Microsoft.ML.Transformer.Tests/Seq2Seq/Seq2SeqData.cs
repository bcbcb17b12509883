namespace Microsoft.ML.Transformer.Tests.Seq2Seq;

/// <summary>Synthetic sequence tasks small enough to learn in seconds: copy or reverse a sequence of letters.</summary>
internal static class Seq2SeqData
{
    public sealed class Pair
    {
        public string Source { get; set; } = "";

        public string Target { get; set; } = "";
    }

    public sealed class SourceOnly
    {
        public string Source { get; set; } = "";
    }

    /// <summary>Rows "c a f b" → "b f a c" (or "c a f b" when not <paramref name="reverse"/>): 3–7 letters of a–j,
    /// separated by spaces.</summary>
    public static Pair[] Letters(int count, int seed, bool reverse)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            string[] letters = [.. Enumerable.Range(0, random.Next(3, 8)).Select(_ => ((char)('a' + random.Next(10))).ToString())];
            return new Pair { Source = string.Join(' ', letters), Target = string.Join(' ', reverse ? letters.Reverse() : letters) };
        })];
    }

    public static TokenizerOptions SourceTokenizer => new() { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxLength = 16 };

    /// <summary>A small, fast model: d_model 64, 4 heads, 2 + 2 layers; 8 epochs of batch 16 learn the copy task.</summary>
    public static SequenceToSequenceOptions Options(int epochs = 8) => new()
    {
        Target = new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxLength = 16 },
        Shape = { ModelDimension = 64, Heads = 4, Layers = 2, DecoderLayers = 2, FeedForwardDimension = 128, Dropout = 0 },
        BatchSize = 16,
        Epochs = epochs,
        LearningRate = 1.5e-3,
        WarmupSteps = 10,
        LabelSmoothing = 0,
        Seed = 7,
        ProgressInterval = 1000,
        MixedPrecision = false,   // float32 whatever the machine measures (see ClassifierData.Options)
    };

    /// <summary>Source tokenizer + sequence-to-sequence, fitted on <paramref name="train"/>.</summary>
    public static TransformerChain<SequenceToSequenceTransformer> Fit(MLContext ml, IDataView train, SequenceToSequenceOptions options)
        => ml.Transforms.Text.TokenizeForTransformer("SourceTokens", "Source", SourceTokenizer)
            .Append(ml.Transforms.Text.SequenceToSequence("Prediction", "SourceTokens", "Target", options))
            .Fit(train);

    public static string[] Column(IDataView data, string name) => [.. data.GetColumn<string>(name)];

    public static double ExactMatch(IEnumerable<string> predicted, IEnumerable<string> expected)
        => predicted.Zip(expected).Average(p => p.First == p.Second ? 1.0 : 0.0);

    public sealed class TempDirectory : IDisposable
    {
        public TempDirectory() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mlt-s2s-" + Guid.NewGuid().ToString("N"));

        public string Sub(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

/// <summary>One copy-task model trained once and shared by the tests that only read it.</summary>
public sealed class CopyModelFixture : IDisposable
{
    public CopyModelFixture()
    {
        Ml = new MLContext(seed: 1);
        Train = Ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(2000, seed: 1, reverse: false));
        Test = Ml.Data.LoadFromEnumerable(Seq2SeqData.Letters(200, seed: 2, reverse: false));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Model = Seq2SeqData.Fit(Ml, Train, Seq2SeqData.Options());
        TrainingTime = clock.Elapsed;
    }

    public MLContext Ml { get; }

    public IDataView Train { get; }

    public IDataView Test { get; }

    public TransformerChain<SequenceToSequenceTransformer> Model { get; }

    public TimeSpan TrainingTime { get; }

    public SequenceToSequenceTransformer Seq2Seq => Model.LastTransformer;

    public void Dispose() => Model.LastTransformer.Dispose();
}
