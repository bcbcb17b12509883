namespace Microsoft.ML.Transformer.Tests.Classification;

/// <summary>Synthetic token tasks small enough to learn in seconds.</summary>
internal static class ClassifierData
{
    public const int Vocabulary = 50;

    public sealed class BinaryRow
    {
        public int[] Tokens { get; set; } = [];

        public bool Label { get; set; }
    }

    public sealed class ClassRow
    {
        public int[] Tokens { get; set; } = [];

        public string Class { get; set; } = "";
    }

    /// <summary>Random rows of ids 8…49 (4–20 long); half of them get token 7 at a random place, and the label says whether it occurs.</summary>
    public static BinaryRow[] TokenSevenOccurs(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            int[] tokens = RandomTokens(random);
            bool positive = random.Next(2) == 0;
            if (positive) tokens[random.Next(tokens.Length)] = 7;
            return new BinaryRow { Tokens = tokens, Label = positive };
        })];
    }

    /// <summary>Random rows with exactly one of the marker tokens 3, 5 or 7; the class names the marker.</summary>
    public static ClassRow[] WhichMarker(int count, int seed)
    {
        string[] names = ["three", "five", "seven"];
        int[] markers = [3, 5, 7];
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            int[] tokens = RandomTokens(random);
            int which = random.Next(3);
            tokens[random.Next(tokens.Length)] = markers[which];
            return new ClassRow { Tokens = tokens, Class = names[which] };
        })];
    }

    private static int[] RandomTokens(Random random)
        => [.. Enumerable.Range(0, random.Next(4, 21)).Select(_ => random.Next(8, Vocabulary))];

    /// <summary>A small, fast model: d_model 32, 2 heads, 1 layer.</summary>
    public static TransformerClassifierOptions Options(int epochs = 4) => new()
    {
        VocabularySize = Vocabulary,
        MaxLength = 24,
        ModelDimension = 32,
        Heads = 2,
        Layers = 1,
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 3e-3,
        Seed = 11,
        Dropout = 0,
    };
}
