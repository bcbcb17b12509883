namespace Microsoft.ML.Transformer.Tests.LanguageModel;

/// <summary>Small texts with patterns a tiny language model learns in seconds.</summary>
internal static class LanguageModelData
{
    public sealed class Document
    {
        public string Text { get; set; } = "";
    }

    /// <summary>Lines "the cat sat on the mat." with one of a few nouns: predictable but for the noun.</summary>
    public static Document[] Rhymes(int lines, int seed)
    {
        string[] nouns = ["cat", "dog", "fox", "owl"];
        var random = new Random(seed);
        var text = string.Join('\n', Enumerable.Range(0, lines).Select(_ => $"the {nouns[random.Next(nouns.Length)]} sat on the mat."));
        return [new Document { Text = text }];
    }

    public static LanguageModelOptions Options(int epochs = 8) => new()
    {
        ContextLength = 32,
        Shape = { ModelDimension = 64, Heads = 4, Layers = 2, FeedForwardDimension = 128, Dropout = 0 },
        BatchSize = 16,
        Epochs = epochs,
        // 3e-3 was at the edge: in float32, or with 10 epochs, greedy text lost the " the " after "sat on"; 1.5e-3 learns
        // the rhymes with 6 to 10 epochs in float32 and in bf16.
        LearningRate = 1.5e-3,
        Seed = 3,
        ProgressInterval = 1000,
        MixedPrecision = false,   // float32 whatever the machine measures (see ClassifierData.Options)
    };
}

/// <summary>One small language model trained once on the rhymes and shared by the tests that only read it.</summary>
public sealed class RhymeModelFixture : IDisposable
{
    public RhymeModelFixture()
    {
        Ml = new MLContext(seed: 1);
        Train = Ml.Data.LoadFromEnumerable(LanguageModelData.Rhymes(400, seed: 1));
        Validation = Ml.Data.LoadFromEnumerable(LanguageModelData.Rhymes(40, seed: 2));
        LanguageModelOptions options = LanguageModelData.Options();
        options.ValidationSet = Validation;
        Model = Ml.Transforms.Text.TrainLanguageModel("Text", options).Fit(Train);
    }

    public MLContext Ml { get; }

    public IDataView Train { get; }

    public IDataView Validation { get; }

    public LanguageModelTransformer Model { get; }

    public void Dispose() => Model.Dispose();
}
