using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Transformer.Modules;

/// <summary>
/// Collects attention weights [batch, h, L_q, L_k] from every layer of one forward pass. Passing a recorder makes
/// the layers use the explicit attention path (the fused one never forms the weights). It owns the tensors it holds.
/// </summary>
internal sealed class AttentionRecorder : IDisposable
{
    private readonly List<(AttentionKind Kind, int Layer, Tensor Weights)> _records = [];

    public IReadOnlyList<(AttentionKind Kind, int Layer, Tensor Weights)> Records => _records;

    public void Add(AttentionKind kind, int layer, Tensor weights)
        => _records.Add((kind, layer, weights.detach().DetachFromDisposeScope()));

    public Tensor Get(AttentionKind kind, int layer)
        => _records.First(r => r.Kind == kind && r.Layer == layer).Weights;

    public void Dispose()
    {
        foreach (var record in _records) record.Weights.Dispose();
        _records.Clear();
    }
}
