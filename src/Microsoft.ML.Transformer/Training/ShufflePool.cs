namespace Microsoft.ML.Transformer.Training;

/// <summary>A read row kept until it is batched: its ids (trailing padding trimmed) and what its task reads besides.</summary>
internal readonly record struct PooledRow<TLabel>(int[] Ids, TLabel Label);

/// <summary>
/// The shuffle buffer: at most <see cref="Capacity"/> rows, taken out in random picks. Rows wait here between the
/// cursor and the batches, so this capacity, not the data size, bounds the reader's memory.
/// </summary>
internal sealed class ShufflePool<TRow>
{
    private readonly List<TRow> _rows;

    public ShufflePool(int capacity)
    {
        Capacity = capacity;
        _rows = new List<TRow>(capacity);
    }

    public int Capacity { get; }

    public int Count => _rows.Count;

    public bool IsFull => _rows.Count == Capacity;

    public void Add(TRow row)
    {
        if (IsFull) throw new InvalidOperationException("The shuffle pool is full.");
        _rows.Add(row);
    }

    /// <summary>Removes <paramref name="count"/> rows picked uniformly at random (swap with the last, then drop it).</summary>
    public TRow[] Take(int count, Random random)
    {
        var taken = new TRow[count];
        for (int i = 0; i < count; i++)
        {
            int pick = random.Next(_rows.Count), last = _rows.Count - 1;
            taken[i] = _rows[pick];
            _rows[pick] = _rows[last];
            _rows.RemoveAt(last);
        }
        return taken;
    }
}
