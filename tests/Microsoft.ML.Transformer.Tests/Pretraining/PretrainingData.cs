namespace Microsoft.ML.Transformer.Tests.Pretraining;

/// <summary>Small corpora with a pattern a tiny encoder learns in seconds, and options that train on them quickly.</summary>
internal static class PretrainingData
{
    public sealed class Document
    {
        public string Text { get; set; } = "";
    }

    public sealed class Review
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    /// <summary>Documents of 3 to 12 word pairs "pN qN" (N below 20): a masked word is given away by its partner.</summary>
    public static Document[] Pairs(int documents, int seed = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, documents).Select(_ => new Document
        {
            Text = string.Join(' ', Enumerable.Range(0, random.Next(3, 13)).Select(_ => random.Next(20)).Select(n => $"p{n} q{n}")),
        })];
    }

    /// <summary>Documents of 16 to 30 words of one of 4 topics of 8 words each ("t2w5"): a masked word is one of its
    /// topic's 8, which the rest of the sequence gives away (the loss can fall from ln 32 towards ln 8).</summary>
    public static Document[] Topics(int documents, int seed = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, documents).Select(_ =>
        {
            int topic = random.Next(4);
            return new Document { Text = string.Join(' ', Enumerable.Range(0, random.Next(16, 31)).Select(_ => $"t{topic}w{random.Next(8)}")) };
        })];
    }

    /// <summary>Documents that are each the 8 words of one of 4 topics ("t2w5") in a random order: every word once. A
    /// masked word is one of its topic's words missing from the rest of the document; a replacement that repeats a
    /// word of the document, or leaves the topic, gives itself away — to a discriminator that compares the words.</summary>
    public static Document[] Permutations(int documents, int seed = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, documents).Select(_ =>
        {
            int topic = random.Next(4);
            return new Document { Text = string.Join(' ', Enumerable.Range(0, 8).OrderBy(_ => random.Next()).Select(w => $"t{topic}w{w}")) };
        })];
    }

    /// <summary>Labelled pair documents: positive when p7 occurs.</summary>
    public static Review[] Reviews(int rows, int seed = 2)
        => [.. Pairs(rows, seed).Select(d => new Review { Text = d.Text, Label = d.Text.Split(' ').Contains("p7") })];

    public static IDataView View(MLContext ml, IEnumerable<Document> documents) => ml.Data.LoadFromEnumerable(documents);

    /// <summary>A tiny encoder over word tokens, in float32, sequences of 16 tokens.</summary>
    public static EncoderPretrainingOptions Options(int epochs = 3) => new()
    {
        Tokenizer = new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1 },
        Shape = { ModelDimension = 32, Heads = 2, Layers = 2, FeedForwardDimension = 64, Dropout = 0 },
        SequenceLength = 16,
        BatchSize = 16,
        Epochs = epochs,
        LearningRate = 3e-3,
        Seed = 5,
        ProgressInterval = 1000,
        MixedPrecision = false,   // float32 whatever the machine measures
    };
}
