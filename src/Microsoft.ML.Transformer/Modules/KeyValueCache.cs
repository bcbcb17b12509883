using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// The keys and values one attention sub-layer has already computed, so that incremental decoding costs one new
/// position per step instead of re-running the whole prefix. Self-attention appends each step's K and V;
/// encoder–decoder attention computes K and V of the encoder output once and reuses them. The cache owns its
/// tensors (they outlive the per-step dispose scopes) and frees them on <see cref="Dispose"/>.
/// </summary>
internal sealed class AttentionCache : IDisposable
{
    public AttentionCache(bool isCrossAttention) => IsCrossAttention = isCrossAttention;

    public bool IsCrossAttention { get; }

    /// <summary>[batch, h, L_cached, d_k], or null before the first step.</summary>
    public Tensor? Keys { get; private set; }

    public Tensor? Values { get; private set; }

    public long Length => Keys?.shape[2] ?? 0;

    /// <summary>Stores K and V of the new positions (self-attention: appended; cross-attention: set once) and
    /// returns the full K and V to attend over.</summary>
    public (Tensor Keys, Tensor Values) Update(Tensor newKeys, Tensor newValues)
    {
        if (IsCrossAttention && Keys is not null)
            throw new InvalidOperationException("The encoder–decoder attention cache is already filled.");
        Replace(Keys is null ? newKeys.alias() : cat([Keys, newKeys], 2), Values is null ? newValues.alias() : cat([Values!, newValues], 2));
        return (Keys!, Values!);
    }

    /// <summary>Keeps, for each new row i, the cached row <paramref name="rows"/>[i] (beam search reorders and
    /// prunes hypotheses this way).</summary>
    public void Reorder(Tensor rows)
    {
        if (Keys is null) return;
        Replace(Keys.index_select(0, rows), Values!.index_select(0, rows));
    }

    private void Replace(Tensor keys, Tensor values)
    {
        Keys?.Dispose();
        Values?.Dispose();
        Keys = keys.DetachFromDisposeScope();
        Values = values.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        Keys?.Dispose();
        Values?.Dispose();
        Keys = Values = null;
    }
}

/// <summary>The caches of every decoder layer, and how many positions they hold.</summary>
internal sealed class DecoderCache : IDisposable
{
    private readonly (AttentionCache Self, AttentionCache? Cross)[] _layers;

    public DecoderCache(int layers, bool withCrossAttention)
    {
        _layers = new (AttentionCache, AttentionCache?)[layers];
        for (int i = 0; i < layers; i++)
            _layers[i] = (new AttentionCache(false), withCrossAttention ? new AttentionCache(true) : null);
    }

    /// <summary>Positions already decoded: the position index of the next token.</summary>
    public long Length => _layers.Length == 0 ? 0 : _layers[0].Self.Length;

    public (AttentionCache Self, AttentionCache? Cross) this[int layer] => _layers[layer];

    public void Reorder(Tensor rows)
    {
        foreach (var (self, cross) in _layers)
        {
            self.Reorder(rows);
            cross?.Reorder(rows);
        }
    }

    public void Dispose()
    {
        foreach (var (self, cross) in _layers)
        {
            self.Dispose();
            cross?.Dispose();
        }
    }
}
