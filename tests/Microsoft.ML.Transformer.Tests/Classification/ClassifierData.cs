
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

    /// <summary>Ids of <see cref="MoreGoodThanBad"/>: 16 "good" words, 16 "bad" words, the rest neutral.</summary>
    public const int VoteVocabulary = 1000;

    /// <summary>A sentiment-like vote, harder than the marker tasks: rows of 16–48 neutral ids (40…999) with 0–3 "good"
    /// ids (8…23) and a different number of "bad" ids (24…39) at random places; the label says whether the good ones
    /// outnumber the bad ones. A model must learn 32 word embeddings and weigh them against each other.</summary>
    public static BinaryRow[] MoreGoodThanBad(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            int good = random.Next(4), bad;
            do bad = random.Next(4); while (bad == good);
            int[] tokens = [.. Enumerable.Range(0, random.Next(16, 49)).Select(_ => random.Next(40, VoteVocabulary))];
            var places = Enumerable.Range(0, tokens.Length).OrderBy(_ => random.Next()).Take(good + bad).ToArray();
            for (int i = 0; i < places.Length; i++) tokens[places[i]] = i < good ? random.Next(8, 24) : random.Next(24, 40);
            return new BinaryRow { Tokens = tokens, Label = good > bad };
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

    /// <summary>Rows of the marker task with a numeric class (the marker itself, 3, 5 or 7, as a float).</summary>
    public static DigitRow[] WhichMarkerNumeric(int count, int seed)
        => [.. WhichMarker(count, seed).Select(r => new DigitRow { Tokens = r.Tokens, Digit = r.Class switch { "three" => 3, "five" => 5, _ => 7 } })];

    public sealed class DigitRow
    {
        public int[] Tokens { get; set; } = [];

        public float Digit { get; set; }
    }

    /// <summary>The vote task (<see cref="MoreGoodThanBad"/>) as a data view.</summary>
    public static IDataView Vote(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(MoreGoodThanBad(count, seed));

    /// <summary>The binary task as a data view.</summary>
    public static IDataView Binary(MLContext ml, int count, int seed = 1) => ml.Data.LoadFromEnumerable(TokenSevenOccurs(count, seed));

    /// <summary>The marker task with its string class mapped to a key "Label" (keys in order of first occurrence).</summary>
    public static (IDataView Train, IDataView Test, ITransformer KeyMap) Multiclass(MLContext ml, int trainRows, int testRows = 0)
    {
        IDataView train = ml.Data.LoadFromEnumerable(WhichMarker(trainRows, seed: 1));
        ITransformer keys = ml.Transforms.Conversion.MapValueToKey("Label", "Class").Fit(train);
        IDataView test = keys.Transform(ml.Data.LoadFromEnumerable(WhichMarker(testRows, seed: 2)));
        return (keys.Transform(train), test, keys);
    }

    /// <summary>Key token ids and a 3-class key label without key values, as raw keys (key 0: a missing label).</summary>
    public static IDataView KeyRows(MLContext ml, uint[] labels)
    {
        var random = new Random(3);
        var builder = new ArrayDataViewBuilder(ml);
        // key k is token id k − 1: ids 8…49
        builder.AddColumn("Tokens", new KeyDataViewType(typeof(uint), Vocabulary),
            [.. labels.Select(_ => Enumerable.Range(0, random.Next(3, 10)).Select(_ => (uint)random.Next(9, Vocabulary + 1)).ToArray())]);
        builder.AddColumn("Label", new KeyDataViewType(typeof(uint), 3), labels);
        return builder.GetDataView();
    }

    /// <summary>A scalar float column (binary Score or Probability).</summary>
    public static float[] Floats(IDataView view, string column = "Score") => [.. view.GetColumn<float>(view.Schema[column])];

    /// <summary>A vector column (multiclass Score) row by row.</summary>
    public static float[][] Vectors(IDataView view, string column = "Score")
        => [.. view.GetColumn<VBuffer<float>>(view.Schema[column]).Select(v => v.DenseValues().ToArray())];

    /// <summary>The Score column whatever its shape, flattened.</summary>
    public static float[] Scores(IDataView view)
        => view.Schema["Score"].Type is VectorDataViewType ? [.. Vectors(view).SelectMany(v => v)] : Floats(view);

    public static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    /// <summary>A temporary folder deleted on dispose.</summary>
    public sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = TestPaths.NewTempDirectory();

        public string Sub(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); }
            catch (IOException) { }
        }
    }

    private static int[] RandomTokens(Random random)
        => [.. Enumerable.Range(0, random.Next(4, 21)).Select(_ => random.Next(8, Vocabulary))];

    /// <summary>A small, fast model: d_model 32, 2 heads, 1 layer.</summary>
    public static TransformerClassifierOptions Options(int epochs = 4) => new()
    {
        VocabularySize = Vocabulary,
        MaxLength = 24,
        Shape = { ModelDimension = 32, Heads = 2, Layers = 1, Dropout = 0 },
        Epochs = epochs,
        BatchSize = 16,
        LearningRate = 3e-3,
        Seed = 11,
        // float32, as these tests were tuned: unset, the precision is measured on the machine (PrecisionProbe) and a
        // machine near the threshold could choose differently from one process to the next
        MixedPrecision = false,
    };
}
