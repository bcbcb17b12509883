using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Microsoft.ML.Transformer.Training;

/// <summary>Values by name (rows skipped by reason, further validation metrics), sorted by name and compared by content:
/// <see cref="EpochSummary"/> is a record, and a summary read back from a saved model must equal the one that was saved.</summary>
internal sealed class NamedValues<TValue> : IReadOnlyDictionary<string, TValue>, IEquatable<NamedValues<TValue>>
{
    public static readonly NamedValues<TValue> None = new(new Dictionary<string, TValue>());

    private readonly SortedDictionary<string, TValue> _values;

    public NamedValues(IReadOnlyDictionary<string, TValue> values) => _values = new(values.ToDictionary(), StringComparer.Ordinal);

    public TValue this[string key] => _values[key];

    public IEnumerable<string> Keys => _values.Keys;

    public IEnumerable<TValue> Values => _values.Values;

    public int Count => _values.Count;

    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value) => _values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(NamedValues<TValue>? other) => other is not null && _values.SequenceEqual(other._values);

    public override bool Equals(object? obj) => Equals(obj as NamedValues<TValue>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (name, value) in _values) hash.Add((name, value));
        return hash.ToHashCode();
    }
}
