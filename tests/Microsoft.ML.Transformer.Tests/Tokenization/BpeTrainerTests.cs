using Microsoft.ML.Transformer.Tokenization;

namespace Microsoft.ML.Transformer.Tests.Tokenization;

public class BpeTrainerTests
{
    private const int A = 'a', B = 'b', C = 'c', D = 'd';

    private static List<(int, int)> Learn(Dictionary<string, long> pieces, int maxMerges = 100, int minFrequency = 1)
        => BpeTrainer.LearnMerges(pieces, maxMerges, minFrequency);

    [Fact]
    public void MergesTheMostFrequentPairFirstAndBuildsOnEarlierMerges()
    {
        // "aab"×3, "ab"×2: (a,b) occurs 5 times, (a,a) 3 → merge (a,b)=256. Then "a·256"×3 → merge (a,256)=257.
        var merges = Learn(new() { ["aab"] = 3, ["ab"] = 2 });
        Assert.Equal([(A, B), (A, 256)], merges);
    }

    [Fact]
    public void MinimumFrequencyStopsMerging()
    {
        Assert.Equal([(A, B)], Learn(new() { ["aab"] = 3, ["ab"] = 2 }, minFrequency: 4));
    }

    [Fact]
    public void MaxMergesStopsMerging()
    {
        Assert.Equal([(A, B)], Learn(new() { ["aab"] = 3, ["ab"] = 2 }, maxMerges: 1));
    }

    [Fact]
    public void TiesGoToTheSmallerSymbolPair()
    {
        Assert.Equal([(A, B), (C, D)], Learn(new() { ["cd"] = 2, ["ab"] = 2 }));
    }

    [Fact]
    public void OverlappingPairsMergeLeftToRight()
    {
        // "aaaa": (a,a) counted 3 times; merging left to right gives X X, then (X,X).
        Assert.Equal([(A, A), (256, 256)], Learn(new() { ["aaaa"] = 1 }));
        // "aaa": X a, then (X,a).
        Assert.Equal([(A, A), (256, A)], Learn(new() { ["aaa"] = 1 }));
    }

    [Fact]
    public void MultiByteCharactersStartAsTheirUtf8Bytes()
    {
        // 'é' is C3 A9 in UTF-8: the first merge joins its two bytes.
        Assert.Equal([(0xC3, 0xA9)], Learn(new() { ["é"] = 2 }, maxMerges: 1));
    }

    [Fact]
    public void IncrementalCountsGiveTheSameMergesAsRecountingEveryStep()
    {
        var random = new Random(7);
        var pieces = new Dictionary<string, long>();
        for (int i = 0; i < 300; i++)
        {
            string piece = new(Enumerable.Range(0, random.Next(1, 9)).Select(_ => "abcde "[random.Next(6)]).ToArray());
            pieces[piece] = pieces.GetValueOrDefault(piece) + random.Next(1, 20);
        }
        Assert.Equal(NaiveMerges(pieces, 60, 2), Learn(pieces, 60, 2));
    }

    /// <summary>Textbook BPE: recount every pair over the whole corpus before each merge.</summary>
    private static List<(int, int)> NaiveMerges(Dictionary<string, long> pieces, int maxMerges, int minFrequency)
    {
        var words = pieces.Select(p => (Symbols: System.Text.Encoding.UTF8.GetBytes(p.Key).Select(b => (int)b).ToList(), Count: p.Value)).ToList();
        var merges = new List<(int, int)>();
        while (merges.Count < maxMerges)
        {
            var counts = new Dictionary<(int, int), long>();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    counts[(symbols[i], symbols[i + 1])] = counts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            if (counts.Count == 0) break;
            var best = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Item1).ThenBy(kv => kv.Key.Item2).First();
            if (best.Value < minFrequency) break;
            int symbol = 256 + merges.Count;
            merges.Add(best.Key);
            foreach (var (symbols, _) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                    if (symbols[i] == best.Key.Item1 && symbols[i + 1] == best.Key.Item2)
                    {
                        symbols[i] = symbol;
                        symbols.RemoveAt(i + 1);
                    }
        }
        return merges;
    }
}
