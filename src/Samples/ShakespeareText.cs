namespace Samples;

/// <summary>Tiny Shakespeare (karpathy/char-rnn's input.txt) split as nanoGPT does: the first 90% of the characters for
/// training, the last 10% for validation. Without a data folder, a short built-in verse (a quick check that the
/// pipeline runs, not a benchmark).</summary>
internal static class ShakespeareText
{
    public const string FileName = "input.txt";

    public sealed class Document
    {
        public string Text { get; set; } = "";
    }

    public static (Document Train, Document Validation, string Source) Load(string? dataDir)
    {
        string text;
        if (dataDir is null)
        {
            text = string.Concat(Enumerable.Repeat(BuiltIn, 40));
        }
        else
        {
            string path = Path.Combine(dataDir, FileName);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path} not found: --data must be the folder holding Tiny Shakespeare's {FileName} " +
                    "(karpathy/char-rnn, data/tinyshakespeare/input.txt; see shared/data/README.md).", path);
            text = File.ReadAllText(path);
        }
        int cut = (int)(text.Length * 0.9);
        return (new Document { Text = text[..cut] }, new Document { Text = text[cut..] }, dataDir is null ? "built-in" : Path.Combine(dataDir, FileName));
    }

    private const string BuiltIn = """
        ROMEO:
        But, soft! what light through yonder window breaks?
        It is the east, and Juliet is the sun.

        JULIET:
        O Romeo, Romeo! wherefore art thou Romeo?
        Deny thy father and refuse thy name.

        """;
}
