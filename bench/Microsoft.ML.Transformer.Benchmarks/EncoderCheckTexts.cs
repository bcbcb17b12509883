using System.Text.Json;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>The texts <c>encoder-check</c> encodes, and how the checkpoint tokenizes them.</summary>
internal static class EncoderCheckTexts
{
    /// <summary>Whether the checkpoint's tokenizer lower-cases: <c>do_lower_case</c> in its tokenizer_config.json (default true).</summary>
    public static bool LowerCase(string model)
    {
        string path = Path.Combine(model, "tokenizer_config.json");
        if (!File.Exists(path)) return true;
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        return !config.RootElement.TryGetProperty("do_lower_case", out JsonElement lower) || lower.ValueKind != JsonValueKind.False;
    }

    /// <summary>The first <paramref name="count"/> texts of a gzip TSV with a <c>text</c> column.</summary>
    public static List<string> Read(string path, int count)
    {
        if (!File.Exists(path)) throw new UsageException($"Data file '{path}' not found.");
        return Samples.ImdbData.Load(path, count).Select(r => r.Text).ToList();
    }

    /// <summary>Deterministic sentences of 1 to 160 words (about 3 to 200 WordPiece tokens), lengths mixed.</summary>
    public static List<string> Synthetic(int count)
    {
        string[] sentences =
        [
            "The film was a delight from start to finish.",
            "I would not recommend this restaurant to anyone.",
            "What is the capital city of Australia?",
            "Transformers replace recurrence with attention over every position.",
            "It rained all week, so we stayed inside and read books.",
            "The quick brown fox jumps over the lazy dog.",
            "How many moons does Jupiter have, and who discovered them?",
            "Prices rose sharply after the announcement on Tuesday.",
            "She plays the cello in a small orchestra downtown.",
            "Nobody expected the committee to approve the budget so quickly.",
            "Our train was delayed by forty minutes because of the snow.",
        ];
        var texts = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            int words = 1 + (i * 37 % 160);
            var pool = Enumerable.Range(i, 40).Select(k => sentences[k % sentences.Length]).SelectMany(s => s.Split(' '));
            texts.Add(string.Join(' ', pool.Take(words)));
        }
        return texts;
    }
}
