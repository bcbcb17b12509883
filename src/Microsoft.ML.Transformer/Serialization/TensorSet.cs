namespace Microsoft.ML.Transformer.Serialization;

/// <summary>
/// The named tensors of one saved component. Loaders <see cref="Take"/> each tensor they expect, with its dtype and
/// shape, then call <see cref="EnsureAllTaken"/>: a missing, mistyped, misshapen or unexpected tensor is an error
/// that names it, never a silently wrong model.
/// </summary>
internal sealed class TensorSet
{
    private readonly Dictionary<string, TensorData> _byName;
    private readonly HashSet<string> _taken = new(StringComparer.Ordinal);
    private readonly string _owner;

    public TensorSet(IEnumerable<TensorData> tensors, string owner)
    {
        _owner = owner;
        _byName = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (TensorData t in tensors)
            if (!_byName.TryAdd(t.Name, t)) throw new ModelFormatException($"{owner}: tensor '{t.Name}' appears twice.");
    }

    /// <summary>Every tensor, for a loader that splits the set into parts (each part is then checked as a set of its own).</summary>
    public List<TensorData> TakeAll()
    {
        _taken.UnionWith(_byName.Keys);
        return [.. _byName.Values];
    }

    /// <summary>Returns the tensor, checking dtype and, where given, every dimension (-1 = any size).</summary>
    public TensorData Take(string name, TensorDType dtype, params long[]? expectedShape)
    {
        if (!_byName.TryGetValue(name, out TensorData? tensor))
            throw new ModelFormatException($"{_owner}: tensor '{name}' is missing.");
        if (tensor.DType != dtype)
            throw new ModelFormatException($"{_owner}: tensor '{name}' is {tensor.DType}, expected {dtype}.");
        if (expectedShape is not null && !ShapeMatches(tensor.Shape, expectedShape))
            throw new ModelFormatException(
                $"{_owner}: tensor '{name}' has shape {TensorData.FormatShape(tensor.Shape)}, expected {TensorData.FormatShape(expectedShape)}.");
        _taken.Add(name);
        return tensor;
    }

    public void EnsureAllTaken()
    {
        string[] extra = _byName.Keys.Where(n => !_taken.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        if (extra.Length > 0)
            throw new ModelFormatException($"{_owner}: unexpected tensor(s) {string.Join(", ", extra.Select(n => $"'{n}'"))}; the file does not match this model's configuration.");
    }

    private static bool ShapeMatches(long[] actual, long[] expected)
        => actual.Length == expected.Length && actual.Zip(expected).All(p => p.Second < 0 || p.First == p.Second);
}
