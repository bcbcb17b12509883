using System.Collections;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Skipped rows by reason, compared by content: <see cref="EpochSummary"/> is a record, and a summary read back
/// from a saved model must equal the one that was saved.</summary>
internal sealed class SkipCounts : IReadOnlyDictionary<string, long>, IEquatable<SkipCounts>
{
    public static readonly SkipCounts None = new(new Dictionary<string, long>());

    private readonly SortedDictionary<string, long> _counts;

    public SkipCounts(IReadOnlyDictionary<string, long> counts) => _counts = new(counts.ToDictionary(), StringComparer.Ordinal);

    public long this[string key] => _counts[key];

    public IEnumerable<string> Keys => _counts.Keys;

    public IEnumerable<long> Values => _counts.Values;

    public int Count => _counts.Count;

    public bool ContainsKey(string key) => _counts.ContainsKey(key);

    public bool TryGetValue(string key, out long value) => _counts.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, long>> GetEnumerator() => _counts.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(SkipCounts? other) => other is not null && _counts.SequenceEqual(other._counts);

    public override bool Equals(object? obj) => Equals(obj as SkipCounts);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (reason, count) in _counts) hash.Add((reason, count));
        return hash.ToHashCode();
    }
}
