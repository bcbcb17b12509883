using System.Text;

namespace Microsoft.ML.Transformer.Benchmarks;

/// <summary>One document of the language-model benchmarks' text, as ML.NET loads it.</summary>
internal sealed class TextRow
{
    public string Text { get; set; } = "";
}

/// <summary>
/// The language-model benchmarks' training text: one document of an exact number of characters (Unicode scalar values,
/// one token each for the character tokenizer), either the start of a text file (<c>--data</c>) or synthetic text. The
/// estimator reads a document as [EOS] then its characters, so a document of (W + 1) · T − 1 characters is a stream of
/// (W + 1) · T tokens, which makes exactly W training windows of context T whatever the epoch's random offset (0 … T − 1).
/// </summary>
internal static class LanguageModelText
{
    public const string Column = nameof(TextRow.Text);

    /// <summary>Characters of a document that makes exactly <paramref name="windows"/> windows of <paramref name="context"/> tokens.</summary>
    public static int CharactersFor(long windows, int context)
    {
        long characters = (windows + 1) * context - 1;
        return characters <= int.MaxValue ? (int)characters : throw new UsageException($"{windows:N0} windows of {context} tokens is too much text.");
    }

    /// <summary>The first <paramref name="characters"/> characters of <paramref name="path"/>, or synthetic text when it is null;
    /// with a description of where it comes from.</summary>
    public static (string Text, string Source) Load(string? path, int characters, int seed)
    {
        if (path is null) return (Synthetic(characters, seed), $"synthetic text ({characters:N0} characters, seed {seed})");
        if (!File.Exists(path)) throw new UsageException($"Data file '{path}' not found.");
        string all = File.ReadAllText(path);
        var prefix = new StringBuilder();
        int count = 0;
        foreach (Rune rune in all.EnumerateRunes())
        {
            if (count == characters) break;
            prefix.Append(rune.ToString());
            count++;
        }
        if (count < characters)
            throw new UsageException($"'{path}' has {count:N0} characters; {characters:N0} are needed (lower --steps, --batch or --context).");
        return (prefix.ToString(), $"the first {characters:N0} characters of {path}");
    }

    /// <summary>
    /// Pseudo-English over 65 characters, as many as tinyshakespeare has (with seed 1 all of them occur within the first
    /// 8,319 characters): lines of 3 to 10 words of 1 to 9 letters, the first word capitalized (any letter equally often), the
    /// others lower case (earlier letters of "etaoin…" more often), punctuation after some words, a few one-character words
    /// ('&amp;', '$', '3', '-', '\''), sometimes a blank line; drawn with <see cref="Random"/>(<paramref name="seed"/>), so
    /// always the same text.
    /// </summary>
    public static string Synthetic(int characters, int seed)
    {
        const string letters = "etaoinshrdlcumwfgypbvkjxqz";   // roughly by English frequency; lower case: the smaller of two draws
        const string punctuation = ",.;:!?";
        string[] rare = ["&", "$", "3", "-", "'"];
        var random = new Random(seed);
        var text = new StringBuilder(characters + 64);
        while (text.Length < characters)
        {
            int words = random.Next(3, 11);
            for (int w = 0; w < words; w++)
            {
                if (w > 0) text.Append(' ');
                if (random.Next(50) == 0)
                {
                    text.Append(rare[random.Next(rare.Length)]);
                    continue;
                }
                int length = 1 + random.Next(9);
                for (int i = 0; i < length; i++)
                {
                    text.Append(w == 0 && i == 0
                        ? char.ToUpperInvariant(letters[random.Next(letters.Length)])
                        : letters[Math.Min(random.Next(letters.Length), random.Next(letters.Length))]);
                }
                if (random.Next(6) == 0) text.Append(punctuation[random.Next(punctuation.Length)]);
            }
            text.Append('\n');
            if (random.Next(8) == 0) text.Append('\n');
        }
        return text.ToString(0, characters);
    }
}
