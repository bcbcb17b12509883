namespace Microsoft.ML.Transformer.Tokenization;

/// <summary>
/// Learns byte-level BPE merges (Sennrich et al. 2016; GPT-2's byte alphabet) from counted pieces of text.
/// Symbols 0..255 are bytes; merge k creates symbol 256 + k. Pair counts are kept incrementally: a merge revisits
/// only the pieces that contain its pair (found through a pair → pieces index), never the whole corpus.
/// Ties go to the pair with the smaller symbol ids, so training is deterministic.
/// </summary>
internal static class BpeTrainer
{
    public static List<(int Left, int Right)> LearnMerges(
        IEnumerable<KeyValuePair<string, long>> pieceCounts, int maxMerges, int minFrequency, Action? checkAlive = null)
    {
        var words = new List<int[]>();
        var lengths = new List<int>();
        var counts = new List<long>();
        foreach (var (piece, count) in pieceCounts)
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(piece);
            words.Add(Array.ConvertAll(bytes, b => (int)b));
            lengths.Add(bytes.Length);
            counts.Add(count);
        }

        var pairCounts = new Dictionary<long, long>();
        var piecesWithPair = new Dictionary<long, List<int>>();
        for (int w = 0; w < words.Count; w++)
            AddPairs(words[w], lengths[w], counts[w], w, pairCounts, piecesWithPair, newSymbol: -1);

        // Max-heap on count, then min on pair key; stale entries are re-checked when popped.
        var heap = new PriorityQueue<long, (long Count, long Key)>(Comparer<(long Count, long Key)>.Create(
            (x, y) => x.Count != y.Count ? y.Count.CompareTo(x.Count) : x.Key.CompareTo(y.Key)));
        foreach (var (key, count) in pairCounts) heap.Enqueue(key, (count, key));

        var merges = new List<(int, int)>();
        var visited = new int[words.Count];
        Array.Fill(visited, -1);
        while (merges.Count < maxMerges && heap.TryDequeue(out long best, out var priority))
        {
            long current = pairCounts.GetValueOrDefault(best);
            if (current != priority.Count)
            {
                if (current > 0) heap.Enqueue(best, (current, best));
                continue;
            }
            if (current < minFrequency) break;
            if (merges.Count % 64 == 0) checkAlive?.Invoke(); // MLContext.CancelExecution()

            var (left, right) = Unpack(best);
            int newSymbol = 256 + merges.Count;
            merges.Add((left, right));
            var created = new HashSet<long>();
            foreach (int w in piecesWithPair[best])
            {
                if (visited[w] == merges.Count) continue; // listed twice
                visited[w] = merges.Count;
                int[] word = words[w];
                if (!ContainsPair(word, lengths[w], left, right)) continue; // stale: an earlier merge consumed it
                RemovePairs(word, lengths[w], counts[w], pairCounts);
                lengths[w] = Merge(word, lengths[w], left, right, newSymbol);
                AddPairs(word, lengths[w], counts[w], w, pairCounts, piecesWithPair, newSymbol, created);
            }
            piecesWithPair.Remove(best);
            pairCounts.Remove(best);
            foreach (long key in created)
                if (pairCounts.TryGetValue(key, out long count) && count > 0) heap.Enqueue(key, (count, key));
        }
        return merges;
    }

    private static long Pack(int left, int right) => ((long)left << 32) | (uint)right;

    private static (int, int) Unpack(long key) => ((int)(key >> 32), (int)(key & 0xffffffff));

    private static bool ContainsPair(int[] word, int length, int left, int right)
    {
        for (int i = 0; i + 1 < length; i++)
            if (word[i] == left && word[i + 1] == right) return true;
        return false;
    }

    /// <summary>Replaces non-overlapping (left, right) occurrences, left to right, in place; returns the new length.</summary>
    private static int Merge(int[] word, int length, int left, int right, int newSymbol)
    {
        int write = 0;
        for (int read = 0; read < length; read++)
        {
            if (read + 1 < length && word[read] == left && word[read + 1] == right)
            {
                word[write++] = newSymbol;
                read++;
            }
            else word[write++] = word[read];
        }
        return write;
    }

    private static void RemovePairs(int[] word, int length, long count, Dictionary<long, long> pairCounts)
    {
        for (int i = 0; i + 1 < length; i++)
        {
            long key = Pack(word[i], word[i + 1]);
            long remaining = pairCounts[key] - count;
            if (remaining == 0) pairCounts.Remove(key);
            else pairCounts[key] = remaining;
        }
    }

    private static void AddPairs(int[] word, int length, long count, int w, Dictionary<long, long> pairCounts,
        Dictionary<long, List<int>> piecesWithPair, int newSymbol, HashSet<long>? created = null)
    {
        for (int i = 0; i + 1 < length; i++)
        {
            long key = Pack(word[i], word[i + 1]);
            pairCounts[key] = pairCounts.GetValueOrDefault(key) + count;
            // Only pairs with the new symbol are new to this piece; the index already lists it for the others.
            if (newSymbol >= 0 && word[i] != newSymbol && word[i + 1] != newSymbol) continue;
            if (!piecesWithPair.TryGetValue(key, out var list)) piecesWithPair[key] = list = [];
            list.Add(w);
            created?.Add(key);
        }
    }
}
