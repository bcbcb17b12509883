using System.Globalization;
using Microsoft.ML.Transformer.Orleans.Shards;
using Microsoft.ML.Transformer.Tests;

namespace Microsoft.ML.Transformer.Orleans.Tests;

/// <summary>A tiny text classifier trained in seconds, shards of rows with ids, and the single-process scores that
/// cluster outputs must equal.</summary>
internal static class ScoringTestData
{
    public sealed class Review
    {
        public bool Label { get; set; }

        public string Text { get; set; } = "";
    }

    /// <summary>A binary PredictedLabel and its Score, as one row of output.</summary>
    public readonly record struct Scored(bool PredictedLabel, float Score);

    private static readonly string[] Words =
        ["the", "film", "plot", "actor", "scene", "music", "story", "was", "and", "very", "quite", "long", "short", "ending", "camera", "light"];

    /// <summary>Random sentences of 6–40 words; the label says whether "good" outnumbers "bad".</summary>
    public static Review[] Reviews(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var words = Enumerable.Range(0, random.Next(6, 41)).Select(_ => Words[random.Next(Words.Length)]).ToList();
            int good = random.Next(3), bad = random.Next(3);
            for (int i = 0; i < good; i++) words.Insert(random.Next(words.Count), "good");
            for (int i = 0; i < bad; i++) words.Insert(random.Next(words.Count), "bad");
            return new Review { Label = good > bad, Text = string.Join(' ', words) };
        })];
    }

    /// <summary>Trains the classifier (d_model 32, 1 layer, 2 epochs) and saves it with its input schema (Label, Text).</summary>
    public static string TrainModel(string folder)
    {
        var ml = new MLContext(seed: 1);
        IDataView train = ml.Data.LoadFromEnumerable(Reviews(200, seed: 1));
        var options = new TransformerClassifierOptions
        {
            Shape = { ModelDimension = 32, Heads = 2, Layers = 1, Dropout = 0 },
            Epochs = 2, BatchSize = 16, LearningRate = 3e-3, Seed = 11, MixedPrecision = false,
        };
        var model = ml.BinaryClassification.Trainers.TransformerOnText("Text",
            new TokenizerOptions { Kind = TokenizerKind.Word, MinimumFrequency = 1, MaxLength = 64 }, options).Fit(train);
        string path = Path.Combine(folder, "model.zip");
        ml.Model.Save(model, train.Schema, path);
        return path;
    }

    /// <summary>Writes <paramref name="shards"/> shards of <paramref name="rowsPerShard"/> rows (columns id, text, label
    /// as "pos"/"neg", which the model's Boolean Label cannot take and so leaves alone) and returns every row's text by id.</summary>
    public static async Task<Dictionary<long, string>> WriteShards(string folder, int shards, int rowsPerShard, string extension = ".parquet", int seed = 2)
    {
        Directory.CreateDirectory(folder);
        Review[] rows = Reviews(shards * rowsPerShard, seed);
        var texts = new Dictionary<long, string>();
        for (int s = 0; s < shards; s++)
        {
            long[] ids = [.. Enumerable.Range(s * rowsPerShard, rowsPerShard).Select(i => 1000L + i)];
            string[] text = [.. ids.Select(id => rows[id - 1000].Text)];
            string[] label = [.. ids.Select(id => rows[id - 1000].Label ? "pos" : "neg")];
            for (int i = 0; i < ids.Length; i++) texts[ids[i]] = text[i];
            var table = new ShardTable([new ShardColumn("id", ids), new ShardColumn("text", text), new ShardColumn("label", label)]);
            await ShardFiles.WriteAtomicallyAsync(table, Path.Combine(folder, $"part-{s:D3}{extension}"));
        }
        return texts;
    }

    /// <summary>The rows through plain <c>Transform</c> in this process, all at once, by id.</summary>
    public static Dictionary<long, Scored> SingleProcess(string modelPath, IReadOnlyDictionary<long, string> texts)
    {
        var ml = new MLContext();
        ITransformer model = ml.Model.Load(modelPath, out _);
        long[] ids = [.. texts.Keys.Order()];
        IDataView scored = model.Transform(ml.Data.LoadFromEnumerable(ids.Select(id => new Review { Text = texts[id] })));
        bool[] labels = [.. scored.GetColumn<bool>("PredictedLabel")];
        float[] scores = [.. scored.GetColumn<float>("Score")];
        (model as IDisposable)?.Dispose();
        return ids.Select((id, i) => (id, new Scored(labels[i], scores[i]))).ToDictionary(p => p.id, p => p.Item2);
    }

    /// <summary>Every row of every output shard in <paramref name="folder"/>, grouped by id (a row written twice shows
    /// twice), read back through the shard readers (TSV columns come back as text).</summary>
    public static async Task<Dictionary<long, List<Scored>>> ReadOutputs(string folder)
    {
        var rows = new Dictionary<long, List<Scored>>();
        foreach (string shard in ShardFormats.List(folder))
        {
            ShardTable table = await ShardFiles.ReadAsync(shard);
            long[] ids = Column<long>(table, "id");
            bool[] labels = Column<bool>(table, "PredictedLabel");
            float[] scores = Column<float>(table, "Score");
            for (int i = 0; i < ids.Length; i++)
            {
                if (!rows.TryGetValue(ids[i], out var list)) rows[ids[i]] = list = [];
                list.Add(new Scored(labels[i], scores[i]));
            }
        }
        return rows;
    }

    private static T[] Column<T>(ShardTable table, string name)
    {
        Array values = (table.Find(name) ?? throw new InvalidDataException($"output has no '{name}' column: {string.Join(", ", table.Columns.Select(c => c.Name))}")).Values;
        return values as T[] ?? [.. ((string[])values).Select(s => (T)Convert.ChangeType(s, typeof(T), CultureInfo.InvariantCulture))];
    }

    /// <summary>Asserts every input row was scored exactly once, as single-process Transform scores it.</summary>
    public static void AssertScoredOnce(IReadOnlyDictionary<long, Scored> expected, Dictionary<long, List<Scored>> outputs)
    {
        long[] missing = [.. expected.Keys.Where(id => !outputs.ContainsKey(id))];
        long[] duplicated = [.. outputs.Where(o => o.Value.Count > 1).Select(o => o.Key)];
        Assert.True(missing.Length == 0, $"{missing.Length} rows missing, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.True(duplicated.Length == 0, $"{duplicated.Length} rows written more than once, e.g. {string.Join(", ", duplicated.Take(5))}");
        Assert.Equal(expected.Count, outputs.Count);
        foreach (var (id, want) in expected)
        {
            Scored got = outputs[id][0];
            Assert.True(want.PredictedLabel == got.PredictedLabel && Math.Abs(want.Score - got.Score) <= 1e-4f,
                $"row {id}: single process {want}, cluster {got}");
        }
    }

    public static string SiloHostPath => Path.Combine(TestPaths.RepoRoot, "src", "Microsoft.ML.Transformer.Orleans.Silo", "bin", TestPaths.Configuration,
        "net10.0", "Microsoft.ML.Transformer.Orleans.Silo.dll");
}
