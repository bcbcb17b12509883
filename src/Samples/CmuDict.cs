using System.IO.Compression;
using System.Text;

namespace Samples;

/// <summary>One CMUdict word with every pronunciation the dictionary lists for it (ARPAbet phones joined by spaces).</summary>
public sealed record CmuWord(string Word, IReadOnlyList<string> Pronunciations);

/// <summary>
/// Reads the CMU Pronouncing Dictionary (<c>word PH1 PH2 …</c>, variants as <c>word(2)</c>, trailing <c> # comment</c>,
/// plain or gzip) and splits it by word: a stable hash of the word (FNV-1a of its UTF-8 bytes, mod 100) sends 90% of
/// the words to train, 5% to validation and 5% to test, so all pronunciations of a word stay on one side and the split
/// is the same on every machine.
/// </summary>
internal static class CmuDict
{
    public enum Split { Train, Validation, Test }

    /// <summary>The words in file order, each with its pronunciations in file order.</summary>
    public static List<CmuWord> Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CMUdict file not found: {path}", path);
        using Stream file = File.OpenRead(path);
        using Stream data = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(data, Encoding.UTF8);
        var words = new List<CmuWord>();
        var index = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string? line;
        for (int number = 1; (line = reader.ReadLine()) is not null; number++)
        {
            if (Parse(line) is not var (word, phones)) continue;
            if (phones.Length == 0) throw new InvalidDataException($"{path}: line {number} has a word but no phones: '{line}'.");
            if (!index.TryGetValue(word, out List<string>? pronunciations))
            {
                index[word] = pronunciations = [];
                words.Add(new CmuWord(word, pronunciations));
            }
            string pronunciation = string.Join(' ', phones);
            if (!pronunciations.Contains(pronunciation)) pronunciations.Add(pronunciation);
        }
        return words;
    }

    /// <summary>The word (without its "(n)" variant marker) and phones of one line; null for a blank or comment-only line.</summary>
    public static (string Word, string[] Phones)? Parse(string line)
    {
        int hash = line.IndexOf('#');
        string[] fields = (hash >= 0 ? line[..hash] : line).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length == 0) return null;
        string word = fields[0];
        int open = word.LastIndexOf('(');
        if (open > 0 && word[^1] == ')' && word.AsSpan(open + 1, word.Length - open - 2) is { IsEmpty: false } digits && !digits.ContainsAnyExceptInRange('0', '9'))
            word = word[..open];
        return (word, fields[1..]);
    }

    private static readonly char[] StressDigits = ['0', '1', '2'];

    /// <summary>A pronunciation with its vowels' stress digits removed ("T AH0 M EY1 T OW2" → "T AH M EY T OW"): the form
    /// of the stressless WER that published CMUdict G2P results report.</summary>
    public static string WithoutStress(string pronunciation)
        => string.Join(' ', pronunciation.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(phone => phone.TrimEnd(StressDigits)));

    /// <summary>The word with its pronunciations stress-free, those that then coincide kept once: the dictionary without
    /// stress that published CMUdict G2P results train and test on.</summary>
    public static CmuWord WithoutStress(CmuWord word) => word with { Pronunciations = [.. word.Pronunciations.Select(WithoutStress).Distinct()] };

    /// <summary>Which side of the 90/5/5 split a word falls on.</summary>
    public static Split SideOf(string word) => (Fnv1a(word) % 100) switch
    {
        < 90 => Split.Train,
        < 95 => Split.Validation,
        _ => Split.Test,
    };

    /// <summary>32-bit FNV-1a of the word's UTF-8 bytes.</summary>
    public static uint Fnv1a(string word)
    {
        uint hash = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(word)) hash = (hash ^ b) * 16777619;
        return hash;
    }
}
